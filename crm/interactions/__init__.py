"""Interactions with contacts, follow-ups and press inquiries."""

from flask import Blueprint

bp = Blueprint("interactions", __name__)

from crm.interactions import views, views_calendar, views_follow_ups  # noqa: E402,F401
from crm.interactions.deadlines import deadline_state, time_left  # noqa: E402
from crm.interactions.services import follow_up_state, inquiry_is_overdue  # noqa: E402
from crm.timeutil import utcnow  # noqa: E402


@bp.app_context_processor
def interaction_helpers() -> dict:
    return {"follow_up_state": follow_up_state,
            "inquiry_is_overdue": inquiry_is_overdue, "utcnow": utcnow,
            "deadline_state": deadline_state, "time_left": time_left}
