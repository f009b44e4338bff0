"""What data protection adds to the rest of Pressdesk (called by create_app; see crm/registry.py).

The privacy parts themselves are registered by the domains that hold the data.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm import registry
from crm.i18n import lazy_gettext as _l
from crm.navigation import NavItem
from crm.privacy.digest import retention_section
from crm.privacy.notice import needs_notice
from crm.privacy.retention import contact_last_activity


def contact_actions(contact) -> list[dict]:
    """"Export data" for editors, "Erase personal data" for admins."""
    actions = []
    if current_user.has_role("editor"):
        actions.append({"url": url_for("privacy.export_document", contact_id=contact.id),
                        "label": _("Export data (document)")})
        actions.append({"url": url_for("privacy.export", contact_id=contact.id),
                        "label": _("Export data (JSON)")})
    if current_user.has_role("admin") and contact.erased_at is None:
        actions.append({"url": url_for("privacy.erase", contact_id=contact.id),
                        "label": _("Erase personal data")})
    return actions


def contact_panel(contact) -> list[dict]:
    """The contact's last activity, beside the data protection facts."""
    return [{"template": "privacy/_panel.html", "last_activity": contact_last_activity(contact),
             "needs_notice": needs_notice(contact)}]


def register() -> None:
    registry.ADMIN_MENU.register(
        "retention", NavItem("privacy.retention", _l("Retention"), "privacy.", role="admin"),
        order=20)
    registry.CONTACT_ACTIONS.register("privacy", contact_actions, order=30)
    registry.CONTACT_PANELS.register("privacy", contact_panel, order=10)
    registry.DIGEST_SECTIONS.register("retention", retention_section, order=40)
