"""Storing a feed's entries: one article per story, its sources, bylines and mentions.

Runs in the polling process (the workers never touch the database). What needs no database
(identity keys, fingerprints and content bands, the terms' matches) comes prepared from the
worker that parsed the feed (crm/monitoring/prepare.py), or is made here the same way. Each
step is one statement per feed (a few more for feeds over IN_CHUNK entries), all of them
lookups by primary key or an indexed column, so the plans are index scans whatever the
planner's statistics; on SQLite, new articles take two INSERTs (see _insert_articles) rather
than one per row, and on PostgreSQL the other rows go by COPY (bulk_insert). No commit here:
the caller commits (the poller a batch of feeds at a time, crm.monitoring.services._Batch)
and tells the context (StoreContext.committed), which then indexes the cycle's new articles in
memory: copies of them are found without SQL, and the band query only reads articles older
than the cycle.

An entry joins a stored article when it shares a key (GUID, link) or, failing that, when its
content is a near-duplicate (crm.monitoring.dedupe). Every source keeps its own title, text,
link and time; each text that differs from those already matched is matched too, and the
mentions are the union per term (one mention per article and term), so a wrong merge cannot
lose a mention. A later copy fills what the first one left empty (summary, byline, link,
publication time).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice

from sqlalchemy import Table, insert, update
from sqlalchemy.exc import IntegrityError

from crm.extensions import db
from crm.monitoring.dedupe import (
    FOLDED_COMPARED,
    MAX_CANDIDATES,
    TITLE_WINDOW,
    WINDOW,
    Fingerprint,
    fingerprint,
    similarity,
    title_words,
    titles_may_match,
)
from crm.monitoring.matching import Matcher, TermMatch, TermSpec
from crm.monitoring.models import (
    Article,
    ArticleKey,
    ArticleSketch,
    ArticleSource,
    Mention,
    WatchTerm,
)
from crm.monitoring.parse import ParsedEntry
from crm.monitoring.prepare import PreparedEntry, PreparedFeed, prepare_entries, terms_digest
from crm.monitoring.sanitize import clean_html
from crm.text import fold
from crm.timeutil import utcnow

IN_CHUNK = 500  # keys per IN (...) query
CROWDED = 50  # articles sharing a band beyond which it is read only as a last resort
VERIFIED = 12  # candidates per entry compared by text (the best ranked whose titles may match)
# Cached fingerprints of stored articles (about 0.8 KB each): more than a cycle of 1,000 busy
# feeds stores, since a print evicted is read and computed again for every later candidate.
PRINTS_KEPT = 60_000
_BYLINE_SPLIT = re.compile(r"\s*(?:,|;|/|&|\+|\bog\b|\band\b|\bmed\b|\bfor\b|\|)\s*",
                           re.IGNORECASE)
_EMAIL = re.compile(r"\S+@\S+")


def load_term_specs() -> list[TermSpec]:
    """The active watch terms, as the matcher (here or in a worker process) needs them."""
    terms = db.session.scalars(db.select(WatchTerm).where(WatchTerm.active.is_(True))).all()
    return [term_spec(t) for t in terms]


def load_matcher() -> Matcher:
    """A matcher over the active watch terms."""
    return Matcher(load_term_specs())


def term_spec(term: WatchTerm) -> TermSpec:
    return TermSpec(term.id, tuple(term.forms), term.case_mode, tuple(term.exclusion_list),
                    term.group)


def match_texts(matcher: Matcher, texts: Iterable[tuple[str, str]]) -> dict[int, TermMatch]:
    """Match each distinct (title, summary); per term, the first text that has it wins."""
    found: dict[int, TermMatch] = {}
    for title, summary in dict.fromkeys(texts):
        for term_id, match in matcher.match(title, summary).items():
            found.setdefault(term_id, match)
    return found


def byline_names(byline: str) -> list[str]:
    """The names in a byline ("Ola Nordmann og Kari Hansen, NTB" -> three parts; e-mail
    addresses dropped)."""
    parts = _BYLINE_SPLIT.split(_EMAIL.sub(" ", byline or ""))
    return [p.strip(" ()") for p in parts if any(ch.isalpha() for ch in p)]


@dataclass(frozen=True)
class Byline:
    contact_id: int | None = None
    guess: bool = False  # linked by name alone: the feed has no outlet


@dataclass
class BylineIndex:
    """Journalists in the register by folded name: {name: [(contact id, organisation id)]}."""

    names: dict[str, list[tuple[int, int | None]]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> BylineIndex:
        from crm.contacts.models import Contact
        rows = db.session.execute(
            db.select(Contact.id, Contact.name, Contact.organisation_id)
            .where(Contact.kind == "journalist", Contact.erased_at.is_(None))).all()
        index = cls()
        for contact_id, name, organisation_id in rows:
            index.names.setdefault(fold(name), []).append((contact_id, organisation_id))
        return index

    def find(self, byline: str, organisation_id: int | None) -> Byline:
        """The journalist behind a byline.

        With the feed's outlet known: the one journalist of that name at that outlet (a
        namesake at another outlet is someone else). Without: the only journalist of that
        name in the register, marked as a guess.
        """
        if not byline or not self.names:
            return Byline()
        for part in byline_names(byline):
            candidates = self.names.get(fold(part))
            if not candidates:
                continue
            if organisation_id:
                at_outlet = [c for c, org in candidates if org == organisation_id]
                if len(at_outlet) == 1:
                    return Byline(at_outlet[0])
            elif len(candidates) == 1:
                return Byline(candidates[0][0], guess=True)
        return Byline()


@dataclass(slots=True)
class _Packed:
    """A stored article's fingerprint in a third of the memory (an array, not a set, of its
    shingles; of the folded summary only what similarity() compares): thousands are kept for
    a cycle."""
    title_words: frozenset[str]
    title_length: int
    shingles: array
    summary_length: int
    summary_folded: str

    @classmethod
    def of(cls, print_: Fingerprint) -> _Packed:
        return cls(print_.title_words, print_.title_length,
                   array("Q", sorted(print_.summary_shingles)), print_.summary_length,
                   print_.summary_folded[:FOLDED_COMPARED])

    def unpack(self) -> Fingerprint:
        return Fingerprint(self.title_words, self.title_length, frozenset(self.shingles),
                           self.summary_length, self.summary_folded)


@dataclass(slots=True)
class _Recent:
    """An article this context stored (committed): what finding it as a candidate needs.
    (Tens of thousands are kept in a cycle: a list of its few feeds, not a set.)"""
    sort_at: datetime
    title_words: frozenset[str]
    feeds: list[int]


@dataclass
class StoreContext:
    """What storing needs for a whole poll cycle: the matcher, the bylines, caches, and an
    index of the articles stored in this cycle (found by content without SQL, see
    `committed`)."""

    matcher: Matcher
    bylines: BylineIndex
    now: datetime = field(default_factory=utcnow)
    # Stored articles' fingerprints, by id: candidates recur from feed to feed in a cycle.
    prints: dict[int, _Packed] = field(default_factory=dict)
    terms_digest: str = ""  # of the matcher's terms (crm.monitoring.prepare)
    recent: dict[int, _Recent] = field(default_factory=dict)
    # band -> the id of the one article of the cycle with it, or a list of ids if several
    # (most bands have one: a dict or list per band was most of the context's memory)
    recent_bands: dict[str, int | list[int]] = field(default_factory=dict)
    first_recent: int | None = None  # the lowest id in `recent`
    _titles: dict[int, frozenset[str]] = field(default_factory=dict)
    _pending: list[tuple] = field(default_factory=list)

    @classmethod
    def load(cls, specs: list[TermSpec] | None = None) -> StoreContext:
        specs = load_term_specs() if specs is None else specs
        return cls(Matcher(specs), BylineIndex.load(), terms_digest=terms_digest(specs))

    def committed(self) -> None:
        """The stores since the last call are committed, or flushed in a transaction that
        will be (a batch: `forget` if it is rolled back): index their new articles and
        sources, so that later feeds of the cycle find them in memory rather than by SQL.
        (A context whose caller never calls this finds everything by SQL: as correct, only
        slower.)"""
        for op in self._pending:
            if op[0] == "new":
                _, article_id, sort_at, print_, feed_id, bands = op
                self.recent[article_id] = _Recent(sort_at, print_.title_words, [feed_id])
                self._remember(article_id, print_)
                index = self.recent_bands
                for band in bands:
                    if (ids := index.get(band)) is None:
                        index[band] = article_id
                    elif isinstance(ids, int):
                        index[band] = [ids, article_id]
                    else:
                        ids.append(article_id)
                if self.first_recent is None or article_id < self.first_recent:
                    self.first_recent = article_id
            elif op[0] == "source" and op[1] in self.recent:
                if op[2] not in (feeds := self.recent[op[1]].feeds):
                    feeds.append(op[2])
            elif op[0] == "fill":
                self.prints.pop(op[1], None)
                self._titles.pop(op[1], None)
                if op[1] in self.recent and op[2] is not None:
                    self.recent[op[1]].title_words = op[2]
        self._pending.clear()

    def rolled_back(self) -> None:
        """The stores since the last commit were rolled back: forget them."""
        self._pending.clear()

    def forget(self) -> None:
        """Stores indexed by `committed` were rolled back after all (a batch of feeds whose
        transaction failed): forget everything learned, so that all is found by SQL again."""
        self._pending.clear()
        self.prints.clear()
        self._titles.clear()
        self.recent.clear()
        self.recent_bands.clear()
        self.first_recent = None

    def _remember(self, article_id: int, print_: Fingerprint) -> None:
        if len(self.prints) >= PRINTS_KEPT:  # the older half goes (they are read again if need be)
            for old in list(islice(self.prints, PRINTS_KEPT // 2)):
                del self.prints[old]
            self._titles.clear()
        self.prints[article_id] = _Packed.of(print_)


@dataclass
class StoreCounts:
    entries: int = 0
    new_articles: int = 0
    new_sources: int = 0
    new_mentions: int = 0

    def add(self, other: StoreCounts) -> None:
        for name in ("entries", "new_articles", "new_sources", "new_mentions"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _chunks(values: list, size: int = IN_CHUNK):
    for i in range(0, len(values), size):
        yield values[i:i + size]


def _known_keys(keys: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(keys):
        found.update(db.session.execute(
            db.select(ArticleKey.key, ArticleKey.article_id).where(ArticleKey.key.in_(chunk))
        ).all())
    return found


@dataclass
class _Stored:
    """What is needed of a stored article to join a copy to it."""
    id: int
    title: str
    summary: str
    link: str
    author: str
    published_at: datetime | None
    sort_at: datetime
    terms: set[int] = field(default_factory=set)
    feeds: set[int] = field(default_factory=set)
    texts: set[tuple[str, str]] = field(default_factory=set)


_STORED_COLUMNS = (Article.id, Article.title, Article.summary, Article.link, Article.author,
                   Article.published_at, Article.sort_at)


def _load_stored(ids: set[int]) -> dict[int, _Stored]:
    """The articles `ids`, with their terms and sources."""
    into: dict[int, _Stored] = {}
    wanted = sorted(ids)
    for chunk in _chunks(wanted):
        for values in db.session.execute(db.select(*_STORED_COLUMNS)
                                         .where(Article.id.in_(chunk))).all():
            into[values[0]] = _Stored(*values)
        for article_id, term_id in db.session.execute(
                db.select(Mention.article_id, Mention.term_id)
                .where(Mention.article_id.in_(chunk))).all():
            into[article_id].terms.add(term_id)
        for article_id, source_feed, title, summary in db.session.execute(
                db.select(ArticleSource.article_id, ArticleSource.feed_id, ArticleSource.title,
                          ArticleSource.summary).where(ArticleSource.article_id.in_(chunk))):
            into[article_id].feeds.add(source_feed)
            into[article_id].texts.add((title, summary))
    return into


def sort_time(published: datetime | None, now: datetime) -> datetime:
    """The publication time if plausible (not in the future), else when we saw it."""
    if published is not None and published <= now + timedelta(hours=1):
        return published
    return now


@dataclass
class _Entry:
    entry: ParsedEntry
    prepared: PreparedEntry
    fingerprint: Fingerprint  # less the feed's boilerplate: what is compared
    at: datetime
    article_id: int | None = None

    @property
    def keys(self) -> list[str]:
        return self.prepared.keys

    @property
    def reach(self) -> timedelta:
        """How far apart in time a stored copy can be (crm.monitoring.dedupe.similarity)."""
        return WINDOW if self.fingerprint.has_summary else TITLE_WINDOW


def _stored_candidates(items: list[_Entry], feed_id: int, ctx: StoreContext
                       ) -> tuple[dict[str, list[tuple[int, datetime]]], dict[int, str]]:
    """Articles stored before this cycle's (those are in `ctx.recent`) that share a band
    with `items`, within their time window and not carried by this feed already:
    ({band: [(id, sort time)] by id}, {id: title}). One narrow `key IN (...)` query on the
    primary key per IN_CHUNK bands: an index scan whatever the planner's statistics. (A
    `crm poll-feeds` by hand overlapping the scheduler's cycle: what the other one stored
    with a later id than this cycle's first is found by its keys, not by content; the worst
    case is a copy kept as an article of its own, with its mentions.)"""
    bands = sorted({band for item in items for band in item.prepared.bands})
    earliest = min(item.at - item.reach for item in items)
    latest = max(item.at + item.reach for item in items)
    by_band: dict[str, list[tuple[int, datetime]]] = {}
    titles: dict[int, str] = {}
    carried = db.select(ArticleSource.id).where(
        ArticleSource.article_id == ArticleSketch.article_id, ArticleSource.feed_id == feed_id)
    for chunk in _chunks(bands):
        query = (db.select(ArticleSketch.key, ArticleSketch.article_id, Article.sort_at,
                           Article.title)
                 .join(Article, Article.id == ArticleSketch.article_id)
                 .where(ArticleSketch.key.in_(chunk), Article.sort_at >= earliest,
                        Article.sort_at <= latest, ~carried.exists()))
        if ctx.first_recent is not None:
            query = query.where(ArticleSketch.article_id < ctx.first_recent)
        for key, article_id, sort_at, title in db.session.execute(query):
            by_band.setdefault(key, []).append((article_id, sort_at))
            titles[article_id] = title
    for found in by_band.values():
        found.sort()
    return by_band, titles


def _shortlist(item: _Entry, by_band: dict[str, list[tuple[int, datetime]]], feed_id: int,
               ctx: StoreContext) -> list[tuple[int, datetime]]:
    """The articles sharing a band with `item` within its reach, most shared bands first, then
    nearest in time (a copy shares most of its bands and is minutes away; a look-alike
    usually shares one): [(id, sort time)], at most MAX_CANDIDATES.

    A band that more than CROWDED articles share says little (a recurring phrase, a common
    title word): it is passed over while the entry's other bands find candidates, and read for
    its newest CROWDED only when they find none (a story carried by hundreds of outlets). So
    an entry costs a few dictionary reads, not a scan of thousands of look-alikes."""
    low, high = item.at - item.reach, item.at + item.reach
    shared: dict[int, list] = {}  # id -> [bands shared, sort time]
    crowded: list[tuple[list, list]] = []

    def count(stored: Iterable[tuple[int, datetime]], recent_ids: Iterable[int]) -> None:
        found = [(article_id, at) for article_id, at in stored if low <= at <= high]
        found += [(article_id, recent.sort_at) for article_id in recent_ids
                  if low <= (recent := ctx.recent[article_id]).sort_at <= high
                  and feed_id not in recent.feeds]
        for article_id, at in found:
            if (seen := shared.get(article_id)) is None:
                shared[article_id] = [1, at]
            else:
                seen[0] += 1

    for band in item.prepared.bands:
        stored = by_band.get(band, ())
        ids = ctx.recent_bands.get(band, ())
        recent_ids = (ids,) if isinstance(ids, int) else ids
        if len(stored) + len(recent_ids) > CROWDED:
            crowded.append((stored, recent_ids))
        else:
            count(stored, recent_ids)
    if not shared:
        for stored, recent_ids in crowded:  # the newest CROWDED of each (ids grow with time)
            newest = recent_ids[-CROWDED:]
            room = CROWDED - len(newest)  # for the newest stored before the cycle
            count(stored[-room:] if room else (), newest)
    at = item.at
    ranked = sorted(shared.items(), key=lambda kv: (-kv[1][0], abs(kv[1][1] - at), kv[0]))
    return [(article_id, found[1]) for article_id, found in ranked[:MAX_CANDIDATES]]


def _find_copies(items: list[_Entry], feed_id: int, ctx: StoreContext) -> None:
    """Set `article_id` of each item that is a near-duplicate of a stored article."""
    by_band, titles = _stored_candidates(items, feed_id, ctx)
    shortlists: list[dict[int, datetime]] = []
    missing: set[int] = set()
    for item in items:
        shortlist = {}
        for article_id, at in _shortlist(item, by_band, feed_id, ctx):
            if len(shortlist) >= VERIFIED:
                break
            words = ctx.recent[article_id].title_words if article_id in ctx.recent \
                else ctx._titles.get(article_id)
            if words is None:
                words = ctx._titles[article_id] = title_words(titles[article_id])
            if titles_may_match(item.fingerprint.title_words, words):
                shortlist[article_id] = at
                if article_id not in ctx.prints:
                    missing.add(article_id)
        shortlists.append(shortlist)
    for chunk in _chunks(sorted(missing)):
        for article_id, title, summary in db.session.execute(
                db.select(Article.id, Article.title, Article.summary)
                .where(Article.id.in_(chunk))):
            ctx._remember(article_id, fingerprint(title, summary))
    unpacked: dict[int, Fingerprint] = {}  # for this feed's entries (they share candidates)

    def stored_print(article_id: int) -> Fingerprint:
        if (found := unpacked.get(article_id)) is None:
            if (packed := ctx.prints.get(article_id)) is not None:
                found = packed.unpack()
            else:  # the cache was cleared meanwhile
                title, summary = db.session.execute(db.select(Article.title, Article.summary)
                                                    .where(Article.id == article_id)).one()
                found = fingerprint(title, summary)
                ctx._remember(article_id, found)
            unpacked[article_id] = found
        return found

    for item, shortlist in zip(items, shortlists, strict=True):
        best, best_score = None, 0.0
        for article_id, at in shortlist.items():
            score = similarity(item.fingerprint, stored_print(article_id), item.at - at)
            if score > best_score:
                best, best_score = article_id, score
        item.article_id = best


def _matches(item: _Entry, prepared: PreparedFeed, ctx: StoreContext) -> dict[int, TermMatch]:
    """The terms of the item's own text: as matched where it was prepared, if with the same
    terms."""
    if item.prepared.matches is not None and prepared.terms_digest == ctx.terms_digest:
        return item.prepared.matches
    return ctx.matcher.match(item.entry.title, item.entry.summary)


def store_entries(feed_id: int, organisation_id: int | None, entries: list[ParsedEntry],
                  ctx: StoreContext, prepared: PreparedFeed | None = None) -> StoreCounts:
    """Store a feed's entries: new articles, new sources of known ones, their mentions.

    `prepared`: what crm.monitoring.prepare made of these entries in a worker process (made
    here if missing or not for this feed)."""
    counts = StoreCounts(entries=len(entries))
    if not entries:
        return counts
    if prepared is None or prepared.feed_id != feed_id or prepared.entries != len(entries):
        prepared = prepare_entries(feed_id, entries)
    batch = [_Entry(entries[p.index], p, p.print_.without(prepared.boilerplate),
                    sort_time(entries[p.index].published, ctx.now)) for p in prepared.items]

    known = _known_keys(sorted({k for item in batch for k in item.keys}))
    for item in batch:
        item.article_id = next((known[k] for k in item.keys if k in known), None)
    unmatched = [item for item in batch if item.article_id is None and item.prepared.bands]
    if unmatched:
        _find_copies(unmatched, feed_id, ctx)
    joined = {item.article_id for item in batch if item.article_id is not None}
    stored = _load_stored(joined) if joined else {}

    new_keys: list[dict] = []
    sources: list[dict] = []
    mentions: list[dict] = []
    fills: list[dict] = []
    new_items: list[_Entry] = []
    for item in batch:
        if item.article_id is None:
            new_items.append(item)
            continue
        article = stored[item.article_id]
        new_keys.extend({"key": k, "article_id": article.id} for k in item.keys
                        if k not in known)
        known.update(dict.fromkeys(item.keys, article.id))
        if feed_id in article.feeds:
            continue  # this feed carried the story already (another GUID or link)
        article.feeds.add(feed_id)
        ctx._pending.append(("source", article.id, feed_id))
        sources.append(_source_row(article.id, feed_id, item.entry, ctx))
        text = (item.entry.title, item.entry.summary)
        if text not in article.texts and text != (article.title, article.summary):
            article.texts.add(text)
            for term_id, match in _matches(item, prepared, ctx).items():
                if term_id not in article.terms:
                    article.terms.add(term_id)
                    mentions.append(mention_row(article.id, match, article.sort_at, ctx.now))
        if fill := _fill(article, item.entry, organisation_id, ctx):
            fills.append(fill)
            ctx._pending.append(("fill", article.id,
                                 title_words(article.title) if "title" in fill else None))

    if new_items:
        rows = [_article_row(item, organisation_id, ctx) for item in new_items]
        ids = _insert_articles(rows)
        sketches: dict[tuple[str, int], None] = {}
        for article_id, row, item in zip(ids, rows, new_items, strict=True):
            new_keys.extend({"key": k, "article_id": article_id} for k in item.keys)
            sources.append(_source_row(article_id, feed_id, item.entry, ctx))
            sketches.update(dict.fromkeys((band, article_id) for band in item.prepared.bands))
            mentions.extend(mention_row(article_id, m, row["sort_at"], ctx.now)
                            for m in _matches(item, prepared, ctx).values())
            ctx._pending.append(("new", article_id, row["sort_at"], item.prepared.print_,
                                 feed_id, item.prepared.bands))
        counts.new_articles = len(ids)
        if sketches:
            bulk_insert(ArticleSketch.__table__, [{"key": k, "article_id": a}
                                                  for k, a in sketches])
    if fills:
        db.session.execute(update(Article), fills)
    if new_keys:
        bulk_insert(ArticleKey.__table__, new_keys)
    if sources:
        bulk_insert(ArticleSource.__table__, sources)
    if mentions:
        bulk_insert(Mention.__table__, mentions)
    counts.new_sources = len(sources)
    counts.new_mentions = len(mentions)
    return counts


COPY_MIN_ROWS = 20  # fewer go as one INSERT


def bulk_insert(table: Table, rows: list[dict]) -> None:
    """Insert `rows` (dicts with the same keys) into `table` in the session's transaction.

    PostgreSQL (psycopg): by COPY, which costs the server a fraction of what multi-row INSERTs
    with thousands of parameters do (they were most of its CPU in a poll cycle; 40,000
    mentions: 1.0 s against 3.5 s). The values go through the columns' own bind processing
    (UTCDateTime), columns left out get their Python-side defaults, as an INSERT would give
    them, and a unique violation is raised as SQLAlchemy's IntegrityError, like the INSERT's.
    Elsewhere, and for a few rows: one executemany INSERT (on SQLite as fast as going to the
    driver directly)."""
    if not rows:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    defaults = [c for c in table.c if c.name not in rows[0] and c.default is not None]
    if dialect.driver != "psycopg" or len(rows) < COPY_MIN_ROWS or any(
            not (c.default.is_scalar or c.default.is_callable) for c in defaults):
        db.session.execute(insert(table), rows)
        return
    columns = [table.c[name] for name in names] + defaults
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    made = [(c.default.is_scalar, c.default.arg) for c in defaults]

    def values(row: dict) -> list:
        found = [row[name] for name in names]
        found += [arg if scalar else arg(None) for scalar, arg in made]
        return [value if process is None or value is None else process(value)
                for value, process in zip(found, processors, strict=True)]

    quote = dialect.identifier_preparer.quote
    statement = (f"COPY {quote(table.name)} ({', '.join(quote(c.name) for c in columns)}) "
                 "FROM STDIN")
    import psycopg

    try:
        with connection.connection.dbapi_connection.cursor() as cursor, \
                cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(values(row))
    except psycopg.IntegrityError as exc:
        raise IntegrityError(statement, None, exc) from exc


def _insert_articles(rows: list[dict]) -> list[int]:
    """Insert articles and return their ids, in order, in at most two statements.

    PostgreSQL: one INSERT ... RETURNING (SQLAlchemy's insertmanyvalues keeps the order).
    SQLite: SQLAlchemy cannot order a multi-row RETURNING there and sends one INSERT per row.
    Instead the first row is inserted alone (RETURNING its id), which takes SQLite's write lock
    for this transaction: no other connection can insert until we commit, and SQLite gives a
    new row max(rowid) + 1, so the following ids are free; the rest go in one executemany with
    explicit ids.
    """
    if db.session.get_bind().dialect.name != "sqlite":
        return list(db.session.scalars(
            insert(Article).returning(Article.id, sort_by_parameter_order=True), rows))
    first = db.session.scalar(insert(Article).returning(Article.id), rows[0])
    ids = [first + i for i in range(len(rows))]
    if len(rows) > 1:
        db.session.execute(insert(Article.__table__),
                           [dict(row, id=article_id)
                            for article_id, row in zip(ids[1:], rows[1:], strict=True)])
    return ids


def _source_row(article_id: int, feed_id: int, entry: ParsedEntry, ctx: StoreContext) -> dict:
    return {"article_id": article_id, "feed_id": feed_id, "guid": entry.guid, "link": entry.link,
            "title": entry.title, "summary": entry.summary, "published_at": entry.published,
            "seen_at": ctx.now}


def _fill(article: _Stored, entry: ParsedEntry, organisation_id: int | None,
          ctx: StoreContext) -> dict:
    """An UPDATE's values for what this copy has and the stored article lacks (or {})."""
    values: dict = {}
    if not article.summary and entry.summary:
        article.summary = entry.summary
        values.update(summary=entry.summary, summary_html=str(clean_html(entry.summary_html)))
    if not article.title and entry.title:
        article.title = values["title"] = entry.title
    if not article.link and entry.link:
        article.link = values["link"] = entry.link
    if not article.author and entry.author:
        byline = ctx.bylines.find(entry.author, organisation_id)
        article.author = entry.author
        values.update(author=entry.author, author_contact_id=byline.contact_id,
                      author_guess=byline.guess)
    if article.published_at is None and entry.published is not None:
        article.published_at = values["published_at"] = entry.published
    if values:
        values["id"] = article.id
    return values


def _article_row(item: _Entry, organisation_id: int | None, ctx: StoreContext) -> dict:
    """A new article's values (its summary HTML sanitized where the entry was prepared)."""
    entry = item.entry
    byline = ctx.bylines.find(entry.author, organisation_id)
    return {
        "title": entry.title, "link": entry.link,
        "summary_html": item.prepared.summary_html, "summary": entry.summary,
        "author": entry.author, "author_contact_id": byline.contact_id,
        "author_guess": byline.guess,
        "published_at": entry.published, "seen_at": ctx.now,
        "sort_at": sort_time(entry.published, ctx.now),
    }


def mention_row(article_id: int, match: TermMatch, sort_at: datetime, now: datetime) -> dict:
    """A new mention's values (unread, not marked)."""
    return {"article_id": article_id, "term_id": match.term_id, "place": match.place,
            "snippet": match.snippet, "mark_start": match.mark_start,
            "mark_end": match.mark_end, "hits": match.hits, "status": "unset",
            "is_read": False, "sort_at": sort_at, "created_at": now}
