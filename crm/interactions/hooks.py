"""What interactions add to the app: menu entries, contact-page hooks, template helpers."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from crm.interactions import bp
from crm.interactions.queries import contact_timeline
from crm.interactions.services import follow_up_state, inquiry_is_overdue
from crm.navigation import NavItem, add_main, contact_hook
from crm.timeutil import utcnow

add_main(NavItem("interactions.interaction_list", _l("Interactions"),
                 "interactions.interaction", order=10))
add_main(NavItem("interactions.inquiry_list", _l("Inquiries"), "interactions.inquir", order=20))


@contact_hook("actions")
def contact_actions(contact) -> list[dict]:
    """"Log interaction" and "Log press inquiry" buttons for those who may write."""
    if not (current_user.is_authenticated and current_user.can_write) or contact.erased_at:
        return []
    return [
        {"url": url_for("interactions.interaction_new", contact=contact.id),
         "label": _("Log interaction")},
        {"url": url_for("interactions.interaction_new", contact=contact.id, kind="inquiry"),
         "label": _("Log press inquiry")},
    ]


@contact_hook("sections")
def contact_sections(contact) -> list[dict]:
    """The contact's timeline: interactions newest first, with follow-ups and inquiry status."""
    interactions, total = contact_timeline(contact)
    return [{"template": "interactions/_timeline.html", "interactions": interactions,
             "total": total}]


@bp.app_context_processor
def interaction_helpers() -> dict:
    return {"follow_up_state": follow_up_state,
            "inquiry_is_overdue": inquiry_is_overdue, "utcnow": utcnow}
