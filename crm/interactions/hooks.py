"""What interactions add to the rest of Pressdesk (called by create_app; see crm/registry.py)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm import registry
from crm.i18n import lazy_gettext as _l
from crm.interactions.digest import tasks_section
from crm.interactions.privacy import (
    erase_interactions,
    export_follow_ups,
    export_interactions,
    export_press_inquiries,
    interaction_activity,
)
from crm.interactions.queries import contact_timeline, pitch_window_days, recent_pitches
from crm.navigation import NavItem
from crm.privacy.parts import PrivacyPart


def contact_actions(contact) -> list[dict]:
    """"Log interaction", "Log press inquiry" and "Log pitch" for those who may write."""
    if not (current_user.is_authenticated and current_user.can_write) or contact.erased_at:
        return []
    return [
        {"url": url_for("interactions.interaction_new", contact=contact.id),
         "label": _("Log interaction"), "primary": True},
        {"url": url_for("interactions.interaction_new", contact=contact.id, kind="inquiry"),
         "label": _("Log press inquiry"), "primary": True},
        {"url": url_for("interactions.interaction_new", contact=contact.id, kind="pitch"),
         "label": _("Log pitch")},
    ]


def contact_sections(contact) -> list[dict]:
    """The contact's timeline: interactions newest first, with follow-ups and inquiry status."""
    interactions, total = contact_timeline(contact)
    return [{"template": "interactions/_timeline.html", "interactions": interactions,
             "total": total}]


def contact_pitches(contact) -> list[dict]:
    """Who on the staff pitched this contact lately, and what (only when someone did)."""
    pitches = recent_pitches([contact.id])
    if not pitches:
        return []
    return [{"template": "interactions/_pitches.html", "pitches": pitches,
             "days": pitch_window_days()}]


def register() -> None:
    registry.MAIN_MENU.register("interactions", NavItem(
        "interactions.interaction_list", _l("Interactions"), "interactions.interaction"),
        order=10)
    registry.MAIN_MENU.register("inquiries", NavItem(
        "interactions.inquiry_list", _l("Inquiries"), "interactions.inquir"), order=20)
    registry.CONTACT_ACTIONS.register("interactions", contact_actions, order=10)
    registry.CONTACT_SECTIONS.register("pitches", contact_pitches, order=5)
    registry.CONTACT_SECTIONS.register("interactions", contact_sections, order=10)
    registry.DIGEST_SECTIONS.register("tasks", tasks_section, order=20)
    # The interaction log's rows link to contacts through interaction_contact; follow-ups and
    # inquiries hang off the interactions and are erased with them.
    registry.PRIVACY_PARTS.register("interactions", PrivacyPart(
        export=export_interactions, erase=erase_interactions, activity=interaction_activity,
        tables=("interaction_contact",)), order=20)
    registry.PRIVACY_PARTS.register("follow_ups", PrivacyPart(export=export_follow_ups),
                                    order=21)
    registry.PRIVACY_PARTS.register("press_inquiries",
                                    PrivacyPart(export=export_press_inquiries), order=22)
