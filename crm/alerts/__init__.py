"""Spike and first-mention alerts on the watch terms: rules, subscriptions, email, banner."""

from flask import Blueprint

bp = Blueprint("alerts", __name__, url_prefix="/alerts")

from crm.alerts import views  # noqa: E402,F401


@bp.app_context_processor
def _alert_banner():
    """Every page shows the current user's undismissed alerts of the last day (base.html)."""
    from flask_login import current_user

    def banner():
        if not current_user.is_authenticated:
            return []
        from crm.alerts.services import banner_alerts
        return banner_alerts(current_user)

    return {"alert_banner": banner}
