"""Full-text search over contacts: SQLite FTS5 (trigram) or PostgreSQL pg_trgm.

Both index `contact.search_text`, the folded text of everything a user may type into the
search box, and both answer "every query word of three or more characters occurs somewhere as a
substring; a shorter word begins a word" ("ås" finds Ås and Åse, not Thomas): trigram indexes
cannot find two letters anywhere in a word without reading every row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import Integer, column, event, or_, text
from sqlalchemy.sql import Select

from crm.contacts.models import Contact
from crm.text import fold

SQLITE_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS contact_fts USING fts5("
    "search_text, content='contact', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS contact_fts_ai AFTER INSERT ON contact BEGIN "
    "INSERT INTO contact_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS contact_fts_ad AFTER DELETE ON contact BEGIN "
    "INSERT INTO contact_fts(contact_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS contact_fts_au AFTER UPDATE OF search_text ON contact BEGIN "
    "INSERT INTO contact_fts(contact_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO contact_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]
POSTGRES_DDL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ix_contact_search_trgm ON contact "
    "USING gin (search_text gin_trgm_ops)",
]
# Names the schema comparison (Alembic autogenerate) must leave alone.
SEARCH_OBJECT_PREFIXES = ("contact_fts", "ix_contact_search_trgm")

_DIGITS_ONLY = re.compile(r"^[\d\s+()./-]+$")


def install_search_index(connection) -> None:
    """Create the dialect's search index on `contact.search_text` (idempotent)."""
    statements = SQLITE_DDL if connection.dialect.name == "sqlite" else POSTGRES_DDL
    if connection.dialect.name not in ("sqlite", "postgresql"):
        return
    for statement in statements:
        connection.execute(text(statement))
    if connection.dialect.name == "sqlite":
        connection.execute(text("INSERT INTO contact_fts(contact_fts) VALUES ('rebuild')"))


def drop_search_index(connection) -> None:
    if connection.dialect.name == "sqlite":
        for name in ("contact_fts_ai", "contact_fts_ad", "contact_fts_au"):
            connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        connection.execute(text("DROP TABLE IF EXISTS contact_fts"))
    elif connection.dialect.name == "postgresql":
        connection.execute(text("DROP INDEX IF EXISTS ix_contact_search_trgm"))


@event.listens_for(Contact.__table__, "after_create")
def _after_contact_table_created(_table, connection, **_kw):
    install_search_index(connection)


@event.listens_for(Contact.__table__, "before_drop")
def _before_contact_table_dropped(_table, connection, **_kw):
    drop_search_index(connection)



def query_terms(query: str) -> list[str]:
    """The folded words of a search box entry; a phone number becomes one digit string."""
    query = (query or "").strip()[:200]
    if _DIGITS_ONLY.match(query) and sum(ch.isdigit() for ch in query) >= 3:
        return ["".join(ch for ch in query if ch.isdigit())]
    return [word for word in fold(query).split() if word][:10]


def apply_search(select: Select, query: str, dialect: str) -> Select:
    """Restrict a select over Contact to contacts whose search text holds every query word."""
    terms = query_terms(query)
    if not terms:
        return select
    if dialect == "sqlite":
        indexed = [t for t in terms if len(t) >= 2]
        if indexed:
            match = " AND ".join(_fts_query(t) for t in indexed)
            select = select.where(Contact.id.in_(
                text("SELECT rowid FROM contact_fts WHERE contact_fts MATCH :fts_q")
                .bindparams(fts_q=match).columns(column("rowid", Integer))
            ))
        terms = [t for t in terms if len(t) < 2]
    # Folded terms hold only [0-9a-z], so LIKE needs no escaping; on PostgreSQL pg_trgm
    # answers both forms from the index ("% as%" and "as%" hold the word-start trigram " as").
    for term in terms:
        if len(term) >= 3:
            select = select.where(Contact.search_text.like(f"%{term}%"))
        else:
            select = select.where(or_(Contact.search_text.like(f"{term}%"),
                                      Contact.search_text.like(f"% {term}%")))
    return select


_NEXT_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789 "


def _fts_query(term: str) -> str:
    """FTS5 trigram query for one folded term: the term anywhere, or a two-character term at
    a word start (after a space, or first in the text: an initial trigram "as?")."""
    if len(term) >= 3:
        return f'"{term}"'
    alternatives = [f'" {term}"', *(f'^"{term}{ch}"' for ch in _NEXT_CHARS)]
    return "(" + " OR ".join(alternatives) + ")"


def build_search_text(contact: Contact) -> str:
    """The folded text the search index holds for a contact."""
    return search_text_of(
        name=contact.name, title=contact.title, region=contact.region, office=contact.office,
        constituency=contact.constituency, committee=contact.committee, notes=contact.notes,
        organisation=contact.organisation.name if contact.organisation is not None else "",
        emails=[e.email for e in contact.emails], beats=[b.name for b in contact.beats],
        tags=[t.name for t in contact.tags], phones=[p.number for p in contact.phones])


def search_text_of(*, name: str, title: str = "", region: str = "", office: str = "",
                   constituency: str = "", committee: str = "", notes: str = "",
                   organisation: str = "", emails: Iterable[str] = (),
                   beats: Iterable[str] = (), tags: Iterable[str] = (),
                   phones: Iterable[str] = ()) -> str:
    """The search text from plain values (bulk loads compute it without ORM objects).

    Phones are E.164 strings; a Norwegian number is also indexed without its 47 prefix.
    """
    parts = [name, title, region, office, constituency, committee, notes, organisation,
             *emails, *beats, *tags]
    folded = fold(" ".join(p for p in parts if p))
    digits = []
    for phone in phones:
        number = phone.lstrip("+")
        digits.append(number)
        if number.startswith("47") and len(number) == 10:
            digits.append(number[2:])
    return " ".join([folded, *digits]).strip()
