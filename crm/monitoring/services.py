"""Feeds: adding, changing and deleting them, and polling them.

Polling (`poll_due_feeds`) fetches and parses in a bounded thread pool and writes to the
database only in the calling thread, one commit per feed, so one broken feed never loses the
others' work. It is the scheduler's "poll-feeds" job (crm/scheduler.py) and `crm poll-feeds`.
At most one poller runs at a time: the scheduler runs in one process (`crm scheduler`) under a
database lease, never inside the web workers; `crm poll-feeds` by hand may overlap it, which is
safe (article keys are unique; a clash rolls back that feed and it is retried next time).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, update
from sqlalchemy.exc import IntegrityError

from crm.errors import UserError
from crm.extensions import db
from crm.messages import Message, joined, msg, nmsg
from crm.monitoring.fetch import (
    DEFAULT_LIMITS,
    FetchError,
    FetchLimits,
    check_destination,
    check_url,
    fetch,
    make_client,
    parse_networks,
)
from crm.monitoring.models import Article, ArticleSource, Feed
from crm.monitoring.parse import ParsedFeed, parse_feed
from crm.monitoring.sanitize import safe_link
from crm.monitoring.store import StoreContext, StoreCounts, store_entries
from crm.text import normalise_space
from crm.timeutil import utcnow

MIN_INTERVAL = 5
MAX_INTERVAL = 24 * 60
MAX_BACKOFF = timedelta(hours=6)
DEFAULT_WORKERS = 8


class FeedError(UserError):
    """Invalid feed settings; `field` names the form field."""


@dataclass
class FeedData:
    url: str
    name: str = ""
    organisation_id: int | None = None
    interval_minutes: int = 15
    active: bool = True


@dataclass(frozen=True)
class FeedJob:
    """A feed as the poller needs it: a plain snapshot, so no ORM object crosses threads and
    no expired object is reloaded after each commit."""

    id: int
    url: str
    etag: str = ""
    last_modified: str = ""
    content_hash: str = ""
    name: str = ""
    organisation_id: int | None = None
    interval_minutes: int = 15
    consecutive_failures: int = 0

    @classmethod
    def of(cls, feed: Feed) -> FeedJob:
        return cls(feed.id, feed.url, feed.etag or "", feed.last_modified or "",
                   feed.content_hash or "", feed.name, feed.organisation_id,
                   feed.interval_minutes or 15, feed.consecutive_failures or 0)


@dataclass
class PollOutcome:
    feed_id: int
    url: str = ""
    not_modified: bool = False
    parsed: ParsedFeed | None = None
    error: Message | None = None
    retry_after: float | None = None
    etag: str = ""
    last_modified: str = ""
    content_hash: str = ""
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class FeedReport:
    feed_id: int
    name: str
    state: str  # "new", "unchanged", "error"
    error: Message | None = None
    warnings: list[Message] = field(default_factory=list)
    counts: StoreCounts = field(default_factory=StoreCounts)


@dataclass
class PollSummary:
    feeds: int = 0
    ok: int = 0
    unchanged: int = 0
    failed: int = 0
    counts: StoreCounts = field(default_factory=StoreCounts)
    seconds: float = 0.0
    reports: list[FeedReport] = field(default_factory=list)

    def message(self) -> Message:
        c = self.counts
        return nmsg("Polled %(num)d feed: %(ok)d ok (%(unchanged)d unchanged), %(failed)d "
                    "failed; %(articles)d new articles, %(sources)d new sources, %(mentions)d "
                    "new mentions in %(seconds)s s",
                    "Polled %(num)d feeds: %(ok)d ok (%(unchanged)d unchanged), %(failed)d "
                    "failed; %(articles)d new articles, %(sources)d new sources, %(mentions)d "
                    "new mentions in %(seconds)s s",
                    self.feeds, ok=self.ok, unchanged=self.unchanged, failed=self.failed,
                    articles=c.new_articles, sources=c.new_sources, mentions=c.new_mentions,
                    seconds=f"{self.seconds:.1f}")

    def __str__(self) -> str:
        return str(self.message())


# --- settings -------------------------------------------------------------------------------

def fetch_limits() -> FetchLimits:
    cfg = current_app.config
    return FetchLimits(
        connect_timeout=float(cfg.get("CRM_FEED_CONNECT_TIMEOUT", 10)),
        read_timeout=float(cfg.get("CRM_FEED_READ_TIMEOUT", 20)),
        deadline=float(cfg.get("CRM_FEED_DEADLINE", 60)),
        max_bytes=int(cfg.get("CRM_FEED_MAX_BYTES", 15 * 1024 * 1024)),
        max_redirects=int(cfg.get("CRM_FEED_MAX_REDIRECTS", 5)),
        allow_networks=tuple(str(net) for net in allowed_networks()))


def allowed_networks():
    """CRM_FEED_ALLOW_NETWORKS as networks (see crm.monitoring.fetch.address_allowed)."""
    return parse_networks(current_app.config.get("CRM_FEED_ALLOW_NETWORKS") or ())


def _clean(data: FeedData, feed: Feed | None) -> FeedData:
    from crm.contacts.models import Organisation

    try:
        # Stored as httpx normalises it: ASCII (IDNA, percent-encoding), so the unique index
        # never meets a URL too long in bytes.
        parsed = check_url(data.url or "")
        url = str(parsed)
        # A host written as a refused address (127.1, [::1], 10.0.0.1, localhost) is refused
        # at once; a name is resolved and checked at every fetch (crm.monitoring.fetch).
        check_destination(parsed, allowed_networks())
    except FetchError as exc:
        raise FeedError(exc.msg, field="url") from None
    if len(url) > 2000:
        raise FeedError(msg("The URL is too long."), field="url")
    clash = db.session.scalar(db.select(Feed.id).where(Feed.url == url))
    if clash is not None and (feed is None or clash != feed.id):
        raise FeedError(msg("That feed is already in the list."), field="url")
    if data.organisation_id is not None and \
            db.session.get(Organisation, data.organisation_id) is None:
        raise FeedError(msg("That organisation does not exist."), field="organisation_id")
    try:
        interval = int(data.interval_minutes)
    except (TypeError, ValueError):
        raise FeedError(msg("The interval must be a number of minutes."),
                        field="interval_minutes") from None
    if not MIN_INTERVAL <= interval <= MAX_INTERVAL:
        raise FeedError(msg("The interval must be between %(min)d and %(max)d minutes.",
                            min=MIN_INTERVAL, max=MAX_INTERVAL), field="interval_minutes")
    name = normalise_space(data.name)[:200]
    return FeedData(url, name, data.organisation_id, interval, bool(data.active))


def _apply(feed: Feed, data: FeedData) -> None:
    feed.url, feed.organisation_id = data.url, data.organisation_id
    feed.name = data.name or feed.name or data.url[:200]
    feed.interval_minutes, feed.active = data.interval_minutes, data.active


def new_feed(data: FeedData) -> Feed:
    """A Feed for settings already checked (`_clean`, or the OPML import's bulk checks)."""
    feed = Feed(next_poll_at=utcnow())
    _apply(feed, data)
    return feed


def create_feed(data: FeedData, fetch_now: bool = True,
                keep_if_failing: bool = False) -> tuple[Feed | None, FeedReport | None]:
    """Add a feed and read it once. Raises FeedError for bad settings.

    With `fetch_now`, the feed is fetched here, before it is saved: if that fails the feed is
    not saved (unless `keep_if_failing`) and the report says why; if it works, its entries are
    stored at once. Returns (feed or None, report of the first read or None). The web's "Add
    feed" saves with `fetch_now=False` and reads the feed in the background
    (crm.monitoring.checks), so no request waits for a slow server.
    """
    data = _clean(data, None)
    outcome = None
    if fetch_now:
        outcome = fetch_and_parse(FeedJob(0, data.url), limits=fetch_limits())
        if outcome.error and not keep_if_failing:
            return None, FeedReport(0, data.name or data.url, "error", outcome.error)
    feed = new_feed(data)
    if outcome is not None and outcome.parsed is not None and not data.name:
        feed.name = outcome.parsed.title or feed.name
    db.session.add(feed)
    try:
        db.session.commit()
    except IntegrityError:  # the same URL added a moment ago by someone else
        db.session.rollback()
        raise FeedError(msg("That feed is already in the list."), field="url") from None
    if outcome is None:
        return feed, None
    outcome.feed_id = feed.id
    report = record_outcome(FeedJob.of(feed), outcome, StoreContext.load())
    db.session.expire(feed)
    return feed, report


def update_feed(feed: Feed, data: FeedData) -> Feed:
    """Change a feed's settings; a changed URL starts afresh (no ETag, polled soon)."""
    data = _clean(data, feed)
    if data.url != feed.url:
        feed.etag = feed.last_modified = feed.content_hash = ""
        feed.next_poll_at = utcnow()
        feed.consecutive_failures = 0
    _apply(feed, data)
    if feed.active and feed.next_poll_at is None:
        feed.next_poll_at = utcnow()
    db.session.commit()
    return feed


def delete_feed(feed: Feed) -> int:
    """Delete a feed, and the articles no other feed carried (with their mentions)."""
    alias = db.aliased(ArticleSource)
    orphans = db.select(ArticleSource.article_id).where(
        ArticleSource.feed_id == feed.id,
        ~db.select(alias.id).where(alias.article_id == ArticleSource.article_id,
                                   alias.feed_id != feed.id).exists())
    article_ids = list(db.session.scalars(orphans))
    db.session.delete(feed)
    db.session.flush()
    for i in range(0, len(article_ids), 500):
        db.session.execute(delete(Article).where(Article.id.in_(article_ids[i:i + 500])))
    db.session.commit()
    return len(article_ids)


# --- fetching (threads) ---------------------------------------------------------------------

def fetch_and_parse(job: FeedJob, client=None, limits: FetchLimits = DEFAULT_LIMITS) \
        -> PollOutcome:
    """Fetch and parse one feed. Runs in a worker thread: no database, never raises."""
    started = time.monotonic()
    outcome = PollOutcome(job.id, job.url)
    try:
        result = fetch(job.url, job.etag, job.last_modified, client=client, limits=limits)
    except FetchError as exc:
        outcome.error, outcome.retry_after = exc.msg, exc.retry_after
    except Exception as exc:  # a bug in a corner of httpx must not stop the other feeds
        outcome.error = msg("Unexpected error while fetching (%(kind)s).",
                            kind=type(exc).__name__)
    else:
        outcome.url, outcome.etag, outcome.last_modified = result.url, result.etag, \
            result.last_modified
        if result.not_modified:
            outcome.not_modified = True
        else:
            outcome.content_hash = hashlib.sha256(result.body).hexdigest()
            if outcome.content_hash == job.content_hash:
                outcome.not_modified = True  # same bytes as last time: nothing to parse
            else:
                outcome.parsed = parse_feed(result.body, result.headers, result.url)
                if outcome.parsed.error is not None:
                    outcome.error = outcome.parsed.error
    outcome.elapsed = time.monotonic() - started
    return outcome


# --- recording (main thread) ----------------------------------------------------------------

def _next_poll(feed: FeedJob, now: datetime, failures: int, retry_after: float | None,
               backoff: bool) -> datetime:
    interval = timedelta(minutes=max(feed.interval_minutes or 15, 1))
    if backoff and failures:
        interval = min(interval * (2 ** min(failures, 12)), MAX_BACKOFF)
    if retry_after:
        interval = max(interval, timedelta(seconds=retry_after))
    return now + interval


def record_outcome(feed: FeedJob, outcome: PollOutcome, ctx: StoreContext,
                   commit: bool = True) -> FeedReport:
    """Store what a poll found and update the feed's health. Never raises for bad data.

    Commits unless `commit` is false (the poller batches the commits of feeds that brought
    no entries: one commit per unchanged feed would dominate a cycle).
    """
    now = utcnow()
    parsed = outcome.parsed
    report = FeedReport(feed.id, feed.name, "unchanged" if outcome.not_modified else "new")
    if parsed is not None and parsed.entries:
        try:
            report.counts = store_entries(feed.id, feed.organisation_id, parsed.entries, ctx)
            db.session.flush()
        except IntegrityError:
            # Another process stored the same story a moment ago; next time it is known.
            db.session.rollback()
            report.warnings.append(msg("Entries clashed with a concurrent poll; retried next "
                                       "time."))
    values: dict = {"last_polled_at": now}
    recovered = bool(parsed and parsed.entries)
    if outcome.error is not None:
        report.state, report.error = "error", outcome.error
        failures = (feed.consecutive_failures or 0) + 1
        values.update(last_error=outcome.error.truncated(1000), last_error_at=now,
                      consecutive_failures=failures,
                      next_poll_at=_next_poll(feed, now, failures, outcome.retry_after,
                                              backoff=not recovered))
    else:
        values.update(last_success_at=now, consecutive_failures=0,
                      next_poll_at=_next_poll(feed, now, 0, outcome.retry_after, False))
        if not outcome.not_modified:
            values.update(etag=outcome.etag, last_modified=outcome.last_modified,
                          content_hash=outcome.content_hash)
    if parsed is not None:
        report.warnings.extend(parsed.warnings)
        values.update(last_entry_count=len(parsed.entries),
                      entries_seen=Feed.entries_seen + report.counts.new_sources)
        if outcome.error is None:
            values["last_warning"] = joined(report.warnings[:10]).truncated(500)
        if parsed.title:
            values["feed_title"] = parsed.title[:300]
    # A bulk UPDATE: health is not a change of settings, so no audit entry per poll.
    db.session.execute(update(Feed).where(Feed.id == feed.id).values(**values)
                       .execution_options(synchronize_session=False))
    if commit:
        db.session.commit()
    return report


def due_feeds(now: datetime | None = None, feed_ids: Iterable[int] | None = None,
              include_not_due: bool = False) -> list[Feed]:
    now = now or utcnow()
    query = db.select(Feed).where(Feed.active.is_(True))
    if feed_ids is not None:
        query = db.select(Feed).where(Feed.id.in_(list(feed_ids)))
    elif not include_not_due:
        query = query.where(or_(Feed.next_poll_at.is_(None), Feed.next_poll_at <= now))
    return list(db.session.scalars(query.order_by(Feed.next_poll_at, Feed.id)))


def poll_feeds(feeds: list[Feed], workers: int | None = None,
               progress: Callable[[int, int, FeedReport], None] | None = None) -> PollSummary:
    """Fetch and parse `feeds` in a bounded pool; store each result here, one commit each."""
    started = time.monotonic()
    workers = max(1, min(workers or int(current_app.config.get("CRM_FEED_WORKERS",
                                                               DEFAULT_WORKERS)), 32))
    summary = PollSummary(feeds=len(feeds))
    if not feeds:
        return summary
    limits = fetch_limits()
    ctx = StoreContext.load()
    jobs = [FeedJob.of(f) for f in feeds]
    by_id = {job.id: job for job in jobs}
    db.session.commit()  # no transaction held open while waiting for the network
    uncommitted = 0
    pending_jobs = iter(jobs)
    with make_client(limits, max_connections=workers) as client, \
            ThreadPoolExecutor(max_workers=workers, thread_name_prefix="feed") as pool:
        in_flight = set()

        def submit_more():
            # At most 2 x workers results wait for the database: memory stays bounded.
            while len(in_flight) < workers * 2:
                job = next(pending_jobs, None)
                if job is None:
                    return
                in_flight.add(pool.submit(fetch_and_parse, job, client, limits))

        submit_more()
        while in_flight:
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                in_flight.discard(future)
                outcome = future.result()
                has_entries = bool(outcome.parsed and outcome.parsed.entries)
                if has_entries and uncommitted:
                    db.session.commit()  # a failing store must not undo others' health
                    uncommitted = 0
                report = _record_safely(by_id[outcome.feed_id], outcome, ctx,
                                        commit=has_entries)
                uncommitted += not has_entries
                if uncommitted >= 200:
                    db.session.commit()
                    uncommitted = 0
                _tally(summary, report)
                if progress:
                    progress(len(summary.reports), summary.feeds, report)
            submit_more()
    db.session.commit()
    summary.seconds = time.monotonic() - started
    return summary


def _record_safely(feed: FeedJob, outcome: PollOutcome, ctx: StoreContext,
                   commit: bool) -> FeedReport:
    try:
        return record_outcome(feed, outcome, ctx, commit)
    except Exception as exc:  # noqa: BLE001 (one feed's database trouble must not stop a poll)
        db.session.rollback()
        current_app.logger.exception("Storing feed %s failed", feed.id)
        message = msg("Could not store the entries (%(kind)s).", kind=type(exc).__name__)
        now = utcnow()
        db.session.execute(update(Feed).where(Feed.id == feed.id).values(
            last_polled_at=now, last_error=message, last_error_at=now,
            consecutive_failures=Feed.consecutive_failures + 1,
            next_poll_at=_next_poll(feed, now, (feed.consecutive_failures or 0) + 1, None, True)))
        db.session.commit()
        return FeedReport(feed.id, feed.name, "error", message)


def _tally(summary: PollSummary, report: FeedReport) -> None:
    summary.reports.append(report)
    if report.state == "error":
        summary.failed += 1
    else:
        summary.ok += 1
        summary.unchanged += report.state == "unchanged"
    summary.counts.add(report.counts)


def poll_due_feeds(progress=None, workers: int | None = None) -> Message:
    """The scheduled job: poll every active feed that is due; returns a one-line summary."""
    summary = poll_feeds(due_feeds(), workers=workers, progress=progress)
    return summary.message()


def poll_one(feed: Feed) -> FeedReport:
    """Poll one feed now (the "Poll now" button), whatever its schedule."""
    job = FeedJob.of(feed)
    db.session.commit()
    outcome = fetch_and_parse(job, limits=fetch_limits())
    report = record_outcome(job, outcome, StoreContext.load())
    db.session.expire(feed)
    return report


def feed_link(feed: Feed) -> str:
    return safe_link(feed.url)
