"""Work on many contacts at once: the rows ticked in the list, or all that match its filter.

Every action is a plain function over a list of contact ids, so the list page, a CLI command or
a job can call it. Tags are added and removed with one statement each; deleting goes through
the ORM so that every deleted contact gets its own audit entry (and its cascades), and one
summary entry says who did what to how many. All or nothing: one commit per action.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, insert

from crm.audit.models import AuditEntry
from crm.contacts.lists import add_members
from crm.contacts.models import Contact, MediaList, contact_tag
from crm.contacts.services import ContactFilter, filtered_contacts, get_or_create_tags
from crm.contacts.validation import normalise_labels
from crm.errors import UserError
from crm.extensions import db
from crm.messages import msg

MAX_BULK = 20_000  # the register's import limit: "all matching" never means more than this


class BulkError(UserError):
    """A bulk action that cannot be done as asked."""


@dataclass(frozen=True)
class Selection:
    """Ticked ids, or every contact matching a filter (`all_matching`)."""

    ids: tuple[int, ...] = ()
    all_matching: bool = False
    flt: ContactFilter | None = None

    def contact_ids(self) -> list[int]:
        """The live (not erased) contacts selected, in list order."""
        if self.all_matching:
            query = filtered_contacts(self.flt or ContactFilter())
        elif self.ids:
            query = filtered_contacts(ContactFilter(ids=tuple(self.ids)))
        else:
            return []
        ids = list(db.session.scalars(
            query.with_only_columns(Contact.id).limit(MAX_BULK + 1)))
        if len(ids) > MAX_BULK:
            raise BulkError(msg("At most %(max)d contacts can be changed at once; narrow the "
                                "filter.", max=MAX_BULK))
        return ids


def _require(ids: list[int]) -> None:
    if not ids:
        raise BulkError(msg("Select at least one contact."))


def _note(operation: str, count: int, user_id: int | None, **details) -> None:
    db.session.add(AuditEntry(
        user_id=user_id, action="bulk", entity_type="contact", entity_id=None, label="",
        changes={"operation": operation, "count": count, **details}))


def add_to_list(ids: list[int], media_list: MediaList, user_id: int | None) -> int:
    """Append the contacts to a media list (members already there are skipped)."""
    _require(ids)
    added = add_members(media_list, ids)  # commits
    _note("add_to_list", added, user_id, list=media_list.name)
    db.session.commit()
    return added


def _tag_name(name: str):
    names = normalise_labels(name)
    if len(names) != 1:
        raise BulkError(msg("Give one tag."), field="tag")
    return names[0]


def add_tag(ids: list[int], name: str, user_id: int | None) -> int:
    """Tag the contacts (those already tagged are left as they are); return how many got it."""
    _require(ids)
    tag = get_or_create_tags([_tag_name(name)])[0]
    db.session.flush()
    have = set(db.session.scalars(db.select(contact_tag.c.contact_id).where(
        contact_tag.c.tag_id == tag.id, contact_tag.c.contact_id.in_(ids))))
    rows = [{"contact_id": cid, "tag_id": tag.id} for cid in ids if cid not in have]
    if rows:
        db.session.execute(insert(contact_tag), rows)
    _note("add_tag", len(rows), user_id, tag=tag.name)
    db.session.commit()
    return len(rows)


def remove_tag(ids: list[int], name: str, user_id: int | None) -> int:
    """Take the tag off the contacts; return how many had it."""
    _require(ids)
    from crm.contacts.models import Tag
    tag = db.session.scalar(db.select(Tag).where(Tag.name == _tag_name(name)))
    removed = 0
    if tag is not None:
        removed = db.session.execute(delete(contact_tag).where(
            contact_tag.c.tag_id == tag.id, contact_tag.c.contact_id.in_(ids))).rowcount
    _note("remove_tag", removed, user_id, tag=tag.name if tag else _tag_name(name))
    db.session.commit()
    return removed


def delete_contacts(ids: list[int], user_id: int | None) -> int:
    """Delete the contacts, each with its own audit entry; return how many."""
    _require(ids)
    deleted = 0
    for start in range(0, len(ids), 500):
        for contact in db.session.scalars(
                db.select(Contact).where(Contact.id.in_(ids[start:start + 500]))):
            db.session.delete(contact)
            deleted += 1
        db.session.flush()
    _note("delete", deleted, user_id)
    db.session.commit()
    return deleted
