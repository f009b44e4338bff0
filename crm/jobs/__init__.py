"""Periodic jobs: the single-scheduler lease and the record of every run."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from crm.navigation import NavItem, add_admin

bp = Blueprint("jobs", __name__, url_prefix="/admin/jobs")
add_admin(NavItem("jobs.index", _l("Jobs"), "jobs.", role="admin"))

from crm.jobs import views  # noqa: E402,F401
