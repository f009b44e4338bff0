"""What bounces add to the rest of Pressdesk (called by create_app; see crm/registry.py):
the contact page's panel, the privacy part, and clearing an address's bounce state when the
address is changed or removed on the contact (whichever service does it: the form, a merge,
an import)."""

from __future__ import annotations

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from crm import registry
from crm.bounces.models import AddressBounce
from crm.bounces.privacy import erase_bounces, export_bounces
from crm.bounces.services import address_states
from crm.contacts.models import Contact
from crm.privacy.parts import PrivacyPart

_REMOVED = "_bounce_removed_emails"


def contact_panel(contact) -> list[dict]:
    """Undeliverable addresses and soft bounces, beside the data protection facts."""
    states = address_states(contact)
    return [{"template": "bounces/_panel.html", "states": states}] if states else []


def _email_removed(contact, contact_email, _initiator) -> None:
    if contact_email is not None and contact_email.email:
        contact.__dict__.setdefault(_REMOVED, set()).add(contact_email.email.lower())


def _clear_changed_addresses(session: Session, _ctx, _instances) -> None:
    """Delete the bounce state of addresses a contact no longer has (audited: it runs before
    the audit listener collects the flush)."""
    for contact in list(session.dirty):
        if not isinstance(contact, Contact) or _REMOVED not in contact.__dict__:
            continue
        removed = contact.__dict__.pop(_REMOVED)
        if contact.id is None:
            continue
        gone = removed - {e.email.lower() for e in contact.emails if e.email}
        if not gone:
            continue
        with session.no_autoflush:
            for state in session.scalars(select(AddressBounce).where(
                    AddressBounce.contact_id == contact.id,
                    AddressBounce.email.in_(sorted(gone)))):
                session.delete(state)


def register() -> None:
    registry.CONTACT_PANELS.register("bounces", contact_panel, order=20)
    registry.PRIVACY_PARTS.register(
        "bounces", PrivacyPart(export=export_bounces, erase=erase_bounces,
                               tables=("address_bounce", "bounce_event")),
        order=45)  # before releases, whose eraser unlinks the sends the bounces are tied to
    if not event.contains(Contact.emails, "remove", _email_removed):
        event.listen(Contact.emails, "remove", _email_removed)
    if not event.contains(Session, "before_flush", _clear_changed_addresses):
        event.listen(Session, "before_flush", _clear_changed_addresses, insert=True)
