"""Periodic jobs: the single-scheduler lease and the record of every run."""

from flask import Blueprint

bp = Blueprint("jobs", __name__, url_prefix="/admin/jobs")

from crm.jobs import views  # noqa: E402,F401
