"""Periodic jobs: the single-scheduler lease and the record of every run."""

from flask import Blueprint

# No URL prefix: the jobs page lives under /admin/jobs/, the health check at /healthz.
bp = Blueprint("jobs", __name__)

from crm.jobs import health, views  # noqa: E402,F401
