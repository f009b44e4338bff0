"""Feeds: adding, changing and deleting them, and polling them.

Polling (`poll_due_feeds`) fetches and parses in worker processes (crm/monitoring/workers.py:
both cores, each feed bounded in time and memory) and writes to the database only here, in
the calling process, one commit per feed that brought entries, so one broken feed never
loses the others' work. It is the scheduler's "poll-feeds" job (crm/scheduler.py) and `crm poll-feeds`.
At most one poller runs at a time: the scheduler runs in one process (`crm scheduler`) under a
database lease, never inside the web workers; `crm poll-feeds` by hand may overlap it, which is
safe (article keys are unique; a clash rolls back that feed and it is retried next time).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError

from crm import registry
from crm.errors import UserError
from crm.extensions import db
from crm.messages import Message, joined, msg, nmsg
from crm.monitoring.fetch import (
    FetchError,
    FetchLimits,
    check_destination,
    check_url,
    make_client,
    parse_networks,
)
from crm.monitoring.models import Article, ArticleSource, Feed
from crm.monitoring.prepare import terms_digest
from crm.monitoring.sanitize import safe_link
from crm.monitoring.store import StoreContext, StoreCounts, load_term_specs, store_entries
from crm.monitoring.workers import (
    FeedJob,
    FeedPool,
    PollOutcome,
    PoolSettings,
    PoolStats,
    fetch_and_parse,
)
from crm.text import normalise_space
from crm.timeutil import utcnow

MIN_INTERVAL = 5
MAX_INTERVAL = 24 * 60
MAX_BACKOFF = timedelta(hours=6)
DEFAULT_WORKERS = 8  # feeds fetched at once, over all worker processes

__all__ = ["FeedJob", "PollOutcome", "fetch_and_parse"]  # the unit of work, for task queues


class FeedError(UserError):
    """Invalid feed settings; `field` names the form field."""


@dataclass
class FeedData:
    url: str
    name: str = ""
    organisation_id: int | None = None
    interval_minutes: int = 15
    active: bool = True


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
    pool: PoolStats | None = None  # None when fetched in this process's threads
    fetch_seconds: float = 0.0  # summed over feeds (they overlap)
    parse_seconds: float = 0.0  # summed over feeds, in the workers
    store_seconds: float = 0.0  # in this process: storing, matching, committing

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


def pool_settings(workers: int | None = None) -> PoolSettings:
    """CRM_FEED_PROCESSES worker processes (default: the cores, at most 4; 0 reads in this
    process's threads, without time and memory limits), sharing CRM_FEED_WORKERS concurrent
    fetches; CRM_FEED_PARSE_SECONDS and CRM_FEED_PARSE_MEMORY_MB bound one feed's parse."""
    cfg = current_app.config
    workers = max(1, min(workers or int(cfg.get("CRM_FEED_WORKERS", DEFAULT_WORKERS)), 32))
    processes = cfg.get("CRM_FEED_PROCESSES")
    processes = min(os.cpu_count() or 1, 4) if processes is None else int(processes)
    processes = max(0, min(processes, workers))
    return PoolSettings(
        processes=processes, threads=max(1, -(-workers // max(processes, 1))),
        parse_seconds=float(cfg.get("CRM_FEED_PARSE_SECONDS", 30)),
        memory_mb=int(cfg.get("CRM_FEED_PARSE_MEMORY_MB", 256)), limits=fetch_limits())


def read_feed(job: FeedJob) -> PollOutcome:
    """Fetch and parse one feed now, in a worker process when processes are configured."""
    settings = pool_settings(1)
    if not settings.processes:
        return fetch_and_parse(job, limits=settings.limits)
    with FeedPool(settings) as pool:
        return next(iter(pool.run([job])))


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
    since = utcnow()
    if fetch_now:
        outcome = read_feed(FeedJob(0, data.url))
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
    report = record_outcome(job_of(feed), outcome, StoreContext.load())
    db.session.expire(feed)
    _after_one(since, report)
    return feed, report


def _after_one(since: datetime, report: FeedReport) -> None:
    """The AFTER_POLL hooks for one feed read outside a cycle (added, "Poll now")."""
    if report.counts.new_mentions or report.counts.new_articles:
        run_after_poll(since, PollSummary(feeds=1, ok=int(report.state != "error"),
                                          counts=report.counts, reports=[report]))


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


def job_of(feed: Feed) -> FeedJob:
    """A plain snapshot of a feed: no ORM object crosses to the workers, and none is
    reloaded after each commit."""
    return FeedJob(feed.id, feed.url, feed.etag or "", feed.last_modified or "",
                   feed.content_hash or "", feed.name, feed.organisation_id,
                   feed.interval_minutes or 15, feed.consecutive_failures or 0)


def jobs_of(feeds: list[Feed]) -> list[FeedJob]:
    """Snapshots of `feeds`; those expired by a commit are read again in one query per 500,
    not one query each."""
    states = [sa_inspect(feed) for feed in feeds]
    stale = [state.identity[0] for state in states if state.expired]  # feed.id would load it
    for i in range(0, len(stale), 500):
        db.session.scalars(db.select(Feed).where(Feed.id.in_(stale[i:i + 500]))
                           .execution_options(populate_existing=True)).all()
    return [job_of(feed) for feed in feeds]


# --- recording (main thread) ----------------------------------------------------------------

def _next_poll(feed: FeedJob, now: datetime, failures: int, retry_after: float | None,
               backoff: bool) -> datetime:
    interval = timedelta(minutes=max(feed.interval_minutes or 15, 1))
    if backoff and failures:
        interval = min(interval * (2 ** min(failures, 12)), MAX_BACKOFF)
    if retry_after:
        interval = max(interval, timedelta(seconds=retry_after))
    return now + interval


def record_outcome(feed: FeedJob, outcome: PollOutcome, ctx: StoreContext | None,
                   commit: bool = True) -> FeedReport:
    """Store what a poll found and update the feed's health. Never raises for bad data.

    Commits unless `commit` is false: then the caller commits (the poller commits feeds in
    batches, see _Batch) and an IntegrityError is raised, not handled here.
    """
    now = utcnow()
    parsed = outcome.parsed
    report = FeedReport(feed.id, feed.name, "unchanged" if outcome.not_modified else "new")
    if parsed is not None and parsed.entries:
        ctx = ctx or StoreContext.load()
        try:
            report.counts = store_entries(feed.id, feed.organisation_id, parsed.entries, ctx,
                                          outcome.prepared)
            db.session.flush()
        except IntegrityError:
            if not commit:
                raise  # a batch is rolled back and stored again feed by feed (_Batch)
            # Another process stored the same story a moment ago; next time it is known.
            db.session.rollback()
            ctx.rolled_back()
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
        if ctx is not None:
            ctx.committed()
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
    """Fetch and parse `feeds` in worker processes; store each result here as it comes.

    Committed in batches of feeds (_Batch); a failing batch is stored again feed by feed.
    """
    started = time.monotonic()
    since = utcnow()
    summary = PollSummary(feeds=len(feeds))
    if not feeds:
        return summary
    # The workers match with the terms of the cycle's start, as the store does (a term saved
    # meanwhile counts from the next cycle; the store re-matches if the terms differ).
    specs = load_term_specs()
    settings = replace(pool_settings(workers), terms=tuple(specs),
                       terms_digest=terms_digest(specs))
    jobs = jobs_of(feeds)
    by_id = {job.id: job for job in jobs}
    db.session.commit()  # no transaction held open while waiting for the network
    batch = _Batch(summary, specs, progress)
    with _outcomes(jobs, settings, summary) as outcomes:
        for outcome in outcomes:
            store_started = time.monotonic()
            batch.add(by_id[outcome.feed_id], outcome)
            summary.fetch_seconds += outcome.fetch_seconds
            summary.parse_seconds += outcome.parse_seconds
            summary.store_seconds += time.monotonic() - store_started
    store_started = time.monotonic()
    batch.commit()
    summary.store_seconds += time.monotonic() - store_started
    summary.seconds = time.monotonic() - started
    if summary.counts.new_mentions or summary.counts.new_articles:
        run_after_poll(since, summary)
    return summary


def run_after_poll(since: datetime, summary: PollSummary) -> None:
    """Call the AFTER_POLL hooks (crm/registry.py); one failing hook stops neither the others
    nor the poll."""
    for name, hook in registry.AFTER_POLL.items():
        try:
            hook(since, summary)
        except Exception:  # noqa: BLE001 (a hook's trouble must not undo a stored poll)
            db.session.rollback()
            current_app.logger.exception("After-poll hook %s failed", name)


def _unchanged_row(job: FeedJob, outcome: PollOutcome) -> dict:
    now = utcnow()
    return {"id": job.id, "last_polled_at": now, "last_success_at": now,
            "consecutive_failures": 0,
            "next_poll_at": _next_poll(job, now, 0, outcome.retry_after, False)}


def _save_unchanged(rows: list[dict]) -> None:
    """The health of unchanged feeds: an ORM bulk UPDATE by primary key (one executemany)."""
    if rows:
        db.session.execute(update(Feed), rows)


BATCH_FEEDS = 25  # feeds with entries per commit
BATCH_OTHERS = 200  # unchanged or failed feeds per commit


class _Batch:
    """What a poll cycle stored since its last commit, committed in one go: on SQLite a commit
    per feed was a fifth of a cycle (every commit writes the touched index pages again).

    Each feed's new articles are indexed in the StoreContext as soon as they are stored, so
    the batch's later feeds find them. If anything in the batch fails (a store, the commit),
    the transaction is rolled back, the context forgets what it learned, and the batch's
    feeds are stored again one by one, each in its own transaction as before batching, so
    that one feed's trouble costs no other feed its entries or its health. Reports are
    tallied (and progress shown) when their feed is committed.
    """

    def __init__(self, summary: PollSummary, specs: list,
                 progress: Callable[[int, int, FeedReport], None] | None):
        self.summary, self.specs, self.progress = summary, specs, progress
        self.ctx: StoreContext | None = None  # loaded when the first feed brings entries
        self.stored: list[tuple[FeedJob, PollOutcome, FeedReport]] = []
        self.unchanged: list[dict] = []
        self.unchanged_reports: list[FeedReport] = []
        self.with_entries = 0

    def add(self, job: FeedJob, outcome: PollOutcome) -> None:
        if outcome.not_modified and outcome.error is None:
            # The common case: one UPDATE for a batch of them, not one per feed.
            self.unchanged.append(_unchanged_row(job, outcome))
            self.unchanged_reports.append(FeedReport(job.id, job.name, "unchanged"))
        else:
            has_entries = bool(outcome.parsed and outcome.parsed.entries)
            if has_entries and self.ctx is None:
                self.ctx = StoreContext.load(self.specs)
            try:
                report = record_outcome(job, outcome, self.ctx, commit=False)
            except Exception:  # noqa: BLE001 (stored again one by one, errors recorded there)
                current_app.logger.warning("Storing feed %s failed in a batch; storing the "
                                           "batch feed by feed", job.id, exc_info=True)
                self._one_by_one([(job, outcome)])
                return
            if self.ctx is not None:
                self.ctx.committed()  # indexed for the batch's later feeds
            self.stored.append((job, outcome, report))
            self.with_entries += has_entries
        if self.with_entries >= BATCH_FEEDS \
                or len(self.stored) + len(self.unchanged) >= BATCH_OTHERS:
            self.commit()

    def commit(self) -> None:
        try:
            _save_unchanged(self.unchanged)
            db.session.commit()
        except Exception:  # noqa: BLE001 (stored again one by one, errors recorded there)
            current_app.logger.warning("Committing a batch of feeds failed; storing the batch "
                                       "feed by feed", exc_info=True)
            self._one_by_one([])
            return
        self._tally([report for _job, _outcome, report in self.stored] + self.unchanged_reports)

    def _one_by_one(self, more: list[tuple[FeedJob, PollOutcome]]) -> None:
        db.session.rollback()
        if self.ctx is not None:
            self.ctx.forget()
        records = [(job, outcome) for job, outcome, _report in self.stored] + more
        reports = [_record_safely(job, outcome, self.ctx, commit=True)
                   for job, outcome in records]
        try:
            _save_unchanged(self.unchanged)
            db.session.commit()
        except Exception:  # noqa: BLE001 (health only: polled again next time)
            db.session.rollback()
            current_app.logger.exception("Saving the health of unchanged feeds failed")
        self._tally(reports + self.unchanged_reports)

    def _tally(self, reports: list[FeedReport]) -> None:
        self.stored, self.unchanged, self.unchanged_reports = [], [], []
        self.with_entries = 0
        for report in reports:
            _tally(self.summary, report)
            if self.progress:
                self.progress(len(self.summary.reports), self.summary.feeds, report)


class _outcomes:  # noqa: N801 (used as a context manager, like a function)
    """Outcomes as they come: from a FeedPool, or (processes = 0) from threads here."""

    def __init__(self, jobs: list[FeedJob], settings: PoolSettings, summary: PollSummary):
        self.jobs, self.settings, self.summary = jobs, settings, summary
        self._close = None

    def __enter__(self) -> Iterator[PollOutcome]:
        if self.settings.processes:
            pool = FeedPool(self.settings)
            self._close = pool.close
            self.summary.pool = pool.stats
            return pool.run(self.jobs)
        return self._threads()

    def _threads(self) -> Iterator[PollOutcome]:
        limits, n = self.settings.limits, self.settings.threads
        with make_client(limits, max_connections=n) as client, \
                ThreadPoolExecutor(max_workers=n, thread_name_prefix="feed") as pool:
            yield from pool.map(lambda job: fetch_and_parse(job, client, limits), self.jobs)

    def __exit__(self, *exc) -> None:
        if self._close is not None:
            self._close()


def _record_safely(feed: FeedJob, outcome: PollOutcome, ctx: StoreContext | None,
                   commit: bool) -> FeedReport:
    try:
        return record_outcome(feed, outcome, ctx, commit)
    except Exception as exc:  # noqa: BLE001 (one feed's database trouble must not stop a poll)
        db.session.rollback()
        if ctx is not None:
            ctx.rolled_back()
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
    job = job_of(feed)
    db.session.commit()
    since = utcnow()
    outcome = read_feed(job)
    report = record_outcome(job, outcome, StoreContext.load())
    db.session.expire(feed)
    _after_one(since, report)
    return report


def feed_link(feed: Feed) -> str:
    return safe_link(feed.url)
