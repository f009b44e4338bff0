"""What the register adds to the rest of Pressdesk (called by create_app; see crm/registry.py)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm import registry
from crm.contacts.privacy import OWN_TABLES, export_audit_entries, export_contact
from crm.privacy.parts import PrivacyPart


def transfer_actions(contact) -> list[dict]:
    """"vCard" for a contact not erased, and "Merge with…" for editors."""
    if contact.erased_at is not None:
        return []
    actions = [{"url": url_for("contacts.export_vcard", contact_id=contact.id),
                "label": _("vCard")}]
    if current_user.has_role("editor"):
        actions.append({"url": url_for("contacts.merge", a=contact.id),
                        "label": _("Merge with…")})
    return actions


def register() -> None:
    registry.CONTACT_ACTIONS.register("transfer", transfer_actions, order=20)
    # The contact's own rows are erased by crm.privacy.services itself (it owns the row).
    registry.PRIVACY_PARTS.register("contact", PrivacyPart(export=export_contact,
                                                           tables=OWN_TABLES), order=10)
    registry.PRIVACY_PARTS.register("audit_entries", PrivacyPart(export=export_audit_entries),
                                    order=30)
