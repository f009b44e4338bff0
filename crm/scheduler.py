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
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from flask_babel import lazy_gettext as _l

from crm.extensions import db
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
    JobSpec("send-releases", "crm.releases.distribution:send_due_distributions", "interval",
            {"minutes": 1}, _l("Send press releases whose time and embargo have come")),
    JobSpec("poll-feeds", "crm.monitoring.services:poll_due_feeds", "interval", {"minutes": 1},
            _l("Poll the news feeds that are due")),
    JobSpec("retention-report", "crm.privacy.retention:retention_check", "cron",
            {"hour": 6, "minute": 30},
            _l("Count contacts past the retention period (CRM_RETENTION_MONTHS)")),
]

LEASE_TTL = timedelta(seconds=60)


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
            if not services.holds_lease(holder):
                log.warning("Skipping %s: this process no longer holds the lease", spec.id)
                return
            run = services.run_job(spec.id, spec.func, holder)
            log.info("%s %s", spec.id, "ok" if run.ok else "FAILED")
            db.session.remove()
    return run


def run_scheduler(app: Flask, stop: threading.Event | None = None,
                  ttl: timedelta = LEASE_TTL, echo=print) -> None:
    """Wait for the lease, run the jobs while holding it, and give up on losing it."""
    stop = stop or threading.Event()
    holder = services.new_holder_id()
    renew_every = ttl.total_seconds() / 3
    scheduler = None
    try:
        while not stop.is_set():
            with app.app_context():
                held = services.acquire_lease(holder, ttl)
                db.session.remove()
            if held and scheduler is None:
                echo(f"Scheduler {holder} holds the lease; running {len(JOBS)} jobs.")
                scheduler = build_scheduler(app, holder)
                scheduler.start()
            elif not held and scheduler is not None:
                echo(f"Scheduler {holder} lost the lease; standing by.")
                scheduler.shutdown(wait=False)
                scheduler = None
            elif not held:
                log.debug("Another scheduler holds the lease; standing by.")
            stop.wait(renew_every)
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=True)
        with app.app_context():
            services.release_lease(holder)
            db.session.remove()
