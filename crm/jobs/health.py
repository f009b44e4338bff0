"""GET /healthz: for load balancers, systemd and monitoring; public, reads no user data.

200 when the database answers, 503 when it does not. The body (JSON) also says how old the
scheduler's lease is: "ok" while a scheduler renews it, "stale" when none has for longer than
its time to live, "none" when no scheduler ever ran. `?require=scheduler` makes a stale or
missing scheduler a 503 too (for a check of the scheduler; the web servers stay up without it).
"""

from __future__ import annotations

import logging

from flask import jsonify, request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from crm.extensions import db
from crm.jobs import bp
from crm.jobs.models import SchedulerLease
from crm.jobs.services import LEASE_NAME
from crm.timeutil import utcnow

log = logging.getLogger(__name__)


def health() -> tuple[dict, bool]:
    """(the report, whether the database answered)."""
    from crm.scheduler import LEASE_TTL

    try:
        db.session.execute(text("SELECT 1"))
        lease = db.session.get(SchedulerLease, LEASE_NAME)
    except SQLAlchemyError as exc:
        log.warning("Health check: the database is unreachable (%s)", type(exc).__name__)
        db.session.rollback()
        return {"status": "error", "database": "unreachable", "scheduler": "unknown"}, False
    finally:
        db.session.remove()
    report: dict = {"status": "ok", "database": "ok"}
    if lease is None:
        report["scheduler"] = "none"
    else:
        now = utcnow()
        renewed = lease.expires_at - LEASE_TTL
        report["scheduler"] = "ok" if lease.expires_at > now else "stale"
        report["scheduler_lease_age_seconds"] = max(0, round((now - renewed).total_seconds()))
    return report, True


@bp.route("/healthz", methods=["GET", "HEAD"])
def healthz():
    report, database_ok = health()
    ok = database_ok and (request.args.get("require") != "scheduler"
                          or report["scheduler"] == "ok")
    response = jsonify(report)
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response
