"""Merging two records of the same person into one.

The user chooses, field by field, which record's value the merged contact takes (`choices`;
the default is the more complete value, see `field_choices`). Emails, phones, beats and tags
are combined (no repeats); notes and social media are combined unless one side is chosen;
other fields left unchosen keep the kept record's value, or the other's where it is empty. Every row of any table that points
at the other contact (media list memberships, interactions and through them follow-ups and
inquiries, and whatever other domains add) is moved to the kept contact, dropping rows that
would repeat one the kept contact has already. Then the other contact is deleted. One
transaction; the audit log gets the update, the delete and a "merge" entry linking them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Table, UniqueConstraint, delete, exists, update

from crm.audit.models import AuditEntry
from crm.contacts.models import Contact, ContactBeat, ContactEmail, ContactPhone, Organisation, Tag
from crm.contacts.services import refresh_search_text
from crm.errors import UserError
from crm.extensions import db
from crm.messages import msg
from crm.text import sort_key

# Tables the Contact model owns through relationships; merged through the ORM below.
ORM_OWNED = frozenset({"contact_email", "contact_phone", "contact_beat", "contact_tag"})
FILLED_FIELDS = ("title", "region", "office", "constituency", "committee", "address")
# Fields with one value, chosen per field on the merge page; "organisation" is organisation_id.
CHOSEN_FIELDS = ("name", "kind", "organisation", "title", "office", "region", "constituency",
                 "committee", "address", "preferred_language", "lawful_basis", "consent_date")
# Text fields whose two values can also be kept both.
COMBINED_FIELDS = ("notes", "social")
KEEP, OTHER, BOTH = "keep", "other", "both"


class MergeError(UserError):
    """Two contacts cannot be merged; the message says why."""


@dataclass
class _Snapshot:
    """What the other contact holds, read before anything moves."""

    id: int
    name: str
    values: dict[str, object]
    organisation_id: int | None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    beats: list[str] = field(default_factory=list)
    tag_ids: list[int] = field(default_factory=list)


def _value(contact, name: str):
    return contact.organisation_id if name == "organisation" else getattr(contact, name)


def _snapshot(contact: Contact) -> _Snapshot:
    names = (*FILLED_FIELDS, "social", "notes", "data_source", "consent_date", "lawful_basis",
             "opted_out", "created_at", "name", "kind", "preferred_language")
    return _Snapshot(
        id=contact.id, name=contact.name, organisation_id=contact.organisation_id,
        values={n: getattr(contact, n) for n in names},
        emails=[e.email for e in contact.emails], phones=[p.number for p in contact.phones],
        beats=[b.name for b in contact.beats], tag_ids=[t.id for t in contact.tags])


def contact_references() -> list[tuple[Table, object]]:
    """(table, column) for every foreign key to contact.id outside the contact's own rows."""
    target = Contact.__table__.c.id
    found = []
    for table in db.metadata.sorted_tables:
        if table.name in ORM_OWNED:
            continue
        for fk in table.foreign_keys:
            if fk.column is target:
                found.append((table, fk.parent))
    return found


def _unique_partners(table: Table, column) -> list[list]:
    """For each unique key holding `column`: its other columns (a row with the same values
    and the kept contact would collide)."""
    name = column.name
    keys = [list(table.primary_key.columns)]
    keys += [list(c.columns) for c in table.constraints if isinstance(c, UniqueConstraint)]
    keys += [list(i.columns) for i in table.indexes if i.unique]
    return [[c for c in key if c.name != name] for key in keys
            if any(c.name == name for c in key)]


def _move_references(old_id: int, new_id: int) -> None:
    for table, column in contact_references():
        for partners in _unique_partners(table, column):
            twin = table.alias("twin")
            clash = exists().where(twin.c[column.name] == new_id,
                                   *[twin.c[p.name] == table.c[p.name] for p in partners])
            db.session.execute(delete(table).where(column == old_id, clash))
        db.session.execute(update(table).where(column == old_id).values({column.name: new_id}))


def _join_text(mine: str, theirs: str, separator: str) -> str:
    mine, theirs = (mine or "").strip(), (theirs or "").strip()
    if not theirs or theirs in mine:
        return mine
    if not mine:
        return theirs
    return f"{mine}{separator}{theirs}"


def _union_lines(mine: str, theirs: str) -> str:
    lines = [line.strip() for line in f"{mine}\n{theirs}".splitlines() if line.strip()]
    return "\n".join(dict.fromkeys(lines))


def _combine(keep: Contact, other: _Snapshot) -> None:
    values = other.values
    for name in FILLED_FIELDS:
        if not getattr(keep, name) and values[name]:
            setattr(keep, name, values[name])
    if keep.organisation_id is None and other.organisation_id is not None:
        keep.organisation = db.session.get(Organisation, other.organisation_id)
    keep.social = _union_lines(keep.social, values["social"])
    keep.notes = _join_text(keep.notes, values["notes"], "\n\n")
    keep.data_source = _join_text(keep.data_source, values["data_source"], "; ")[:300]
    keep.consent_date = keep.consent_date or values["consent_date"]
    if keep.lawful_basis == "none":
        keep.lawful_basis = values["lawful_basis"]
    keep.opted_out = keep.opted_out or values["opted_out"]  # an opt-out anywhere counts
    created: datetime = values["created_at"]
    if created and keep.created_at and created < keep.created_at:
        keep.created_at = created
    emails = [e.email for e in keep.emails]
    for email in other.emails:
        if email not in emails:
            emails.append(email)
            keep.emails.append(ContactEmail(email=email, position=len(emails) - 1))
    phones = [p.number for p in keep.phones]
    for number in other.phones:
        if number not in phones:
            phones.append(number)
            keep.phones.append(ContactPhone(number=number, position=len(phones) - 1))
    beats = {b.name for b in keep.beats}
    for name in other.beats:
        if name not in beats:
            beats.add(name)
            keep.beats.append(ContactBeat(name=name))
    tag_ids = {t.id for t in keep.tags}
    for tag_id in other.tag_ids:
        if tag_id not in tag_ids:
            keep.tags.append(db.session.get(Tag, tag_id))
            tag_ids.add(tag_id)


def _completeness(value) -> tuple:
    """How complete a value looks: present, then unabbreviated ("Jonas Gahr Støre" over
    "Jonas G. Støre"), then longer."""
    if value in (None, "", "none"):
        return (0, 0, 0)
    text = str(value)
    abbreviated = sum(1 for word in text.split() if len(word) <= 2 and word.endswith("."))
    return (1, -abbreviated, len(text))


@dataclass
class FieldChoice:
    name: str
    values: tuple  # (first record's, second record's) as stored
    default: str  # "a" or "b" (or "both" for combined fields)
    combined: bool = False


def field_choices(first: Contact, second: Contact) -> list[FieldChoice]:
    """The fields where the two records differ, each with the more complete value chosen."""
    found = []
    for name in CHOSEN_FIELDS:
        a, b = _value(first, name), _value(second, name)
        if a == b or (not a and not b):
            continue
        default = "b" if _completeness(b) > _completeness(a) else "a"
        found.append(FieldChoice(name, (a, b), default))
    for name in COMBINED_FIELDS:
        a, b = getattr(first, name) or "", getattr(second, name) or ""
        if a.strip() == b.strip() or not (a.strip() and b.strip()):
            continue
        found.append(FieldChoice(name, (a, b), "both", combined=True))
    return found


def _apply_choices(keep: Contact, kept: dict, other: _Snapshot, choices: dict[str, str]) -> None:
    """Set each chosen field to the kept record's original value or the other's."""
    for name, choice in choices.items():
        if name in CHOSEN_FIELDS and choice in (KEEP, OTHER):
            value = kept[name] if choice == KEEP else (
                other.organisation_id if name == "organisation" else other.values[name])
            if name == "organisation":
                keep.organisation = db.session.get(Organisation, value) if value else None
            else:
                setattr(keep, name, value)
        elif name in COMBINED_FIELDS and choice in (KEEP, OTHER):
            setattr(keep, name, kept[name] if choice == KEEP else other.values[name])
    keep.sort_name = sort_key(keep.name)


def merge_contacts(keep: Contact, other: Contact, *, user_id: int | None = None,
                   choices: dict[str, str] | None = None) -> Contact:
    """Merge `other` into `keep`, delete `other`, commit, and return `keep`.

    `choices` maps a field (CHOSEN_FIELDS, COMBINED_FIELDS) to "keep", "other" or, for the
    combined ones, "both" (the default). Raises MergeError (nothing changed) for the same
    contact twice or an erased contact."""
    if keep is None or other is None:
        raise MergeError(msg("Choose two contacts to merge."))
    if keep.id == other.id:
        raise MergeError(msg("A contact cannot be merged with itself."))
    if keep.erased_at is not None or other.erased_at is not None:
        raise MergeError(msg("Erased contacts cannot be merged."))
    keep_id = keep.id
    try:
        snapshot = _snapshot(other)
        kept = {name: _value(keep, name) for name in (*CHOSEN_FIELDS, *COMBINED_FIELDS)}
        db.session.flush()
        _move_references(snapshot.id, keep_id)
        # Core statements bypassed the ORM: reload whatever the session holds.
        db.session.expire_all()
        keep = db.session.get(Contact, keep_id)
        other = db.session.get(Contact, snapshot.id)
        with db.session.no_autoflush:
            _combine(keep, snapshot)
            _apply_choices(keep, kept, snapshot, choices or {})
            refresh_search_text(keep)
        db.session.delete(other)
        db.session.add(AuditEntry(
            user_id=user_id, action="merge", entity_type="contact", entity_id=keep_id,
            label=keep.audit_label()[:300],
            changes={"merged_contact_id": snapshot.id, "merged_contact_name": snapshot.name}))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return keep

