"""ONE list of periodic jobs, and the scheduler process that runs them.

Never started by create_app: `crm scheduler` runs it in its own process (./scripts/run starts
one beside the web server). Several may be started (one per host, or by accident); a lease in
the database lets exactly one of them run the jobs while the others wait as standbys.
Each job is a plain service function of a domain listed in crm/domains.py (tests/test_domains.py
checks), also reachable from its own CLI command.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from crm.extensions import db
from crm.i18n import lazy_gettext as _l
from crm.jobs import services

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobSpec:
    id: str
    func: str  # "module:function", called without arguments inside an app context
    trigger: str  # "interval" or "cron" (APScheduler trigger names)
    schedule: dict = field(default_factory=dict)  # e.g. {"minutes": 1} or {"hour": 7}
    description: object = ""  # a lazy_gettext string: shown in the reader's language


JOBS: list[JobSpec] = [
    JobSpec("send-digests", "crm.digest.services:send_due_digests", "interval", {"minutes": 1},
            _l("Send every morning digest that is due (once per user and day)")),
    JobSpec("send-weekly-reports", "crm.digest.weekly:send_due_reports", "interval",
            {"minutes": 1},
            _l("Send the weekly coverage report on Monday morning (once per subscriber and "
               "week)")),
    JobSpec("send-releases", "crm.releases.distribution:send_due_distributions", "interval",
            {"minutes": 1}, _l("Send press releases whose time and embargo have come")),
    JobSpec("process-bounces", "crm.bounces.services:process_bounces", "interval",
            {"minutes": 5}, _l("Read the bounce mailbox and mark undeliverable addresses")),
    JobSpec("poll-feeds", "crm.monitoring.services:poll_due_feeds", "interval", {"minutes": 1},
            _l("Poll the news feeds that are due")),
    JobSpec("alerts", "crm.alerts.services:scheduled_check", "interval", {"minutes": 1},
            _l("Check the spike and first-mention alerts; send and retry their emails")),
    JobSpec("retention-report", "crm.privacy.retention:retention_check", "cron",
            {"hour": 6, "minute": 30},
            _l("Count contacts past the retention period (CRM_RETENTION_MONTHS)")),
]

LEASE_TTL = timedelta(seconds=60)
# How long the scheduler waits before trying the database again after a failure: doubling from
# the first to the last, so an outage of minutes is neither hammered nor waited out for long.
RETRY_FIRST, RETRY_MAX = 1.0, 15.0


def next_run(spec: JobSpec, last_started: datetime | None, now: datetime,
             zone: ZoneInfo) -> datetime | None:
    """When the job runs next, as the scheduler computes it (interval jobs count from their
    last run; a job never run runs within one interval of the scheduler starting)."""
    if spec.trigger == "interval":
        trigger = IntervalTrigger(timezone=zone, start_date=last_started or now, **spec.schedule)
    else:
        trigger = CronTrigger(timezone=zone, **spec.schedule)
    return trigger.get_next_fire_time(None, now)


def build_scheduler(app: Flask, holder: str) -> BackgroundScheduler:
    """An APScheduler in the configured zone with every job of JOBS, each run in app context."""
    scheduler = BackgroundScheduler(
        timezone=ZoneInfo(app.config["CRM_TIMEZONE"]),
        # A job that starts late still runs (once), instead of being skipped silently.
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600})
    zone = ZoneInfo(app.config["CRM_TIMEZONE"])
    for spec in JOBS:
        # Interval jobs run at once when a scheduler takes over, so whatever came due while
        # none was running (a digest at 07:00, an embargo) goes out now, not an interval later.
        first = {"next_run_time": datetime.now(zone)} if spec.trigger == "interval" else {}
        scheduler.add_job(_job_runner(app, spec, holder), spec.trigger, id=spec.id,
                          name=str(spec.description or spec.id), **first, **spec.schedule)
    return scheduler


def _job_runner(app: Flask, spec: JobSpec, holder: str):
    def run():
        with app.app_context():
            try:
                if not services.holds_lease(holder):
                    log.warning("Skipping %s: this process no longer holds the lease", spec.id)
                    return
                run = services.run_job(spec.id, spec.func, holder)
                log.info("%s %s", spec.id, "ok" if run.ok else "FAILED")
            except SQLAlchemyError as exc:
                # The database went away under the job (run_job could not even record it):
                # the lease loop notices too, and the job runs again once it is back.
                log.warning("%s not run: the database is unreachable (%s)", spec.id,
                            type(exc).__name__)
            finally:
                db.session.remove()
    return run


class _Lease:
    """The lease as this process sees it: renewed while the database answers, given up when
    it has gone unrenewed for most of its time to live (another scheduler may take it once it
    expires, so this one must have stopped its jobs by then)."""

    def __init__(self, app: Flask, holder: str, ttl: timedelta):
        self.app, self.holder, self.ttl = app, holder, ttl
        self.renewed_at: float | None = None  # time.monotonic() of the last renewal

    def renew(self) -> bool:
        """True if this process holds the lease; raises SQLAlchemyError if the database is
        unreachable."""
        with self.app.app_context():
            try:
                held = services.acquire_lease(self.holder, self.ttl)
            finally:
                _discard_session()
        self.renewed_at = time.monotonic() if held else None
        return held

    def surely_lost(self) -> bool:
        """Unrenewed for 2/3 of its time to live: stop running jobs now."""
        return self.renewed_at is None or (
            time.monotonic() - self.renewed_at > self.ttl.total_seconds() * 2 / 3)

    def close_interrupted_runs(self) -> int:
        with self.app.app_context():
            try:
                return services.close_interrupted_runs(self.holder)
            finally:
                _discard_session()

    def release(self) -> None:
        with self.app.app_context():
            try:
                services.release_lease(self.holder)
            except SQLAlchemyError as exc:  # it expires on its own
                log.warning("Could not release the lease (%s); it expires within %s",
                            type(exc).__name__, self.ttl)
            finally:
                _discard_session()


def _discard_session() -> None:
    """Drop the session, and with it a connection that may be broken, never raising."""
    try:
        db.session.remove()
    except SQLAlchemyError:  # pragma: no cover - closing a dead connection
        log.debug("Discarding a broken session", exc_info=True)


def run_scheduler(app: Flask, stop: threading.Event | None = None,
                  ttl: timedelta = LEASE_TTL, echo=print,
                  retry: tuple[float, float] = (RETRY_FIRST, RETRY_MAX)) -> None:
    """Wait for the lease, run the jobs while holding it, and give up on losing it.

    Never returns on its own (only when `stop` is set): when the database is unreachable it
    logs, retries with backoff, stops the jobs before its lease can expire, and takes the
    lease again when the database is back. On taking the lease it closes the job runs a
    crashed scheduler left "running".
    """
    stop = stop or threading.Event()
    holder = services.new_holder_id()
    renew_every = ttl.total_seconds() / 3
    lease = _Lease(app, holder, ttl)
    scheduler = None
    delay = None  # seconds until the next try while the database fails, else None

    def stop_jobs(why: str) -> None:
        nonlocal scheduler
        if scheduler is not None:
            echo(f"Scheduler {holder} {why}; standing by.")
            scheduler.shutdown(wait=False)
            scheduler = None

    try:
        while not stop.is_set():
            try:
                held = lease.renew()
            except SQLAlchemyError as exc:
                delay = retry[0] if delay is None else min(delay * 2, retry[1])
                log.warning("Database unreachable (%s: %s); retrying in %.0f s",
                            type(exc).__name__, str(exc).splitlines()[0][:200], delay)
                if scheduler is not None and lease.surely_lost():
                    stop_jobs("cannot renew its lease (database unreachable)")
                stop.wait(delay)
                continue
            if delay is not None:
                echo(f"Scheduler {holder}: the database is reachable again.")
                delay = None
            if held and scheduler is None:
                try:
                    closed = lease.close_interrupted_runs()
                except SQLAlchemyError:
                    continue  # the database went away again: the loop above handles it
                echo(f"Scheduler {holder} holds the lease; running {len(JOBS)} jobs"
                     + (f" ({closed} interrupted run(s) closed as failed)." if closed else "."))
                scheduler = build_scheduler(app, holder)
                scheduler.start()
            elif not held and scheduler is not None:
                stop_jobs("lost the lease")
            elif not held:
                log.debug("Another scheduler holds the lease; standing by.")
            stop.wait(renew_every)
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=True)
        lease.release()
