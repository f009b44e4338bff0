"""Data protection services: export of everything held about a contact, and erasure.

Shared by the views and the `crm retention-report` command; they own the commit. The
retention report is in crm/privacy/retention.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import parse_qsl, urlencode

from flask import current_app
from sqlalchemy import delete, insert, select, update

from crm.audit.models import AuditEntry
from crm.contacts.models import (
    Contact,
    ContactBeat,
    ContactEmail,
    ContactPhone,
    MediaListMember,
    SavedFilter,
    contact_tag,
)
from crm.contacts.privacy import audit_identities
from crm.extensions import db
from crm.interactions.privacy import split_interactions
from crm.privacy import redaction
from crm.registry import PRIVACY_PARTS
from crm.text import fold, sort_key
from crm.timeutil import to_local, utcnow

EXPORT_FORMAT = "pressdesk-subject-access/1"
DEFAULT_CONTROLLER = "Pressdesk (set CRM_DATA_CONTROLLER to the party's legal name)"
ERASED_NAME = "Slettet kontakt"
BATCH_SIZE = 100
# The contact's own rows, deleted by the erasure itself; every other table with a foreign key
# to the contact belongs to a registered privacy part (crm/privacy/parts.py).
CONTACT_OWN_ROWS = (ContactEmail.__table__, ContactPhone.__table__, ContactBeat.__table__,
                    MediaListMember.__table__, contact_tag)


# Export ----------------------------------------------------------------------------------

def controller() -> str:
    return current_app.config.get("CRM_DATA_CONTROLLER") or DEFAULT_CONTROLLER


def export_contact(contact: Contact, now: datetime | None = None) -> dict:
    """Everything every registered domain holds about `contact`, under a header."""
    data: dict = {"export": {
        "format": EXPORT_FORMAT,
        "controller": controller(),
        "exported_at": now or utcnow(),
        "contact_id": contact.id,
        "note": "All personal data Pressdesk holds about this person (GDPR Art. 15). "
                "Other people involved in the same interactions are counted, not named.",
    }}
    for name, part in PRIVACY_PARTS.items():
        if part.export is not None:
            data[name] = part.export(contact)
    return data


def _json_default(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON-able")


def export_json(contact: Contact, now: datetime | None = None) -> str:
    """The export as UTF-8-ready JSON text (æøå as themselves, not \\u escapes)."""
    return json.dumps(export_contact(contact, now), ensure_ascii=False, indent=2,
                      default=_json_default)


def export_filename(contact: Contact, now: datetime | None = None) -> str:
    day = to_local(now or utcnow()).date().isoformat()
    return f"pressdesk-contact-{contact.id}-{day}.json"


def record_export(contact: Contact, actor_id: int | None) -> None:
    """Note in the audit log that someone exported this contact's data (who, when; no data)."""
    db.session.execute(insert(AuditEntry).values(
        created_at=utcnow(), user_id=actor_id, action="export", entity_type="contact",
        entity_id=contact.id, label="", changes={}))
    db.session.commit()


# Erasure ---------------------------------------------------------------------------------

@dataclass
class ErasurePlan:
    """What erasing a contact will do, for the confirmation page."""

    emails: int
    phones: int
    beats: int
    tags: int
    media_lists: int
    interactions_blanked: int
    interactions_shared: int
    audit_entries: int


def erasure_plan(contact: Contact) -> ErasurePlan:
    sole, shared = split_interactions(contact.id)
    count = db.func.count()
    return ErasurePlan(
        emails=len(contact.emails), phones=len(contact.phones), beats=len(contact.beats),
        tags=len(contact.tags),
        media_lists=db.session.scalar(select(count).select_from(MediaListMember).where(
            MediaListMember.contact_id == contact.id)),
        interactions_blanked=len(sole), interactions_shared=len(shared),
        audit_entries=db.session.scalar(select(count).select_from(AuditEntry).where(
            AuditEntry.entity_type == "contact",
            AuditEntry.entity_id.in_(audit_identities([contact.id])))))


def erased_name(contact_id: int) -> str:
    return f"{ERASED_NAME} {contact_id}"


def _blank_contact_row(contact_id: int, now: datetime) -> None:
    name = erased_name(contact_id)
    db.session.execute(update(Contact).where(Contact.id == contact_id).values(
        name=name, sort_name=sort_key(name), organisation_id=None, title="", region="",
        office="", constituency="", committee="", address="", social="", notes="",
        preferred_language="nb", lawful_basis="none", consent_date=None, data_source="",
        opted_out=True, erased_at=now, updated_at=now, search_text="",
    ).execution_options(synchronize_session=False))


def _search_matches(term: str, folded_names: list[str]) -> bool:
    """A recorded search term that is part of an erased name (3 letters or more) found them."""
    folded = fold(term).strip()
    return len(folded) >= 3 and any(folded in name for name in folded_names)


def redact_recorded_searches(contacts: list[Contact]) -> int:
    """Remove the contacts' names, emails and phone numbers from the filters and search terms
    recorded in audit entries (bulk exports filtered by ?q=<name>) and in saved filters: a
    value containing one is redacted, a search term that is part of a name is replaced.
    Returns the entries and filters changed."""
    needles, folded_names = [], []
    for contact in contacts:
        needles += redaction.identifiers(contact.name, [e.email for e in contact.emails],
                                         [p.number for p in contact.phones])
        if len(contact.name.strip()) >= 3:
            folded_names.append(fold(contact.name))
    pattern = redaction.pattern_for(needles)
    changed = 0
    entries = db.session.execute(select(AuditEntry.id, AuditEntry.changes).where(
        AuditEntry.action == "export", AuditEntry.entity_id.is_(None))).all()
    for entry_id, changes in entries:
        filters = (changes or {}).get("filters")
        if not isinstance(filters, dict):
            continue
        cleaned = {}
        for key, value in filters.items():
            if isinstance(value, str) and _search_matches(value, folded_names):
                value = redaction.REDACTED
            cleaned[key] = redaction.redact_value(value, pattern)
        if cleaned != filters:
            db.session.execute(update(AuditEntry).where(AuditEntry.id == entry_id).values(
                changes={**changes, "filters": cleaned}).execution_options(
                synchronize_session=False))
            changed += 1
    for saved in db.session.scalars(select(SavedFilter)):  # saved searches: ?q=<name>
        pairs = parse_qsl(saved.query, keep_blank_values=True)
        kept = [(key, redaction.REDACTED if _search_matches(value, folded_names)
                 else redaction.redact_text(value, pattern)) for key, value in pairs]
        name = redaction.redact_text(saved.name, pattern)
        if kept != pairs or name != saved.name:
            saved.query, saved.name = urlencode(kept), name
            changed += 1
    return changed


def _erase(contacts: list[Contact], actor_id: int | None, via: str, now: datetime) -> None:
    """Erase `contacts` inside the caller's transaction (see erase_contact)."""
    if not contacts:
        return
    db.session.flush()
    redact_recorded_searches(contacts)
    for contact in contacts:
        for part in PRIVACY_PARTS.values():
            if part.erase is not None:
                part.erase(contact)
        db.session.flush()  # what an eraser changed through the ORM is audited by now
        # Marked erased at once, so the next contact's erasers see it as gone.
        _blank_contact_row(contact.id, now)
    ids = [contact.id for contact in contacts]
    for table in CONTACT_OWN_ROWS:
        db.session.execute(delete(table).where(table.c.contact_id.in_(ids)))
    db.session.execute(update(AuditEntry).where(
        AuditEntry.entity_type == "contact",
        AuditEntry.entity_id.in_(audit_identities(ids)),
    ).values(changes={}, label="").execution_options(synchronize_session=False))
    db.session.execute(insert(AuditEntry), [
        {"created_at": now, "user_id": actor_id, "action": "erase", "entity_type": "contact",
         "entity_id": cid, "label": erased_name(cid), "changes": {"via": via}} for cid in ids])
    for contact in contacts:
        db.session.expire(contact)


def erase_contact(contact: Contact, actor_id: int | None = None, via: str = "web") -> None:
    """Erase a contact's personal data in one transaction, keeping anonymised counts.

    - The contact row stays as an anonymous stub: the name becomes "Slettet kontakt <id>",
      every personal field is blanked (organisation too), lawful basis "none", opted out,
      `erased_at` set, search text blank (so search by the old name, email or phone finds
      nothing). Its emails, phones, beats, tags and media-list memberships are deleted.
    - Interactions stay linked to the stub, so counts by kind and date remain. Their free
      text (subject, notes, outcome, the inquiry's answer, follow-up notes) and the text in
      their audit entries is blanked when no other, un-erased contact was involved. When
      others were involved the text is theirs too and stays, but the erased person's name,
      emails and phone numbers are replaced by "[slettet]" wherever they occur in it
      (exact matches only: nicknames or descriptions are not found).
    - Audit entries about the contact (and about contacts merged into it) keep who and when
      but lose `changes` and `label`. Filters and search terms recorded by bulk exports lose
      the name, emails and phone numbers ("[slettet]"), and a search term that is part of
      the name (3 letters or more) is replaced whole.
    - Every other registered eraser (releases, monitoring ...) runs first.
    - The erasure is audited without personal data (action "erase", the stub's name).
    Erasing an erased contact again is harmless.
    """
    try:
        _erase([contact], actor_id, via, utcnow())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def erase_contacts(contact_ids: Iterable[int], actor_id: int | None = None, via: str = "web",
                   progress: Callable[[int], None] | None = None,
                   batch_size: int = BATCH_SIZE) -> int:
    """Erase many contacts (skipping unknown and erased ids), committing each batch.

    Each batch is one transaction holding whole erasures; a failure rolls back its batch
    and raises, leaving earlier batches erased. Returns how many were erased.
    """
    ids = list(dict.fromkeys(contact_ids))
    erased = 0
    for start in range(0, len(ids), batch_size):
        chunk = ids[start:start + batch_size]
        contacts = db.session.scalars(select(Contact).where(
            Contact.id.in_(chunk), Contact.erased_at.is_(None)).order_by(Contact.id)).all()
        try:
            _erase(contacts, actor_id, via, utcnow())
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        erased += len(contacts)
        if progress is not None:
            progress(erased)
    return erased
