"""Likely duplicate contacts: the same email, the same phone, or the same folded name in the
same organisation (none counts as one). Used by the import preview and the merge page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import joinedload, selectinload

from crm.contacts.models import Contact, ContactEmail, ContactPhone
from crm.extensions import db
from crm.i18n import lazy_gettext as _l
from crm.labels import LabelledEnum
from crm.text import fold

_CHUNK = 500
_STREAM = 2000


class DuplicateReason(LabelledEnum):
    EMAIL = "email", _l("same email")
    PHONE = "phone", _l("same phone")
    NAME = "name", _l("same name and organisation")
    SIMILAR = "similar", _l("similar name")


REASONS = DuplicateReason.values()

NameKey = tuple[str, int | None]  # (folded name, organisation id)


@dataclass(frozen=True)
class Match:
    contact_id: int
    name: str


def name_key(name: str, organisation_id: int | None) -> NameKey:
    return fold(name), organisation_id


def _chunks(values: list, size: int = _CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _by_value(column, values: Iterable[str]) -> dict[str, Match]:
    """Existing, not erased contacts holding any of `values` in an email or phone column."""
    found: dict[str, Match] = {}
    owner = column.class_
    for chunk in _chunks(sorted(set(values))):
        rows = db.session.execute(
            db.select(column, Contact.id, Contact.name)
            .join(Contact, Contact.id == owner.contact_id)
            .where(column.in_(chunk), Contact.erased_at.is_(None))
            .order_by(Contact.id))
        for value, contact_id, name in rows:
            found.setdefault(value, Match(contact_id, name))
    return found


def existing_by_email(emails: Iterable[str]) -> dict[str, Match]:
    return _by_value(ContactEmail.email, emails)


def existing_by_phone(phones: Iterable[str]) -> dict[str, Match]:
    return _by_value(ContactPhone.number, phones)


def _name_rows():
    """(id, name, organisation id) of every contact not erased, streamed in batches."""
    query = (db.select(Contact.id, Contact.name, Contact.organisation_id)
             .where(Contact.erased_at.is_(None)).order_by(Contact.id))
    return db.session.execute(query.execution_options(yield_per=_STREAM))


def existing_by_name(keys: set[NameKey]) -> dict[NameKey, Match]:
    """Existing contacts whose folded name and organisation equal one of `keys`.

    Folding happens in Python (it is not SQL), so this reads every contact's name once;
    fine for an import, and memory stays flat."""
    found: dict[NameKey, Match] = {}
    if not keys:
        return found
    for contact_id, name, organisation_id in _name_rows():
        key = name_key(name, organisation_id)
        if key in keys and key not in found:
            found[key] = Match(contact_id, name)
    return found


# Groups among existing contacts -------------------------------------------------------

@dataclass
class DuplicateGroup:
    contact_ids: list[int]
    reasons: set[str] = field(default_factory=set)
    contacts: list[Contact] = field(default_factory=list)


class _Union:
    def __init__(self):
        self.parent: dict[int, int] = {}
        self.reasons: dict[int, set[str]] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, ids: list[int], reason: str) -> None:
        root = self.find(ids[0])
        for other in ids[1:]:
            other_root = self.find(other)
            if other_root != root:
                self.parent[other_root] = root
                self.reasons.setdefault(root, set()).update(self.reasons.pop(other_root, set()))
        self.reasons.setdefault(root, set()).add(reason)


def _shared_value_sets(column) -> Iterable[list[int]]:
    owner = column.class_
    shared = (db.select(column).join(Contact, Contact.id == owner.contact_id)
              .where(Contact.erased_at.is_(None)).group_by(column)
              .having(db.func.count(db.distinct(owner.contact_id)) > 1))
    rows = db.session.execute(
        db.select(column, owner.contact_id).join(Contact, Contact.id == owner.contact_id)
        .where(Contact.erased_at.is_(None), column.in_(shared)).order_by(column))
    groups: dict[str, list[int]] = {}
    for value, contact_id in rows:
        ids = groups.setdefault(value, [])
        if contact_id not in ids:
            ids.append(contact_id)
    return groups.values()


def _same_name_sets() -> Iterable[list[int]]:
    first: dict[NameKey, int] = {}
    sets: dict[NameKey, list[int]] = {}
    for contact_id, name, organisation_id in _name_rows():
        key = name_key(name, organisation_id)
        if not key[0]:
            continue
        if key in first:
            sets.setdefault(key, [first[key]]).append(contact_id)
        else:
            first[key] = contact_id
    return sets.values()


def duplicate_groups(limit: int = 100, members_shown: int = 20) \
        -> tuple[list[DuplicateGroup], int]:
    """Groups of likely duplicates (the first `limit`, by name) and how many there are."""
    union = _Union()
    for ids in _shared_value_sets(ContactEmail.email):
        union.join(ids, "email")
    for ids in _shared_value_sets(ContactPhone.number):
        union.join(ids, "phone")
    for ids in _same_name_sets():
        union.join(ids, "name")
    members: dict[int, list[int]] = {}
    for contact_id in list(union.parent):
        members.setdefault(union.find(contact_id), []).append(contact_id)
    groups = [DuplicateGroup(sorted(ids), union.reasons.get(root, set()))
              for root, ids in members.items() if len(ids) > 1]
    total = len(groups)
    if not groups:
        return [], 0
    # Order groups by their first member's name: look up sort names of one id per group.
    leaders = {g.contact_ids[0]: g for g in groups}
    sort_names: dict[int, str] = {}
    for chunk in _chunks(list(leaders)):
        sort_names.update(db.session.execute(
            db.select(Contact.id, Contact.sort_name).where(Contact.id.in_(chunk))).all())
    groups.sort(key=lambda g: (sort_names.get(g.contact_ids[0], ""), g.contact_ids[0]))
    groups = groups[:limit]
    wanted = [cid for g in groups for cid in g.contact_ids[:members_shown]]
    loaded: dict[int, Contact] = {}
    for chunk in _chunks(wanted):
        for contact in db.session.scalars(
                db.select(Contact).where(Contact.id.in_(chunk))
                .options(joinedload(Contact.organisation), selectinload(Contact.emails),
                         selectinload(Contact.phones))):
            loaded[contact.id] = contact
    for group in groups:
        group.contacts = sorted((loaded[c] for c in group.contact_ids[:members_shown]
                                 if c in loaded), key=lambda c: (c.sort_name, c.id))
    return groups, total


# Before saving a new contact -----------------------------------------------------------

NAME_CANDIDATES = 100


def similar_names(a: str, b: str) -> bool:
    """The same folded name, or the same first and last name with middle names left out or
    shortened ("Jonas G. Støre", "Jonas Gahr Støre", "Jonas Støre")."""
    first, second = fold(a).split(), fold(b).split()
    if not first or not second:
        return False
    if first == second:
        return True
    return min(len(first), len(second)) >= 2 and first[0] == second[0] \
        and first[-1] == second[-1]


@dataclass(frozen=True)
class DuplicateHint:
    contact_id: int
    name: str
    reason: str  # a DuplicateReason value


def likely_duplicates(name: str, organisation_id: int | None, emails: Iterable[str] = (),
                      phones: Iterable[str] = (), exclude_id: int | None = None,
                      limit: int = 5) -> list[DuplicateHint]:
    """Contacts that look like the one about to be saved: the same email or phone, or a
    similar name at the same organisation (or where either has none)."""
    hints: dict[int, DuplicateHint] = {}
    for reason, found in ((DuplicateReason.EMAIL.value, existing_by_email(emails)),
                          (DuplicateReason.PHONE.value, existing_by_phone(phones))):
        for match in found.values():
            hints.setdefault(match.contact_id, DuplicateHint(match.contact_id, match.name, reason))
    words = fold(name).split()
    if words:
        from crm.contacts.services import ContactFilter, filtered_contacts
        candidates = db.session.execute(
            filtered_contacts(ContactFilter(q=words[-1]))
            .with_only_columns(Contact.id, Contact.name, Contact.organisation_id)
            .limit(NAME_CANDIDATES)).all()
        for contact_id, other_name, other_org in candidates:
            same_place = organisation_id is None or other_org is None \
                or other_org == organisation_id
            if same_place and similar_names(name, other_name):
                reason = DuplicateReason.NAME if fold(name) == fold(other_name) \
                    else DuplicateReason.SIMILAR
                hints.setdefault(contact_id, DuplicateHint(contact_id, other_name,
                                                           reason.value))
    hints.pop(exclude_id, None)
    return list(hints.values())[:limit]
