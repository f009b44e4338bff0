"""The morning digest email: what the media wrote and what the reader must do today."""

from flask import Blueprint

bp = Blueprint("digest", __name__, url_prefix="/digest")

from crm.digest import views  # noqa: E402,F401


@bp.app_context_processor
def _digest_alerts():
    """Admins see a banner on every page while digests wait for a retry."""
    from flask_login import current_user

    def failing():
        if not (current_user.is_authenticated and current_user.is_admin):
            return []
        from crm.digest.services import failing_deliveries
        return failing_deliveries()

    return {"digest_failures": failing}
