from flask import render_template

from crm import scheduler
from crm.auth.roles import admin_required
from crm.jobs import bp, services


@bp.route("/")
@admin_required
def index():
    """The periodic jobs, their schedule, last result and recent errors."""
    last = services.last_runs()
    rows = [{"spec": spec, "last": last.get(spec.id),
             "failures": services.last_failures(spec.id, 3)} for spec in scheduler.JOBS]
    return render_template("jobs/index.html", rows=rows)
