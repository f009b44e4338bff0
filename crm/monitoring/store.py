"""Storing a feed's entries: one article per story, its sources, bylines and mentions.

Runs in the poller's main thread (the fetching threads never touch the database). Inserts
go in bulk (one statement per table per feed), so a feed of 50 new entries costs a handful of
round trips. No commit here: the caller commits once per feed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import insert

from crm.extensions import db
from crm.monitoring.dedupe import entry_keys, trusted_guids
from crm.monitoring.matching import Matcher, TermSpec
from crm.monitoring.models import Article, ArticleKey, ArticleSource, Mention, WatchTerm
from crm.monitoring.parse import ParsedEntry
from crm.monitoring.sanitize import clean_html
from crm.text import fold
from crm.timeutil import utcnow

IN_CHUNK = 500  # keys per IN (...) query
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

    def find(self, byline: str, organisation_id: int | None) -> int | None:
        """The journalist behind a byline: same name, preferring the feed's outlet."""
        if not byline or not self.names:
            return None
        for part in _BYLINE_SPLIT.split(_EMAIL.sub(" ", byline)):
            candidates = self.names.get(fold(part))
            if not candidates:
                continue
            at_outlet = [c for c, org in candidates if org == organisation_id and org]
            if len(at_outlet) == 1:
                return at_outlet[0]
            if len(candidates) == 1:
                return candidates[0][0]
        return None


@dataclass
class StoreContext:
    matcher: Matcher
    bylines: BylineIndex
    now: datetime = field(default_factory=utcnow)

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


def _known_keys(keys: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i in range(0, len(keys), IN_CHUNK):
        chunk = keys[i:i + IN_CHUNK]
        found.update(db.session.execute(
            db.select(ArticleKey.key, ArticleKey.article_id).where(ArticleKey.key.in_(chunk))
        ).all())
    return found


def _sourced(article_ids: set[int], feed_id: int) -> set[int]:
    ids = list(article_ids)
    found: set[int] = set()
    for i in range(0, len(ids), IN_CHUNK):
        found.update(db.session.scalars(
            db.select(ArticleSource.article_id).where(
                ArticleSource.feed_id == feed_id,
                ArticleSource.article_id.in_(ids[i:i + IN_CHUNK]))))
    return found


def sort_time(published: datetime | None, now: datetime) -> datetime:
    """The publication time if plausible (not in the future), else when we saw it."""
    if published is not None and published <= now + timedelta(hours=1):
        return published
    return now


def store_entries(feed_id: int, organisation_id: int | None, entries: list[ParsedEntry],
                  ctx: StoreContext) -> StoreCounts:
    """Store a feed's entries: new articles, new sources of known ones, their mentions."""
    counts = StoreCounts(entries=len(entries))
    if not entries:
        return counts
    trusted = trusted_guids(entries)
    batch: list[tuple[ParsedEntry, list[str]]] = []
    batch_keys: set[str] = set()
    for entry in entries:
        keys = entry_keys(entry, feed_id, trusted)
        if batch_keys.intersection(keys):
            continue  # the same story twice in one feed
        batch_keys.update(keys)
        batch.append((entry, keys))
    known = _known_keys(sorted(batch_keys))
    already = _sourced(set(known.values()), feed_id)
    new_entries: list[tuple[ParsedEntry, list[str]]] = []
    sources, new_keys = [], []
    for entry, keys in batch:
        article_id = next((known[k] for k in keys if k in known), None)
        if article_id is None:
            new_entries.append((entry, keys))
            continue
        new_keys.extend({"key": k, "article_id": article_id} for k in keys if k not in known)
        if article_id not in already:
            already.add(article_id)
            sources.append({"article_id": article_id, "feed_id": feed_id, "guid": entry.guid,
                            "link": entry.link, "seen_at": ctx.now})
    if new_entries:
        rows = [_article_row(entry, organisation_id, ctx) for entry, _keys in new_entries]
        ids = db.session.scalars(
            insert(Article).returning(Article.id, sort_by_parameter_order=True), rows).all()
        mentions = []
        for article_id, row, (entry, keys) in zip(ids, rows, new_entries, strict=True):
            new_keys.extend({"key": k, "article_id": article_id} for k in keys)
            sources.append({"article_id": article_id, "feed_id": feed_id, "guid": entry.guid,
                            "link": entry.link, "seen_at": ctx.now})
            mentions.extend(_mention_rows(article_id, row, ctx))
        counts.new_articles = len(ids)
        if mentions:
            db.session.execute(insert(Mention), mentions)
        counts.new_mentions = len(mentions)
    if new_keys:
        db.session.execute(insert(ArticleKey), new_keys)
    if sources:
        db.session.execute(insert(ArticleSource), sources)
    counts.new_sources = len(sources)
    return counts


def _article_row(entry: ParsedEntry, organisation_id: int | None, ctx: StoreContext) -> dict:
    return {
        "title": entry.title, "link": entry.link,
        "summary_html": str(clean_html(entry.summary_html)), "summary": entry.summary,
        "author": entry.author,
        "author_contact_id": ctx.bylines.find(entry.author, organisation_id),
        "published_at": entry.published, "seen_at": ctx.now,
        "sort_at": sort_time(entry.published, ctx.now),
    }


def _mention_rows(article_id: int, row: dict, ctx: StoreContext) -> list[dict]:
    return [{"article_id": article_id, "term_id": m.term_id, "place": m.place,
             "snippet": m.snippet, "mark_start": m.mark_start, "mark_end": m.mark_end,
             "hits": m.hits, "status": "unset", "is_read": False, "sort_at": row["sort_at"],
             "created_at": ctx.now}
            for m in ctx.matcher.match(row["title"], row["summary"]).values()]
