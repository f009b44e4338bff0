"""The GDPR Art. 14 notice: telling a person whose data came from elsewhere (a byline, a
database, an import) that the party holds it, when they are first contacted.

A contact needs the notice when it has a recorded source, has been contacted (an interaction
is logged) and has not been told yet. The text is in the person's language; the press officer
sends it (or says it) and records that it was given.
"""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import exists

from crm.contacts.models import Contact
from crm.errors import UserError
from crm.extensions import db
from crm.messages import msg
from crm.privacy.services import controller
from crm.timeutil import utcnow


def was_contacted(contact: Contact) -> bool:
    from crm.interactions.models import interaction_contact
    return bool(db.session.scalar(db.select(exists().where(
        interaction_contact.c.contact_id == contact.id))))


def needs_notice(contact: Contact) -> bool:
    return bool(contact.data_source.strip()) and contact.source_notice_at is None \
        and contact.erased_at is None and was_contacted(contact)


def notice_text(contact: Contact) -> tuple[str, str]:
    """(subject, body) of the notice in the contact's language (bokmål for nb and nn)."""
    language = "en" if contact.preferred_language == "en" else "nb"
    with force_locale(language):
        body = render_template(
            "privacy/notice.txt", contact=contact, controller=controller(),
            retention_months=current_app.config.get("CRM_RETENTION_MONTHS", 24))
    subject, _sep, text = body.strip().partition("\n")
    return subject.strip(), text.strip()


def record_notice(contact: Contact) -> None:
    """Note that the notice was given (an audited change of the contact) and commit."""
    if contact.erased_at is not None:
        raise UserError(msg("This contact has been erased."))
    contact.source_notice_at = utcnow()
    db.session.commit()
