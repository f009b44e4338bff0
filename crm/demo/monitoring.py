"""Demo media monitoring: watch terms, the outlets' real feeds (inactive) and synthetic news.

Terms go through `mentions.save_term` and feeds through `services.create_feed` (validated as
staff would enter them; no feed is fetched). Feeds are created INACTIVE: a demo machine may
have no internet, and the scheduler would otherwise poll them every minute and fail; an
admin switches them on. The news (crm/demo/news.py) is stored with `store.store_entries`,
feed by feed in the order a poller would have met it, so the real dedupe, byline linking and
term matching decide what becomes an article, a source and a mention. Afterwards the false
hits are marked as noise and older mentions as read, as the press office would have done.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update

from crm.contacts.models import Organisation
from crm.demo.cast import Cast, Person
from crm.demo.news import FEEDS, Story, Watched, plan_news, watched_politicians
from crm.extensions import db
from crm.monitoring.fetch import check_url
from crm.monitoring.mentions import TermData, save_term
from crm.monitoring.models import Article, ArticleSource, Feed, Mention, WatchTerm
from crm.monitoring.services import FeedData, create_feed
from crm.monitoring.store import (
    BylineIndex,
    StoreContext,
    StoreCounts,
    load_matcher,
    store_entries,
)

FEED_SUFFIX = " (demo – slått av)"
FEED_INTERVAL = 15
POLL_EVERY = timedelta(minutes=30)  # the simulated poller's rhythm
IN_CHUNK = 500

PARTY_TERMS = (
    TermData("Arbeiderpartiet", "party", variants="Arbeidarpartiet\nAp",
             exclusions="AP-foto"),
)
ISSUE_TERMS = (
    TermData("sykehus", "issue", variants="sykehus*\nsjukehus*"),
    TermData("strømpris", "issue", variants="strømpris*\nstraumpris*\nstrømstøtt*\nstraumstøtt*"),
    TermData("bompenger", "issue", variants="bompeng*\nbomring*"),
    TermData("eldreomsorg", "issue", variants="eldreomsorg*\nsykehjem*\nsjukeheim*"),
    TermData("skatt", "issue", variants="formuesskatt*\nskattelette*\ntoppskatt*"),
    TermData("fastlege", "issue", variants="fastlege*"),
)
COMPETITOR_TERMS = (
    # Høyre is also "right": exact case only, and "Høyre side" is no party.
    TermData("Høyre", "competitor", variants="Høgre", exclusions="Høyre side\nHøgre side",
             case_mode="sensitive"),
    TermData("Fremskrittspartiet", "competitor", variants="Framstegspartiet\nFrP\nFrp"),
    TermData("Senterpartiet", "competitor", variants="Sp"),
    TermData("Sosialistisk Venstreparti", "competitor", variants="SV"),
    TermData("Rødt", "competitor", variants="Raudt", exclusions="Rødt lys"),
    TermData("Kristelig Folkeparti", "competitor", variants="Kristeleg Folkeparti\nKrF"),
    TermData("Miljøpartiet De Grønne", "competitor", variants="Miljøpartiet Dei Grøne\nMDG"),
)


def politician_terms(watched: Watched) -> list[TermData]:
    """A term per watched politician, linked to the contact, with the forms the press uses
    after the first mention ("statsminister Hansen", "finansminister Berg")."""
    terms = []

    def add(person: Person, *variants: str) -> None:
        terms.append(TermData(person.name, "politician", variants="\n".join(variants),
                              contact_id=person.id))

    if watched.leader:
        add(watched.leader, f"statsminister {watched.leader.last}",
            f"Ap-leder {watched.leader.last}")
    for minister in watched.ministers:
        add(minister, f"{minister.title.lower()} {minister.last}")
    for mp in watched.mps:
        add(mp)
    return terms


def ensure_terms(watched: Watched) -> int:
    """The demo's watch terms, except those already watched; returns how many were added."""
    existing = set(db.session.scalars(db.select(WatchTerm.term)))
    added = 0
    for data in (*PARTY_TERMS, *politician_terms(watched), *ISSUE_TERMS, *COMPETITOR_TERMS):
        if data.term not in existing:
            save_term(None, data)
            existing.add(data.term)
            added += 1
    return added


def ensure_feeds() -> tuple[dict[str, tuple[int, int | None]], int]:
    """Feed key -> (feed id, organisation id) for every demo feed (inactive); and how many
    were added. A feed whose address is already in the list is reused as it is."""
    organisations = dict(db.session.execute(db.select(Organisation.name, Organisation.id)).all())
    by_url = {url: (fid, org) for fid, url, org in
              db.session.execute(db.select(Feed.id, Feed.url, Feed.organisation_id))}
    feeds, added = {}, 0
    for spec in FEEDS:
        found = by_url.get(str(check_url(spec.url)))  # as create_feed stores it
        if found is None:
            feed, _report = create_feed(FeedData(
                url=spec.url, name=spec.name + FEED_SUFFIX,
                organisation_id=organisations.get(spec.outlet),
                interval_minutes=FEED_INTERVAL, active=False), fetch_now=False)
            found = (feed.id, feed.organisation_id)
            by_url[feed.url] = found
            added += 1
        feeds[spec.key] = found
    return feeds, added


def store_news(stories: list[Story], feeds: dict[str, tuple[int, int | None]],
               now: datetime, progress) -> StoreCounts:
    """Store every copy of every story as the poller would have: feed by feed, at the first
    poll after the copy appeared, oldest poll first. One commit at the end."""
    every = POLL_EVERY.total_seconds()
    polls: dict[tuple[datetime, str], list] = defaultdict(list)
    for story in stories:
        for copy in story.copies:
            poll_at = datetime.fromtimestamp((copy.seen_at.timestamp() // every + 1) * every,
                                             tz=UTC)
            polls[(min(poll_at, now), copy.feed)].append(story.entry(copy))
    matcher, bylines = load_matcher(), BylineIndex.load()
    total = StoreCounts()
    per_feed: dict[int, int] = defaultdict(int)
    entries_in_all = sum(len(entries) for entries in polls.values())
    for (poll_at, key), entries in sorted(polls.items(), key=lambda item: item[0]):
        feed_id, organisation_id = feeds[key]
        before = total.entries
        counts = store_entries(feed_id, organisation_id, entries,
                               StoreContext(matcher, bylines, now=poll_at))
        total.add(counts)
        per_feed[feed_id] += counts.new_sources
        if total.entries // 100 > before // 100 or total.entries == entries_in_all:
            progress("news entries", total.entries, entries_in_all)
    for feed_id, sources in per_feed.items():  # the feeds list shows what each one brought
        db.session.execute(update(Feed).where(Feed.id == feed_id).values(
            entries_seen=Feed.entries_seen + sources))
    db.session.commit()
    return total


def _article_ids(stories: list[Story]) -> dict[int, int]:
    """Story number -> article id, found through its sources' GUIDs."""
    guids = {c.link: s.number for s in stories for c in s.copies}
    found: dict[int, int] = {}
    links = list(guids)
    for i in range(0, len(links), IN_CHUNK):
        for guid, article_id in db.session.execute(
                db.select(ArticleSource.guid, ArticleSource.article_id)
                .where(ArticleSource.guid.in_(links[i:i + IN_CHUNK]))):
            found[guids[guid]] = article_id
    return found


def mark_mentions(rng: random.Random, now: datetime, stories: list[Story]) -> dict[str, int]:
    """False hits as noise; older mentions mostly read, some of our own marked relevant."""
    terms = dict(db.session.execute(db.select(WatchTerm.term, WatchTerm.id)).all())
    articles = _article_ids(stories)
    noise_ids: set[int] = set()
    for story in stories:
        if story.noise_term and story.noise_term in terms and story.number in articles:
            noise_ids.update(db.session.scalars(db.select(Mention.id).where(
                Mention.article_id == articles[story.number],
                Mention.term_id == terms[story.noise_term])))
    ours = set(db.session.scalars(db.select(WatchTerm.id).where(
        WatchTerm.group.in_(("party", "politician")))))
    read_ids, relevant_ids = [], []
    for mention_id, term_id, place, sort_at in db.session.execute(
            db.select(Mention.id, Mention.term_id, Mention.place,
                      Mention.sort_at).order_by(Mention.id)):
        if mention_id in noise_ids:
            continue
        age = now - sort_at
        chance = 0.8 if age > timedelta(days=3) else 0.45 if age > timedelta(days=1) else 0.1
        if rng.random() < chance:
            read_ids.append(mention_id)
            if term_id in ours and place == "title" and rng.random() < 0.3:
                relevant_ids.append(mention_id)
    for ids, values in ((sorted(noise_ids), {"status": "noise", "is_read": True}),
                        (read_ids, {"is_read": True}),
                        (relevant_ids, {"status": "relevant"})):
        for i in range(0, len(ids), IN_CHUNK):
            db.session.execute(update(Mention).where(Mention.id.in_(ids[i:i + IN_CHUNK]))
                               .values(**values).execution_options(synchronize_session=False))
    db.session.commit()
    return {"noise": len(noise_ids), "read": len(read_ids), "relevant": len(relevant_ids)}


def create_monitoring(rng: random.Random, now: datetime, zone: ZoneInfo, cast: Cast,
                      counts: dict, progress) -> None:
    """Watch terms and inactive feeds (those missing), and the news unless articles exist."""
    watched = watched_politicians(cast)
    counts["watch terms"] = ensure_terms(watched)
    feeds, counts["feeds (inactive)"] = ensure_feeds()
    counts.update({"articles": 0, "article sources": 0, "mentions": 0})
    if db.session.scalar(db.select(Article.id).limit(1)) is not None:
        return
    stories = plan_news(rng, now, zone, cast, watched)
    stored = store_news(stories, feeds, now, progress)
    marks = mark_mentions(rng, now, stories)
    counts.update({"articles": stored.new_articles, "article sources": stored.new_sources,
                   "mentions": stored.new_mentions, "mentions marked noise": marks["noise"]})

