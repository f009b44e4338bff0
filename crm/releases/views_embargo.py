"""The embargo register: releases under embargo now, who received them when, and breaches."""

from __future__ import annotations

from flask import render_template
from sqlalchemy.orm import selectinload

from crm.extensions import db
from crm.releases import bp, breach
from crm.releases.models import Distribution, Release
from crm.timeutil import utcnow


@bp.route("/embargo")
def embargo_register():
    """Releases under embargo now: the lift, each wave, its recipients and possible breaches."""
    now = utcnow()
    releases = db.session.scalars(
        db.select(Release).where(Release.embargo_until > now, Release.status != "withdrawn")
        .options(selectinload(Release.distributions).selectinload(Distribution.recipients))
        .order_by(Release.embargo_until)).all()
    return render_template("releases/embargo.html", releases=releases, now=now,
                           breaches=breach.breaches_of([r.id for r in releases]),
                           breach_recipients=breach.recipients_at)
