from zoneinfo import ZoneInfo

from flask import current_app, render_template

from crm import scheduler
from crm.auth.roles import admin_required
from crm.jobs import bp, services
from crm.timeutil import utcnow


@bp.route("/admin/jobs/")
@admin_required
def index():
    """The periodic jobs, their next run, last result and recent errors."""
    last = services.last_runs()
    failures = services.last_failures(3)
    now = utcnow()
    zone = ZoneInfo(current_app.config["CRM_TIMEZONE"])
    rows = []
    for spec in scheduler.JOBS:
        run = last.get(spec.id)
        rows.append({"spec": spec, "last": run,
                     "next": scheduler.next_run(spec, run.started_at if run else None, now,
                                                zone),
                     "failures": failures.get(spec.id, [])})
    return render_template("jobs/index.html", rows=rows, lease=services.current_lease())
