"""Writes the demo register: staff, organisations, contacts, media lists, interactions,
then press releases (crm/demo/releases.py) and media monitoring (crm/demo/monitoring.py).

Rows go in with bulk INSERTs in batches (no ORM objects per contact, no audit entries), so
`crm demo-data --contacts 100000` takes seconds rather than hours; the search text is computed
from plain values by the same function the ORM path uses. Releases and news are a fixed
amount whatever the register's size, written through their domains' services.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, insert, text

from crm.auth.models import User
from crm.contacts.models import (
    Contact,
    ContactBeat,
    ContactEmail,
    ContactPhone,
    MediaList,
    MediaListMember,
    Organisation,
    Tag,
    contact_tag,
)
from crm.contacts.search import drop_search_index, install_search_index, search_text_of
from crm.demo import data
from crm.demo.activity import Activity, Planned, interaction_count
from crm.demo.cast import load_cast
from crm.demo.intelligence import create_intelligence
from crm.demo.monitoring import create_monitoring
from crm.demo.people import People, plan_roles
from crm.demo.releases import create_releases
from crm.extensions import db
from crm.interactions.models import FollowUp, Interaction, PressInquiry, interaction_contact
from crm.text import name_key, sort_key
from crm.timeutil import local_zone, utcnow

BATCH = 5000
REBUILD_INDEX_FROM = 10_000
DEFAULT_CONTACTS = 400
DEFAULT_SEED = 2026

Progress = Callable[[str, int, int], None]


def register_is_empty() -> bool:
    return not db.session.scalar(db.select(Contact.id).limit(1))


def generate_demo(contacts: int = DEFAULT_CONTACTS, seed: int = DEFAULT_SEED,
                  progress: Progress | None = None, now: datetime | None = None) -> dict:
    """Add a seeded demo register of `contacts` people and their interactions (committed
    once), then demo press releases and media monitoring (committed by their services).

    The same seed and day give the same data. Organisations, tags, media lists, staff, watch
    terms and feeds that exist already (same name, email or address) are reused, not
    duplicated; releases and news are only added to a database that has none. Returns counts.
    """
    progress = progress or (lambda _what, _done, _total: None)
    rng = random.Random(seed)
    now = now or utcnow()
    counts: dict[str, int] = {}
    staff_ids = ensure_staff(counts)
    organisations = ensure_organisations(counts)
    tags = ensure_tags([*data.TAGS])
    # Filling a big register is quicker without the search index, built once at the end.
    rebuild_index = contacts >= REBUILD_INDEX_FROM
    if rebuild_index:
        drop_search_index(db.session.connection())
    records = insert_contacts(People(rng, now), plan_roles(contacts, rng), organisations,
                              tags, progress)
    if rebuild_index:
        install_search_index(db.session.connection())
        progress("search index", 1, 1)
    counts["contacts"] = len(records)
    counts["media list members"] = create_media_lists(rng, records, counts)
    by_kind: dict[str, list[int]] = {"journalist": [], "politician": [], "official": []}
    for record in records:
        by_kind[record[1]].append(record[0])
    planned = Activity(rng, now, local_zone(), by_kind, staff_ids).plan(
        interaction_count(contacts))
    insert_activity(planned, counts, progress)
    sync_id_sequences(Contact, Interaction)
    db.session.commit()
    if rebuild_index:
        refresh_planner_statistics()
    add_releases_and_news(seed, now, counts, progress)
    return counts


def add_releases_and_news(seed: int, now: datetime, counts: dict, progress: Progress) -> None:
    """Releases and monitoring, quoting and naming people of the register just written. Each
    has its own random stream, so the register itself stays what the seed made before."""
    cast = load_cast()
    zone = local_zone()
    create_releases(random.Random(f"{seed}-releases"), now, zone, cast, counts, progress)
    create_monitoring(random.Random(f"{seed}-news"), now, zone, cast, counts, progress)
    create_intelligence(now, counts)


# Core INSERTs of plain dicts (executemany): ORM bulk inserts split a batch wherever a value
# is None. Ids are given, not returned: RETURNING over thousands of rows is far slower.
# The generator assumes nobody else inserts contacts or interactions while it runs.

def next_ids(model, count: int) -> range:
    first = (db.session.scalar(db.select(func.max(model.id))) or 0) + 1
    return range(first, first + count)


def sync_id_sequences(*models) -> None:
    """Move PostgreSQL's id sequences past the ids given explicitly (SQLite needs nothing)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for model in models:
        table = model.__tablename__
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"))


def refresh_planner_statistics() -> None:
    """PostgreSQL plans the register's queries from table statistics: after a big load they
    are stale until autovacuum comes by, so gather them now (SQLite keeps none by default)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in ("contact", "contact_email", "contact_phone", "contact_beat", "contact_tag",
                  "interaction", "interaction_contact", "follow_up", "press_inquiry"):
        db.session.execute(text(f"ANALYZE {table}"))
    db.session.commit()


# Staff, organisations, tags ------------------------------------------------------------------

def ensure_staff(counts: dict) -> list[int]:
    """The demo editors (created with a random password nobody knows) and the existing
    editors and admins: together they are the staff who logged the interactions."""
    existing = {u.email: u for u in db.session.scalars(db.select(User))}
    created = 0
    for name, email in data.DEMO_STAFF:
        if email not in existing:
            user = User(email=email, name=name, role="editor", language="nb")
            user.set_password(secrets.token_urlsafe(32))
            db.session.add(user)
            existing[email] = user
            created += 1
    db.session.flush()
    counts["staff users"] = created
    return sorted(u.id for u in existing.values() if u.active and u.role in ("editor", "admin"))


def _organisation_rows() -> list[dict]:
    rows = [{"name": o[0], "kind": "outlet", "website": f"https://www.{o[1]}",
             "notes": f"Adresse: {o[6]}."} for o in data.OUTLETS]
    rows += [{"name": name, "kind": "party", "website": f"https://www.{domain}",
              "notes": f"Forkortelse: {abbr}. Nynorsk: {nn}."}
             for name, nn, abbr, domain in data.PARTIES]
    rows += [{"name": name, "kind": "ministry", "website": "https://www.regjeringen.no",
              "notes": f"E-post: postmottak@{domain}"} for name, domain, _m in data.MINISTRIES]
    rows += [{"name": name, "kind": "agency", "website": f"https://www.{domain}", "notes": ""}
             for name, domain in data.AGENCIES]
    rows += [{"name": name, "kind": "other", "website": f"https://www.{domain}",
              "notes": "Mediekonsern."} for name, domain in data.MEDIA_GROUPS]
    return rows


def ensure_organisations(counts: dict) -> dict[str, int]:
    """Name -> id of every demo organisation, inserting the missing ones."""
    existing = set(db.session.scalars(db.select(Organisation.name_key)))
    now = utcnow()
    missing = [{**row, "sort_name": sort_key(row["name"]), "name_key": name_key(row["name"]),
                "created_at": now, "updated_at": now}
               for row in _organisation_rows() if name_key(row["name"]) not in existing]
    if missing:
        db.session.execute(insert(Organisation.__table__), missing)
    counts["organisations"] = len(missing)
    return {name: oid for oid, name in
            db.session.execute(db.select(Organisation.id, Organisation.name))}


def ensure_tags(names: list[str]) -> dict[str, int]:
    existing = set(db.session.scalars(db.select(Tag.name_key).where(
        Tag.name_key.in_([name_key(name) for name in names]))))
    missing = [{"name": name, "name_key": name_key(name)} for name in names
               if name_key(name) not in existing]
    if missing:
        db.session.execute(insert(Tag.__table__), missing)
    return dict(db.session.execute(db.select(Tag.name, Tag.id).where(Tag.name.in_(names))).all())


# Contacts -----------------------------------------------------------------------------------

CONTACT_COLUMNS = ("kind", "name", "title", "region", "office", "constituency", "committee",
                   "address", "social", "notes", "preferred_language", "lawful_basis",
                   "consent_date", "data_source", "opted_out", "created_at", "updated_at")


def insert_contacts(people: People, roles: list[str], organisations: dict[str, int],
                    tags: dict[str, int], progress: Progress) -> list[tuple]:
    """Insert one contact per role in batches; return (id, kind, region, title, beats,
    committee, sort name) per contact for the media lists and interactions."""
    records: list[tuple] = []
    for start in range(0, len(roles), BATCH):
        people_batch = [people.make(role) for role in roles[start:start + BATCH]]
        ids = next_ids(Contact, len(people_batch))
        rows = [{"id": cid, **_contact_row(p, organisations)}
                for cid, p in zip(ids, people_batch, strict=True)]
        db.session.execute(insert(Contact.__table__), rows)
        emails, phones, beats, links = [], [], [], []
        for cid, person, row in zip(ids, people_batch, rows, strict=True):
            emails += [{"contact_id": cid, "email": e, "position": i}
                       for i, e in enumerate(person["emails"])]
            phones += [{"contact_id": cid, "number": n, "position": i}
                       for i, n in enumerate(person["phones"])]
            beats += [{"contact_id": cid, "name": b} for b in person.get("beats", ())]
            links += [{"contact_id": cid, "tag_id": tags[t]} for t in person["tags"]]
            records.append((cid, person["kind"], person.get("region", ""),
                            person.get("title", ""), tuple(person.get("beats", ())),
                            person.get("committee", ""), row["sort_name"]))
        for model, values in ((ContactEmail, emails), (ContactPhone, phones),
                              (ContactBeat, beats)):
            if values:
                db.session.execute(insert(model.__table__), values)
        if links:
            db.session.execute(contact_tag.insert(), links)
        progress("contacts", len(records), len(roles))
    return records


def _contact_row(person: dict, organisations: dict[str, int]) -> dict:
    row = {column: person.get(column, "") for column in CONTACT_COLUMNS}
    row["consent_date"] = person.get("consent_date")
    row["opted_out"] = bool(person.get("opted_out"))
    row["sort_name"] = sort_key(person["name"])
    row["organisation_id"] = organisations.get(person.get("organisation", ""))
    row["search_text"] = search_text_of(
        name=row["name"], title=row["title"], region=row["region"], office=row["office"],
        constituency=row["constituency"], committee=row["committee"], notes=row["notes"],
        organisation=person.get("organisation", "") if row["organisation_id"] else "",
        emails=person["emails"], beats=sorted(person.get("beats", ())),
        tags=sorted(person["tags"]), phones=person["phones"])
    return row


# Media lists --------------------------------------------------------------------------------

def _matches(record: tuple, selector: tuple) -> bool:
    _id, kind, region, title, beats, committee, _sort = record
    what, value = selector
    if what == "committee":
        return committee == value
    if kind != "journalist":
        return False
    values = value if isinstance(value, tuple) else (value,)
    if what == "beat":
        return any(v in beats for v in values)
    if what == "region":
        return region in values
    return title in values  # "title"


def create_media_lists(rng: random.Random, records: list[tuple], counts: dict) -> int:
    """The demo's media lists (those not there already), members in alphabetical order."""
    taken = set(db.session.scalars(db.select(MediaList.name_key)))
    now = utcnow()
    members = 0
    created = 0
    for name, description, selector, most in data.MEDIA_LISTS:
        if name_key(name) in taken:
            continue
        matching = [r for r in records if _matches(r, selector)]
        chosen = sorted(rng.sample(matching, min(most, len(matching))), key=lambda r: r[6])
        list_id = db.session.scalar(insert(MediaList).returning(MediaList.id), {
            "name": name, "name_key": name_key(name), "description": description,
            "created_at": now, "updated_at": now})
        if chosen:
            db.session.execute(insert(MediaListMember.__table__), [
                {"media_list_id": list_id, "contact_id": r[0], "position": i}
                for i, r in enumerate(chosen)])
        members += len(chosen)
        created += 1
    counts["media lists"] = created
    return members


# Interactions -------------------------------------------------------------------------------

def insert_activity(planned: list[Planned], counts: dict, progress: Progress) -> None:
    counts.update({"interactions": 0, "follow-ups": 0, "press inquiries": 0})
    for start in range(0, len(planned), BATCH):
        batch = planned[start:start + BATCH]
        ids = next_ids(Interaction, len(batch))
        db.session.execute(insert(Interaction.__table__),
                           [{"id": iid, **p.row} for iid, p in zip(ids, batch, strict=True)])
        links, follow_ups, inquiries = [], [], []
        for iid, item in zip(ids, batch, strict=True):
            links += [{"interaction_id": iid, "contact_id": cid} for cid in item.contact_ids]
            follow_ups += [{**f, "interaction_id": iid} for f in item.follow_ups]
            if item.inquiry is not None:
                inquiries.append({**item.inquiry, "interaction_id": iid})
        db.session.execute(interaction_contact.insert(), links)
        if follow_ups:
            db.session.execute(insert(FollowUp.__table__), follow_ups)
        if inquiries:
            db.session.execute(insert(PressInquiry.__table__), inquiries)
        counts["interactions"] += len(batch)
        counts["follow-ups"] += len(follow_ups)
        counts["press inquiries"] += len(inquiries)
        progress("interactions", counts["interactions"], len(planned))
