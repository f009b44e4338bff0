"""Data protection (GDPR): per-contact export, erasure and the retention report."""

from flask import Blueprint

bp = Blueprint("privacy", __name__, url_prefix="/privacy")

from crm.privacy import views  # noqa: E402,F401
