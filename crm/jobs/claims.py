"""Claims with a heartbeat: the one mechanism for "this process is doing X, others keep off".

A claim is a row (a digest delivery, a distribution) marked in flight by one process. While the
work goes on, `heartbeat` refreshes a timestamp column of that row from a thread of its own
every `stale_after() / 4`; a claim whose heartbeat is older than `stale_after()`
(CRM_CLAIM_STALE_SECONDS, default 120) belongs to a process that died (kill -9, power cut) and
may be taken over. A live process that is merely slow keeps its claim, however long it takes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError

from crm.extensions import db
from crm.timeutil import utcnow

log = logging.getLogger(__name__)
DEFAULT_STALE_SECONDS = 120


def stale_after() -> timedelta:
    """How long a claim's heartbeat may be silent before the claim counts as abandoned."""
    return timedelta(seconds=float(current_app.config.get("CRM_CLAIM_STALE_SECONDS",
                                                          DEFAULT_STALE_SECONDS)))


@contextmanager
def heartbeat(column, *where, now: datetime | None = None) -> Iterator[None]:
    """Set `column` (e.g. DigestDelivery.heartbeat_at) to the time on the rows matching
    `where`, at once and then every stale_after()/4, until the block ends. The time is `now`
    (the caller's clock: the job's, or a test's) plus the time elapsed since. Runs on a
    connection of its own, so the caller's transaction is never committed by it; a failed beat
    is logged and retried at the next one (the claim only goes stale after several)."""
    start, started = now or utcnow(), time.monotonic()
    every = stale_after().total_seconds() / 4
    engine = db.engine
    statement = update(column.class_).where(*where).execution_options(
        synchronize_session=False)
    stop = threading.Event()

    def beat() -> None:
        try:
            with engine.begin() as connection:
                at = start + timedelta(seconds=time.monotonic() - started)
                connection.execute(statement.values({column: at}))
        except SQLAlchemyError as exc:
            log.warning("Claim heartbeat failed (%s); retrying in %.0f s",
                        type(exc).__name__, every)

    def beat_until_stopped() -> None:
        while not stop.wait(every):
            beat()

    beat()
    thread = threading.Thread(target=beat_until_stopped, name="claim-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(5)  # a beat waiting for a row lock this thread holds finishes on its own
