"""Storing a feed's entries: one article per story, its sources, bylines and mentions.

Runs in the poller's main thread (the fetching threads never touch the database). Each step
is one statement per feed (a few more for feeds over IN_CHUNK entries), all of them lookups
by primary key or an indexed column, so the plans are index scans whatever the planner's
statistics; on SQLite, new articles take two INSERTs (see _insert_articles) rather than one
per row. No commit here: the caller commits once per feed.

An entry joins a stored article when it shares a key (GUID, link) or, failing that, when its
content is a near-duplicate (crm.monitoring.dedupe). Every source keeps its own title, text,
link and time; each text that differs from those already matched is matched too, and the
mentions are the union per term (one mention per article and term), so a wrong merge cannot
lose a mention. A later copy fills what the first one left empty (summary, byline, link,
publication time).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import insert, update

from crm.extensions import db
from crm.monitoring.dedupe import (
    MAX_CANDIDATES,
    WINDOW,
    Fingerprint,
    boilerplate,
    entry_keys,
    fingerprint,
    similarity,
    title_words,
    titles_may_match,
    trusted_guids,
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
from crm.monitoring.sanitize import clean_html
from crm.text import fold
from crm.timeutil import utcnow

IN_CHUNK = 500  # keys per IN (...) query
PRINTS_KEPT = 50_000  # cached fingerprints of stored articles (a few MB)
_BYLINE_SPLIT = re.compile(r"\s*(?:,|;|/|&|\+|\bog\b|\band\b|\bmed\b|\bfor\b|\|)\s*",
                           re.IGNORECASE)
_EMAIL = re.compile(r"\S+@\S+")


def load_matcher() -> Matcher:
    """A matcher over the active watch terms."""
    terms = db.session.scalars(db.select(WatchTerm).where(WatchTerm.active.is_(True))).all()
    return Matcher([term_spec(t) for t in terms])


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


@dataclass
class StoreContext:
    matcher: Matcher
    bylines: BylineIndex
    now: datetime = field(default_factory=utcnow)
    # Stored articles' fingerprints, by id: candidates recur from feed to feed in a cycle.
    prints: dict[int, Fingerprint] = field(default_factory=dict)

    @classmethod
    def load(cls) -> StoreContext:
        return cls(load_matcher(), BylineIndex.load())


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
    title_words: frozenset[str] | None = None
    terms: set[int] = field(default_factory=set)
    feeds: set[int] = field(default_factory=set)
    texts: set[tuple[str, str]] = field(default_factory=set)


_STORED_COLUMNS = (Article.id, Article.title, Article.summary, Article.link, Article.author,
                   Article.published_at, Article.sort_at)


def _candidates(bands: list[str], feed_id: int, earliest: datetime, latest: datetime
                ) -> tuple[dict[str, list[int]], dict[int, _Stored]]:
    """Stored articles sharing a content band, within the window and not carried by this
    feed already: ({band: [ids]}, articles)."""
    by_band: dict[str, list[int]] = {}
    articles: dict[int, _Stored] = {}
    for chunk in _chunks(bands):
        rows = db.session.execute(
            db.select(ArticleSketch.key, *_STORED_COLUMNS)
            .join(Article, Article.id == ArticleSketch.article_id)
            .where(ArticleSketch.key.in_(chunk), Article.sort_at >= earliest - WINDOW,
                   Article.sort_at <= latest + WINDOW)).all()
        for key, *values in rows:
            by_band.setdefault(key, []).append(values[0])
            articles.setdefault(values[0], _Stored(*values))
    ids = sorted(articles)
    own = set()
    for chunk in _chunks(ids):
        own.update(db.session.scalars(db.select(ArticleSource.article_id).where(
            ArticleSource.feed_id == feed_id, ArticleSource.article_id.in_(chunk))))
    if own:
        by_band = {band: [i for i in found if i not in own] for band, found in by_band.items()}
    return by_band, {i: a for i, a in articles.items() if i not in own}


def _load_stored(ids: set[int], into: dict[int, _Stored]) -> None:
    """Load the articles `ids` (if not yet in `into`), with their terms and sources."""
    missing = sorted(ids - into.keys())
    for chunk in _chunks(missing):
        for values in db.session.execute(db.select(*_STORED_COLUMNS)
                                         .where(Article.id.in_(chunk))).all():
            into[values[0]] = _Stored(*values)
    wanted = sorted(ids)
    for chunk in _chunks(wanted):
        for article_id, term_id in db.session.execute(
                db.select(Mention.article_id, Mention.term_id)
                .where(Mention.article_id.in_(chunk))).all():
            into[article_id].terms.add(term_id)
        for article_id, source_feed, title, summary in db.session.execute(
                db.select(ArticleSource.article_id, ArticleSource.feed_id, ArticleSource.title,
                          ArticleSource.summary).where(ArticleSource.article_id.in_(chunk))):
            into[article_id].feeds.add(source_feed)
            into[article_id].texts.add((title, summary))


def sort_time(published: datetime | None, now: datetime) -> datetime:
    """The publication time if plausible (not in the future), else when we saw it."""
    if published is not None and published <= now + timedelta(hours=1):
        return published
    return now


@dataclass
class _Entry:
    entry: ParsedEntry
    keys: list[str]
    fingerprint: Fingerprint
    at: datetime
    article_id: int | None = None


def _best_candidate(item: _Entry, by_band: dict[str, list[int]],
                    stored: dict[int, _Stored], prints: dict[int, Fingerprint]) -> int | None:
    best, best_score = None, 0.0
    ids = dict.fromkeys(i for band in item.fingerprint.bands() for i in by_band.get(band, ()))
    for article_id in list(ids)[:MAX_CANDIDATES]:
        article = stored[article_id]
        if article.title_words is None:
            article.title_words = title_words(article.title)
        if not titles_may_match(item.fingerprint.title_words, article.title_words):
            continue
        if article_id not in prints:
            if len(prints) > PRINTS_KEPT:
                prints.clear()
            prints[article_id] = fingerprint(article.title, article.summary)
        score = similarity(item.fingerprint, prints[article_id], item.at - article.sort_at)
        if score > best_score:
            best, best_score = article_id, score
    return best


def store_entries(feed_id: int, organisation_id: int | None, entries: list[ParsedEntry],
                  ctx: StoreContext) -> StoreCounts:
    """Store a feed's entries: new articles, new sources of known ones, their mentions."""
    counts = StoreCounts(entries=len(entries))
    if not entries:
        return counts
    trusted = trusted_guids(entries)
    batch: list[_Entry] = []
    batch_keys: set[str] = set()
    for entry in entries:
        keys = entry_keys(entry, feed_id, trusted)
        if batch_keys.intersection(keys):
            continue  # the same story twice in one feed
        batch_keys.update(keys)
        batch.append(_Entry(entry, keys, fingerprint(entry.title, entry.summary),
                            sort_time(entry.published, ctx.now)))
    if common := boilerplate([item.fingerprint for item in batch]):
        for item in batch:
            item.fingerprint = item.fingerprint.without(common)

    known = _known_keys(sorted(batch_keys))
    for item in batch:
        item.article_id = next((known[k] for k in item.keys if k in known), None)
    unmatched = [item for item in batch if item.article_id is None]
    stored: dict[int, _Stored] = {}
    if unmatched and (bands := sorted({b for item in unmatched
                                       for b in item.fingerprint.bands()})):
        by_band, stored = _candidates(bands, feed_id, min(item.at for item in unmatched),
                                      max(item.at for item in unmatched))
        for item in unmatched:
            item.article_id = _best_candidate(item, by_band, stored, ctx.prints)
    joined = {item.article_id for item in batch if item.article_id is not None}
    if joined:
        _load_stored(joined, stored)

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
        sources.append(_source_row(article.id, feed_id, item.entry, ctx))
        text = (item.entry.title, item.entry.summary)
        if text not in article.texts and text != (article.title, article.summary):
            article.texts.add(text)
            for term_id, match in ctx.matcher.match(*text).items():
                if term_id not in article.terms:
                    article.terms.add(term_id)
                    mentions.append(mention_row(article.id, match, article.sort_at, ctx.now))
        if fill := _fill(article, item.entry, organisation_id, ctx):
            fills.append(fill)

    if new_items:
        rows = [_article_row(item.entry, organisation_id, ctx) for item in new_items]
        ids = _insert_articles(rows)
        sketches: dict[tuple[str, int], None] = {}
        for article_id, row, item in zip(ids, rows, new_items, strict=True):
            new_keys.extend({"key": k, "article_id": article_id} for k in item.keys)
            sources.append(_source_row(article_id, feed_id, item.entry, ctx))
            sketches.update(dict.fromkeys((band, article_id)
                                          for band in item.fingerprint.bands()))
            mentions.extend(mention_row(article_id, m, row["sort_at"], ctx.now)
                            for m in ctx.matcher.match(row["title"], row["summary"]).values())
        counts.new_articles = len(ids)
        if sketches:
            db.session.execute(insert(ArticleSketch),
                               [{"key": k, "article_id": a} for k, a in sketches])
    if fills:
        db.session.execute(update(Article), fills)
    if new_keys:
        db.session.execute(insert(ArticleKey), new_keys)
    if sources:
        db.session.execute(insert(ArticleSource), sources)
    if mentions:
        db.session.execute(insert(Mention), mentions)
    counts.new_sources = len(sources)
    counts.new_mentions = len(mentions)
    return counts


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
        db.session.execute(insert(Article), [dict(row, id=article_id)
                                             for article_id, row in zip(ids[1:], rows[1:],
                                                                        strict=True)])
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


def _article_row(entry: ParsedEntry, organisation_id: int | None, ctx: StoreContext) -> dict:
    byline = ctx.bylines.find(entry.author, organisation_id)
    return {
        "title": entry.title, "link": entry.link,
        "summary_html": str(clean_html(entry.summary_html)), "summary": entry.summary,
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
