"""Feed checks asked for from the web ("Add feed", "Poll now"), run outside the request.

The request only records the wish (`Feed.check_requested_at`) and hands the feed's id to a
small bounded pool of threads in the web process; it returns at once. A pool thread runs the
same service as the poller (`services.poll_one`) in an app context and a database session of
its own, then stores what it found (`check_result`, shown on the feed page in the reader's
language) and clears the wish. The feed page shows "checking…" meanwhile and a small script
(crm/static/feed-status.js) asks `feed_status` until the check is done, then reloads.

Why threads in the web process rather than the scheduler process: the result appears within
the fetch's own time (no pick-up interval), it works the same under `./scripts/run`, gunicorn
and the tests' servers, and the work is bounded: at most MAX_WORKERS checks run per web process
and at most MAX_QUEUED wait; beyond that the feed is only marked due, so the scheduler's next
poll reads it. A check can never stay "checking…" for ever: the fetch has one hard deadline
(CRM_FEED_DEADLINE), a wish is recorded only when a pool thread took it, and a wish older than
the deadline plus STALE_MARGIN (a web process that died, say) is shown as a check that did not
finish.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import update

from crm.extensions import db
from crm.messages import Message, joined, msg
from crm.monitoring.models import Feed
from crm.timeutil import utcnow

log = logging.getLogger("crm.monitoring.checks")

MAX_WORKERS = 2
MAX_QUEUED = 20
STALE_MARGIN = timedelta(seconds=60)

_lock = threading.Condition()
_executor: ThreadPoolExecutor | None = None
_pending = 0  # submitted and not finished


def request_check(feed: Feed) -> bool:
    """Ask for `feed` to be read now, outside this request. False if the pool is full (the
    feed is then due for the scheduler's next poll instead)."""
    global _executor, _pending
    now = utcnow()
    with _lock:
        accepted = _pending < MAX_WORKERS + MAX_QUEUED
        if accepted:
            _pending += 1
    # Refused: no wish recorded (nothing would answer it), only due for the next poll.
    values: dict = {"check_requested_at": now} if accepted else {"next_poll_at": now}
    db.session.execute(update(Feed).where(Feed.id == feed.id).values(**values)
                       .execution_options(synchronize_session=False))
    db.session.commit()
    db.session.expire(feed)
    if accepted:
        with _lock:
            if _executor is None:
                _executor = ThreadPoolExecutor(max_workers=MAX_WORKERS,
                                               thread_name_prefix="feed-check")
            executor = _executor
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        executor.submit(_run, app, feed.id, now)
    else:
        log.warning("Feed check pool full; feed %s left for the next poll", feed.id)
    return accepted


def _run(app: Flask, feed_id: int, requested_at: datetime) -> None:
    global _pending
    try:
        with app.app_context():
            try:
                _check(feed_id, requested_at)
            finally:
                db.session.remove()
    except Exception:  # noqa: BLE001 (a background thread has no one else to tell)
        log.exception("Checking feed %s failed", feed_id)
    finally:
        with _lock:
            _pending -= 1
            _lock.notify_all()


def _check(feed_id: int, requested_at: datetime) -> None:
    from crm.monitoring import services

    feed = db.session.get(Feed, feed_id)
    if feed is None:  # deleted meanwhile
        return
    try:
        report = services.poll_one(feed)
        result = report_message(report)
    except Exception:  # noqa: BLE001 (the feed page must not wait for ever)
        db.session.rollback()
        log.exception("Checking feed %s failed", feed_id)
        result = msg("The check failed unexpectedly; the feed will be read again at the next "
                     "poll.")
    feed = db.session.get(Feed, feed_id)
    if feed is None:
        return
    values: dict = {"check_finished_at": utcnow(), "check_result": result}
    if feed.name == feed.url[:200] and feed.feed_title:  # added without a name
        values["name"] = feed.feed_title[:200]
    db.session.execute(update(Feed).where(Feed.id == feed_id).values(**values)
                       .execution_options(synchronize_session=False))
    # Only this request's wish is cleared: a newer one is still to be answered.
    db.session.execute(update(Feed).where(Feed.id == feed_id,
                                          Feed.check_requested_at == requested_at)
                       .values(check_requested_at=None)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def report_message(report) -> Message:
    """What a check found, for the feed page (a services.FeedReport)."""
    counts = report.counts
    found = msg("Entries found: %(entries)d. New articles: %(articles)d. New mentions: "
                "%(mentions)d.", entries=counts.entries, articles=counts.new_articles,
                mentions=counts.new_mentions)
    if report.state == "error":
        error = msg("The feed was read with an error: %(error)s", error=report.error)
        return joined([error, found]) if counts.entries else error
    if report.state == "unchanged":
        return msg("The feed has not changed since the last poll.")
    return joined([found, *report.warnings[:3]])


def check_state(feed: Feed, now: datetime | None = None) -> str:
    """"checking", "unfinished" (asked for long ago, never answered) or "" (nothing pending)."""
    requested = feed.check_requested_at
    if requested is None:
        return ""
    deadline = timedelta(seconds=float(current_app.config.get("CRM_FEED_DEADLINE", 60)))
    if (now or utcnow()) - requested > deadline + STALE_MARGIN:
        return "unfinished"
    return "checking"


def wait_idle(timeout: float = 30.0) -> bool:
    """Wait until no check is running or waiting (tests, and a clean shutdown)."""
    with _lock:
        return _lock.wait_for(lambda: _pending == 0, timeout=timeout)
