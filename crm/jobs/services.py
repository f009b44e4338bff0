"""The scheduler lease (at most one process runs the jobs) and job-run bookkeeping."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import timedelta
from importlib import import_module

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError

from crm.errors import JobFailure
from crm.extensions import db
from crm.jobs.models import JobRun, SchedulerLease
from crm.messages import Message, literal, msg
from crm.timeutil import utcnow

LEASE_NAME = "scheduler"
log = logging.getLogger(__name__)


def new_holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire_lease(holder: str, ttl: timedelta, name: str = LEASE_NAME) -> bool:
    """Take or renew the lease; True if `holder` holds it until now + ttl.

    Atomic on SQLite and PostgreSQL: a conditional UPDATE, or an INSERT guarded by the
    primary key when no row exists yet.
    """
    now = utcnow()
    result = db.session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == name,
               or_(SchedulerLease.holder == holder, SchedulerLease.expires_at < now))
        .values(holder=holder, expires_at=now + ttl))
    if result.rowcount == 1:
        db.session.commit()
        return True
    db.session.rollback()
    if db.session.get(SchedulerLease, name) is not None:
        return False
    try:
        db.session.add(SchedulerLease(name=name, holder=holder, expires_at=now + ttl))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def release_lease(holder: str, name: str = LEASE_NAME) -> None:
    db.session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == name, SchedulerLease.holder == holder)
        .values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def holds_lease(holder: str, name: str = LEASE_NAME) -> bool:
    lease = db.session.get(SchedulerLease, name)
    db.session.rollback()
    return lease is not None and lease.holder == holder and lease.expires_at > utcnow()


# Holders of runs started outside the scheduler (`crm run-job`, tests): never closed by one.
NOT_SCHEDULER_HOLDERS = ("", "cli")


def close_interrupted_runs(holder: str) -> int:
    """Close as failed every run a scheduler other than `holder` left "running" (it crashed,
    or lost the database, before recording the end). Called by a scheduler that has just taken
    the lease: no other scheduler runs jobs now, so such a run will never end by itself."""
    result = db.session.execute(
        update(JobRun)
        .where(JobRun.finished_at.is_(None), JobRun.holder != holder,
               JobRun.holder.not_in(NOT_SCHEDULER_HOLDERS))
        .values(ok=False, finished_at=utcnow(),
                message=msg("Interrupted: the scheduler running it stopped (a crash, a restart "
                            "or a lost database) before the job finished."))
        .execution_options(synchronize_session=False))
    db.session.commit()
    if result.rowcount:
        log.warning("Closed %d interrupted job run(s) as failed", result.rowcount)
    return result.rowcount


def resolve(path: str):
    """'package.module:function' -> the function."""
    module, _, attr = path.partition(":")
    return getattr(import_module(module), attr)


def job_message(result) -> Message:
    """What a job returned, as a Message: a job returns None, a Message, or a result object
    with a `message()` method (RunResult, PollSummary), so the jobs page can show it in the
    reader's language."""
    if result is None:
        return Message("")
    if isinstance(result, Message):
        return result
    if callable(getattr(result, "message", None)):
        return result.message()
    return literal(str(result)[:20000])


def run_job(job_id: str, func_path: str, holder: str = "") -> JobRun:
    """Run one job function now and record how it ended; never raises."""
    run = JobRun(job_id=job_id, started_at=utcnow(), holder=holder)
    db.session.add(run)
    db.session.commit()
    run_id = run.id
    try:
        result = resolve(func_path)()
        ok = True
        message = job_message(result)
    except Exception as exc:  # a job's failure is recorded, never kills the scheduler
        db.session.rollback()
        log.exception("Job %s failed", job_id)
        ok = False
        # The traceback goes to the log; the jobs page says what failed, in the reader's
        # language.
        error = exc.msg if isinstance(exc, JobFailure) else f"{type(exc).__name__}: {exc}"[:1000]
        message = msg("The job stopped with an error: %(error)s", error=error)
    run = db.session.get(JobRun, run_id)
    run.ok, run.message, run.finished_at = ok, message, utcnow()
    db.session.commit()
    return run


def last_runs() -> dict[str, JobRun]:
    """The latest run of every job id."""
    latest = db.select(JobRun.job_id, db.func.max(JobRun.id).label("id")).group_by(
        JobRun.job_id).subquery()
    rows = db.session.scalars(db.select(JobRun).join(latest, JobRun.id == latest.c.id))
    return {run.job_id: run for run in rows}


def last_failures(limit: int = 5) -> dict[str, list[JobRun]]:
    """Job id -> its `limit` latest failed runs, newest first, for every job in one query."""
    rank = db.func.row_number().over(partition_by=JobRun.job_id,
                                     order_by=JobRun.id.desc()).label("rank")
    ranked = db.select(JobRun.id, rank).where(JobRun.ok.is_(False)).subquery()
    failures: dict[str, list[JobRun]] = {}
    for run in db.session.scalars(
            db.select(JobRun).join(ranked, JobRun.id == ranked.c.id)
            .where(ranked.c.rank <= limit).order_by(JobRun.job_id, JobRun.id.desc())):
        failures.setdefault(run.job_id, []).append(run)
    return failures


def current_lease(name: str = LEASE_NAME) -> SchedulerLease | None:
    """The live lease (a scheduler is running), or None."""
    lease = db.session.get(SchedulerLease, name)
    if lease is None or lease.expires_at <= utcnow():
        return None
    return lease
