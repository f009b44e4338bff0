"""What the register holds about a contact, for the privacy export.

The contact's own rows (emails, phones, beats, tags, media-list memberships) are erased by the
erasure service itself (`crm.privacy.services.erase_contact`), which owns the contact row;
audit entries about the contact are blanked there too (see `audit_identities`).
"""

from __future__ import annotations

from sqlalchemy import select

from crm.audit.models import AuditEntry
from crm.auth.models import User
from crm.contacts.models import Contact, MediaList, MediaListMember
from crm.extensions import db

# The contact's own rows with a foreign key to it: exported here, deleted by the erasure.
OWN_TABLES = ("contact_email", "contact_phone", "contact_beat", "contact_tag",
              "media_list_member")


def _user_name(user: User | None) -> str | None:
    return user.display_name if user is not None else None


def export_contact(contact: Contact) -> dict:
    memberships = db.session.execute(
        select(MediaList.id, MediaList.name)
        .join(MediaListMember, MediaListMember.media_list_id == MediaList.id)
        .where(MediaListMember.contact_id == contact.id).order_by(MediaList.name)).all()
    organisation = contact.organisation
    return {
        "id": contact.id, "kind": contact.kind, "name": contact.name, "title": contact.title,
        "organisation": None if organisation is None else {
            "id": organisation.id, "name": organisation.name, "kind": organisation.kind},
        "region": contact.region, "office": contact.office,
        "constituency": contact.constituency, "committee": contact.committee,
        "emails": [e.email for e in contact.emails],
        "phones": [p.number for p in contact.phones],
        "beats": [b.name for b in contact.beats],
        "tags": [t.name for t in contact.tags],
        "media_lists": [{"id": ml_id, "name": name} for ml_id, name in memberships],
        "address": contact.address, "social": contact.social, "notes": contact.notes,
        "preferred_language": contact.preferred_language,
        "lawful_basis": contact.lawful_basis, "consent_date": contact.consent_date,
        "data_source": contact.data_source, "opted_out": contact.opted_out,
        "created_at": contact.created_at, "updated_at": contact.updated_at,
        "erased_at": contact.erased_at,
    }


def audit_identities(contact_ids: list[int]) -> set[int]:
    """The contacts' ids and the ids of contacts merged into them (their audit entries too)."""
    ids, todo = set(contact_ids), list(contact_ids)
    while todo:
        merges = db.session.scalars(select(AuditEntry.changes).where(
            AuditEntry.entity_type == "contact", AuditEntry.action == "merge",
            AuditEntry.entity_id.in_(todo))).all()
        found = {c.get("merged_contact_id") for c in merges if isinstance(c, dict)}
        todo = [i for i in found if isinstance(i, int) and i not in ids]
        ids.update(todo)
    return ids


def export_audit_entries(contact: Contact) -> list[dict]:
    rows = db.session.execute(
        select(AuditEntry, User).outerjoin(User, User.id == AuditEntry.user_id)
        .where(AuditEntry.entity_type == "contact",
               AuditEntry.entity_id.in_(audit_identities([contact.id])))
        .order_by(AuditEntry.id)).all()
    return [{
        "id": entry.id, "contact_id": entry.entity_id, "created_at": entry.created_at,
        "action": entry.action,
        "by": _user_name(user), "label": entry.label, "changes": entry.changes,
    } for entry, user in rows]
