"""Media monitoring: RSS/Atom feeds, watch terms, mentions and coverage analytics."""

from flask import Blueprint

bp = Blueprint("monitoring", __name__, url_prefix="/monitoring")

from crm.monitoring import buttons, views, views_coverage, views_report  # noqa: E402,F401
