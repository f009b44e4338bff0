"""Media lists: named, ordered sets of contacts."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from crm.contacts.models import Contact, MediaList, MediaListMember
from crm.errors import UserError
from crm.extensions import db
from crm.messages import msg
from crm.text import name_key, normalise_space


def save_media_list(media_list: MediaList | None, *, name: str, description: str = "") -> MediaList:
    """Create or rename a media list and commit. Raises UserError on an empty or taken name."""
    name = normalise_space(name)[:200]
    if not name:
        raise UserError(msg("A name is required."), field="name")
    taken = UserError(msg("A media list called “%(name)s” already exists.", name=name),
                      field="name")
    clash = db.session.scalar(db.select(MediaList).where(
        MediaList.name_key == name_key(name)[:200]))
    if clash is not None and clash is not media_list:
        raise taken
    if media_list is None:
        media_list = MediaList()
        db.session.add(media_list)
    media_list.name = name
    media_list.description = (description or "").strip()[:5000]
    try:
        db.session.commit()
    except IntegrityError:  # the same name saved a moment ago by someone else
        db.session.rollback()
        raise taken from None
    return media_list


def add_members(media_list: MediaList, contact_ids: list[int]) -> int:
    """Append contacts to the end of a list (skipping members and unknown ids); return added."""
    present = {m.contact_id for m in media_list.members}
    wanted = [cid for cid in dict.fromkeys(contact_ids) if cid not in present]
    if not wanted:
        return 0
    known = set(db.session.scalars(db.select(Contact.id).where(
        Contact.id.in_(wanted), Contact.erased_at.is_(None))))
    position = max((m.position for m in media_list.members), default=-1)
    added = 0
    for cid in wanted:
        if cid in known:
            position += 1
            media_list.members.append(MediaListMember(contact_id=cid, position=position))
            added += 1
    db.session.commit()
    return added


def remove_member(media_list: MediaList, contact_id: int) -> bool:
    for member in media_list.members:
        if member.contact_id == contact_id:
            media_list.members.remove(member)
            db.session.commit()
            return True
    return False


def move_member(media_list: MediaList, contact_id: int, offset: int) -> None:
    """Move a member up (offset -1) or down (+1) and renumber positions 0..n-1."""
    members = list(media_list.members)
    index = next((i for i, m in enumerate(members) if m.contact_id == contact_id), None)
    if index is None:
        return
    target = min(max(index + offset, 0), len(members) - 1)
    members.insert(target, members.pop(index))
    for position, member in enumerate(members):
        member.position = position
    db.session.commit()


def list_recipients(media_list: MediaList) -> list[Contact]:
    """The list's contacts in list order, erased ones left out; one query, with the emails
    and organisation each row shows (or each send needs) loaded for all of them at once."""
    return list(db.session.scalars(
        db.select(Contact).join(MediaListMember, MediaListMember.contact_id == Contact.id)
        .where(MediaListMember.media_list_id == media_list.id, Contact.erased_at.is_(None))
        .order_by(MediaListMember.position, MediaListMember.contact_id)
        .options(selectinload(Contact.emails), selectinload(Contact.organisation))))
