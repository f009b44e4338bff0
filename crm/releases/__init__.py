"""Press releases: templates, drafting, approval, embargo, Word export and distribution."""

from flask import Blueprint

bp = Blueprint("releases", __name__, url_prefix="/releases")

from crm.releases import (  # noqa: E402,F401
    views,
    views_distribution,
    views_embargo,
    views_templates,
    views_unsubscribe,
)
