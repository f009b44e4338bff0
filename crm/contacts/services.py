"""Creating, changing and deleting contacts and organisations; filtering the register."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date

from sqlalchemy import Integer, column, event, literal, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from crm.contacts.models import (
    CONTACT_KINDS,
    CONTACT_LANGUAGES,
    LAWFUL_BASES,
    ORGANISATION_KINDS,
    Contact,
    ContactBeat,
    ContactEmail,
    ContactPhone,
    MediaListMember,
    Organisation,
    Tag,
    contact_tag,
)
from crm.contacts.search import apply_search, build_search_text
from crm.contacts.validation import (
    normalise_emails,
    normalise_labels,
    normalise_phones,
)
from crm.errors import UserError
from crm.extensions import db
from crm.messages import msg
from crm.sqlutil import among
from crm.text import name_key, normalise_space, sort_key

NAME_MAX = 200


@dataclass
class ContactData:
    """What a form, an import row or a script gives to create or change a contact."""

    kind: str
    name: str
    organisation_id: int | None = None
    title: str = ""
    region: str = ""
    office: str = ""
    constituency: str = ""
    committee: str = ""
    emails: list[str] | str = field(default_factory=list)
    phones: list[str] | str = field(default_factory=list)
    beats: list[str] | str = field(default_factory=list)
    tags: list[str] | str = field(default_factory=list)
    address: str = ""
    social: str = ""
    notes: str = ""
    preferred_language: str = "nb"
    lawful_basis: str = "legitimate_interest"
    consent_date: date | None = None
    data_source: str = ""
    opted_out: bool = False


def _clean_name(name: str) -> str:
    name = normalise_space(name or "")
    if not name:
        raise UserError(msg("A name is required."), field="name")
    if len(name) > NAME_MAX:
        raise UserError(msg("A name may have at most %(max)d characters.", max=NAME_MAX),
                        field="name")
    return name


def _check_choice(field_name: str, value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise UserError(msg("Unknown value “%(value)s”.", value=str(value)[:80]),
                        field=field_name)
    return value


def get_or_create_tags(names: list[str]) -> list[Tag]:
    if not names:
        return []
    keys = [name_key(name)[:80] for name in names]
    existing = {t.name_key: t for t in db.session.scalars(
        db.select(Tag).where(Tag.name_key.in_(keys)))}
    tags = []
    for name, key in zip(names, keys, strict=True):
        tag = existing.get(key)  # "Viktig" is the tag "viktig"
        if tag is None:
            tag = Tag(name=name)
            db.session.add(tag)
            existing[key] = tag
        if tag not in tags:
            tags.append(tag)
    return tags


def apply_contact_data(contact: Contact, data: ContactData) -> Contact:
    """Validate `data` and copy it onto `contact` (no commit). Raises UserError."""
    contact.kind = _check_choice("kind", data.kind, CONTACT_KINDS)
    contact.name = _clean_name(data.name)
    contact.sort_name = sort_key(contact.name)
    contact.preferred_language = _check_choice("preferred_language", data.preferred_language,
                                               CONTACT_LANGUAGES)
    contact.lawful_basis = _check_choice("lawful_basis", data.lawful_basis, LAWFUL_BASES)
    if data.organisation_id is not None:
        organisation = db.session.get(Organisation, data.organisation_id)
        if organisation is None:
            raise UserError(msg("That organisation does not exist."), field="organisation_id")
        contact.organisation = organisation
    else:
        contact.organisation = None
    for attr, limit in (("title", 200), ("region", 100), ("office", 100),
                        ("constituency", 100), ("committee", 200), ("data_source", 300)):
        setattr(contact, attr, normalise_space(getattr(data, attr) or "")[:limit])
    for attr in ("address", "social", "notes"):
        setattr(contact, attr, (getattr(data, attr) or "").strip()[:20000])
    contact.consent_date = data.consent_date
    contact.opted_out = bool(data.opted_out)
    emails = normalise_emails(data.emails)
    phones = normalise_phones(data.phones)
    contact.emails = [ContactEmail(email=e, position=i) for i, e in enumerate(emails)]
    contact.phones = [ContactPhone(number=p, position=i) for i, p in enumerate(phones)]
    contact.beats = [ContactBeat(name=b) for b in normalise_labels(data.beats)]
    contact.tags = get_or_create_tags(normalise_labels(data.tags))
    refresh_search_text(contact)
    return contact


def refresh_search_text(contact: Contact) -> None:
    contact.search_text = build_search_text(contact)


def create_contact(data: ContactData) -> Contact:
    """Create a contact from validated data and commit. Raises UserError, storing nothing."""
    contact = Contact()
    try:
        with db.session.no_autoflush:
            apply_contact_data(contact, data)
    except UserError:
        db.session.rollback()
        raise
    db.session.add(contact)
    db.session.commit()
    return contact


def update_contact(contact: Contact, data: ContactData) -> Contact:
    """Change a contact and commit; on UserError nothing already stored is changed."""
    try:
        with db.session.no_autoflush:
            apply_contact_data(contact, data)
    except UserError:
        db.session.rollback()
        raise
    db.session.commit()
    return contact


def delete_contact(contact: Contact) -> None:
    db.session.delete(contact)
    db.session.commit()


def contact_data_from(contact: Contact) -> ContactData:
    return ContactData(
        kind=contact.kind, name=contact.name, organisation_id=contact.organisation_id,
        title=contact.title, region=contact.region, office=contact.office,
        constituency=contact.constituency, committee=contact.committee,
        emails=[e.email for e in contact.emails], phones=[p.number for p in contact.phones],
        beats=[b.name for b in contact.beats], tags=[t.name for t in contact.tags],
        address=contact.address, social=contact.social, notes=contact.notes,
        preferred_language=contact.preferred_language, lawful_basis=contact.lawful_basis,
        consent_date=contact.consent_date, data_source=contact.data_source,
        opted_out=contact.opted_out)


@dataclass
class ContactFilter:
    q: str = ""
    kind: str = ""
    organisation_id: int | None = None
    beat: str = ""
    tag: str = ""
    media_list_id: int | None = None
    region: str = ""
    include_erased: bool = False
    ids: tuple[int, ...] = ()  # only these contacts (ticked rows of the list)
    sort: str = "name"  # one of SORTS

    def recorded(self) -> dict:
        """The settings that differ from the defaults, JSON-ready (for the audit log)."""
        return {f.name: list(value) if isinstance(value, tuple) else value
                for f in fields(self) if (value := getattr(self, f.name)) != f.default}


# How the list can be sorted: by name (the Norwegian alphabet), by organisation, or by the
# last logged interaction (newest first, never-contacted last).
SORTS = ("name", "organisation", "last_contact")


def last_contact_times():
    """A subquery of (contact_id, last) with each contact's latest interaction."""
    # Interactions build on contacts, not the other way round: imported where it is needed.
    from crm.interactions.models import Interaction, interaction_contact
    return (db.select(interaction_contact.c.contact_id,
                      db.func.max(Interaction.occurred_at).label("last"))
            .join(Interaction, Interaction.id == interaction_contact.c.interaction_id)
            .group_by(interaction_contact.c.contact_id).subquery("last_contact"))


@dataclass
class ListRow:
    """What a row of the contact list shows of a contact's addresses and beats."""

    email: str = ""  # the first, as Contact.primary_email
    phone: str = ""  # the first, as Contact.primary_phone
    beats: list[str] = field(default_factory=list)  # in Contact.beats' order


def list_rows(contact_ids: list[int]) -> dict[int, ListRow]:
    """{contact id: ListRow} for one page of the list, in one query of plain rows (loading
    the emails, phones and beats collections took three, and an object per row of each)."""
    rows = {contact_id: ListRow() for contact_id in contact_ids}
    if not contact_ids:
        return rows
    emails = db.select(ContactEmail.contact_id, literal(0, Integer).label("part"),
                       ContactEmail.email.label("value"), ContactEmail.position.label("position"))
    phones = db.select(ContactPhone.contact_id, literal(1, Integer), ContactPhone.number,
                       ContactPhone.position)
    beats = db.select(ContactBeat.contact_id, literal(2, Integer), ContactBeat.name,
                      literal(0, Integer))
    query = union_all(
        emails.where(among(ContactEmail.contact_id, contact_ids)),
        phones.where(among(ContactPhone.contact_id, contact_ids)),
        beats.where(among(ContactBeat.contact_id, contact_ids)),
    ).order_by(column("part"), column("position"), column("value"))
    for contact_id, part, value, _position in db.session.execute(query):
        row = rows[contact_id]
        if part == 2:
            row.beats.append(value)
        elif part == 1:
            row.phone = row.phone or value
        else:
            row.email = row.email or value
    return rows


def last_contacts_of(contact_ids: list[int]) -> dict:
    """{contact id: time of the latest interaction} for one page of the list."""
    if not contact_ids:
        return {}
    from crm.interactions.models import Interaction, interaction_contact
    return dict(db.session.execute(
        db.select(interaction_contact.c.contact_id, db.func.max(Interaction.occurred_at))
        .join(Interaction, Interaction.id == interaction_contact.c.interaction_id)
        .where(among(interaction_contact.c.contact_id, contact_ids))
        .group_by(interaction_contact.c.contact_id)).all())


def _sorted(query: Select, sort: str) -> Select:
    if sort == "organisation":
        query = query.outerjoin(Organisation, Organisation.id == Contact.organisation_id)
        # Contacts without an organisation come last.
        return query.order_by(Organisation.sort_name.is_(None), Organisation.sort_name,
                              Contact.sort_name, Contact.id)
    if sort == "last_contact":
        last = last_contact_times()
        query = query.outerjoin(last, last.c.contact_id == Contact.id)
        return query.order_by(last.c.last.is_(None), last.c.last.desc(), Contact.sort_name,
                              Contact.id)
    return query.order_by(Contact.sort_name, Contact.id)


def contacts_page(sort: str, options: tuple = ()) -> Callable[[Select, int, int], Select]:
    """How to read one page of filtered_contacts(flt) in `sort` order (paginate's `fetch`).

    In name order the page's ids are picked first, by a select of id and sort_name alone, and
    the page's contacts then read by id (with `options`). On PostgreSQL that first select is
    answered from ix_contact_live, which carries search_text: a search for "hansen" passes
    over some 3,600 contacts before it has its 50, and reading each from the table took
    7-10 ms of the database's time, the index alone 1-3 ms (100,000 contacts). A page further
    on skips its offset in the index too. Other orders join other tables, and SQLite finds
    a search's contacts in its FTS table and has no such index: read as they are."""
    def fetch(query: Select, limit: int, offset: int) -> Select:
        if sort != "name" or db.engine.dialect.name != "postgresql":
            return query.options(*options).limit(limit).offset(offset)
        picked = (query.with_only_columns(Contact.id, Contact.sort_name)
                  .limit(limit).offset(offset).subquery("picked"))
        return (db.select(Contact).options(*options)
                .join(picked, picked.c.id == Contact.id)
                .order_by(picked.c.sort_name, picked.c.id))
    return fetch


# The size of the whole register (its live contacts) is shown on every unfiltered list page.
# On PostgreSQL counting 100,000 rows costs 15-50 ms of database CPU per page for a number that
# changes a few times an hour, so it is kept here for COUNT_SECONDS, per process, and forgotten
# at once when this process adds, deletes or erases a contact (another worker's change shows
# within COUNT_SECONDS). Filtered lists are always counted.
COUNT_SECONDS = 20.0
_live_count: dict[tuple[int, str], tuple[float, int]] = {}
_live_count_lock = threading.Lock()


def is_unfiltered(flt: ContactFilter) -> bool:
    return flt == ContactFilter(sort=flt.sort)


def live_contact_count() -> int:
    """How many live (not erased) contacts the register holds; see COUNT_SECONDS."""
    key = (id(db.engine), str(db.engine.url))  # per database: two in-memory ones share a URL
    now = time.monotonic()
    with _live_count_lock:
        known = _live_count.get(key)
    if known is not None and now - known[0] < COUNT_SECONDS:
        return known[1]
    total = db.session.scalar(db.select(db.func.count(Contact.id))
                              .where(Contact.erased_at.is_(None)))
    with _live_count_lock:
        _live_count[key] = (now, total)
    return total


def _forget_live_count() -> None:
    with _live_count_lock:
        _live_count.clear()


@event.listens_for(Session, "after_flush")
def _contacts_flushed(session, _context) -> None:
    if _live_count and any(isinstance(o, Contact) for o in
                           (*session.new, *session.deleted, *session.dirty)):
        _forget_live_count()


@event.listens_for(Session, "do_orm_execute")
def _contacts_written_in_bulk(state) -> None:
    if _live_count and (state.is_insert or state.is_update or state.is_delete):
        mapper = state.bind_mapper
        if mapper is None or mapper.class_ is Contact:
            _forget_live_count()


def filtered_contacts(flt: ContactFilter) -> Select:
    """A select of contacts matching the filter, in the filter's order (by default the
    Norwegian alphabet)."""
    query = db.select(Contact)
    if not flt.include_erased:
        query = query.where(Contact.erased_at.is_(None))
    if flt.ids:
        query = query.where(Contact.id.in_(list(flt.ids)))
    if flt.kind in CONTACT_KINDS:
        query = query.where(Contact.kind == flt.kind)
    if flt.organisation_id:
        query = query.where(Contact.organisation_id == flt.organisation_id)
    if flt.region:
        query = query.where(Contact.region == normalise_space(flt.region))
    # IN (ids from the small index) rather than EXISTS per contact: counts stay cheap.
    if flt.beat:
        query = query.where(Contact.id.in_(
            db.select(ContactBeat.contact_id)
            .where(ContactBeat.name == flt.beat.strip().lower())))
    if flt.tag:
        query = query.where(Contact.id.in_(
            db.select(contact_tag.c.contact_id).join(Tag, Tag.id == contact_tag.c.tag_id)
            .where(Tag.name == flt.tag.strip().lower())))
    if flt.media_list_id:
        query = query.where(Contact.id.in_(
            db.select(MediaListMember.contact_id)
            .where(MediaListMember.media_list_id == flt.media_list_id)))
    query = apply_search(query, flt.q, db.engine.dialect.name)
    return _sorted(query, flt.sort)


# Organisations ---------------------------------------------------------------------------

def save_organisation(organisation: Organisation | None, *, name: str, kind: str,
                      website: str = "", notes: str = "") -> Organisation:
    """Create or change an organisation and commit. Raises UserError for bad or taken names."""
    name = _clean_name(name)
    _check_choice("kind", kind, ORGANISATION_KINDS)
    taken = UserError(msg("An organisation called “%(name)s” already exists.", name=name),
                      field="name")
    clash = db.session.scalar(db.select(Organisation).where(
        Organisation.name_key == name_key(name)[:200]))
    if clash is not None and clash is not organisation:
        raise taken
    if organisation is None:
        organisation = Organisation()
        db.session.add(organisation)
    organisation.name, organisation.kind = name, kind
    organisation.sort_name = sort_key(name)
    organisation.website = (website or "").strip()[:500]
    organisation.notes = (notes or "").strip()[:20000]
    try:
        db.session.flush()
        for contact in organisation.contacts:
            refresh_search_text(contact)
        db.session.commit()
    except IntegrityError:  # the same name saved a moment ago by someone else
        db.session.rollback()
        raise taken from None
    return organisation


def organisation_names(limit: int | None = None) -> list:
    """(id, name) rows of the organisations in the Norwegian alphabet, to choose one from:
    plain rows, not a model per organisation, for pages that show only these two."""
    query = db.select(Organisation.id, Organisation.name).order_by(Organisation.sort_name)
    return db.session.execute(query if limit is None else query.limit(limit)).all()


def organisations_by_kind(kind: str | None = None) -> list[Organisation]:
    query = db.select(Organisation).order_by(Organisation.sort_name)
    if kind:
        query = query.where(Organisation.kind == kind)
    return list(db.session.scalars(query))
