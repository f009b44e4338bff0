"""The scheduler lease: one process runs the jobs, others stand by; every run is recorded."""

import threading
import time
from datetime import timedelta

import pytest

from crm import scheduler
from crm.extensions import db
from crm.jobs import services
from crm.jobs.models import JobRun

CALLS: list[str] = []


def sample_job():
    CALLS.append("ran")
    return "did 1 thing"


def failing_job():
    raise RuntimeError("SMTP down")


def test_lease_goes_to_one_holder_until_it_expires(app):
    ttl = timedelta(seconds=30)
    assert services.acquire_lease("a", ttl)
    assert not services.acquire_lease("b", ttl)
    assert services.acquire_lease("a", ttl)  # renewal
    services.release_lease("a")
    assert services.acquire_lease("b", ttl)
    assert services.holds_lease("b") and not services.holds_lease("a")


def test_expired_lease_can_be_taken_over(app):
    assert services.acquire_lease("a", timedelta(seconds=-1))
    assert services.acquire_lease("b", timedelta(seconds=30))


def test_run_job_records_success_and_failure(app):
    run = services.run_job("sample", "tests.jobs.test_scheduler:sample_job")
    assert run.ok and str(run.message) == "did 1 thing" and run.finished_at
    run = services.run_job("failing", "tests.jobs.test_scheduler:failing_job")
    assert run.ok is False and "SMTP down" in str(run.message)
    assert set(services.last_runs()) == {"sample", "failing"}


@pytest.fixture
def fast_jobs(monkeypatch):
    CALLS.clear()
    monkeypatch.setattr(scheduler, "JOBS", [scheduler.JobSpec(
        "sample", "tests.jobs.test_scheduler:sample_job", "interval", {"seconds": 1})])


@pytest.mark.slow
def test_two_schedulers_started_at_once_run_each_job_once(app, fast_jobs):
    stop = threading.Event()
    messages: list[str] = []
    threads = [threading.Thread(target=scheduler.run_scheduler,
                                kwargs={"app": app, "stop": stop, "ttl": timedelta(seconds=3),
                                        "echo": messages.append}) for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(3.5)
    stop.set()
    for t in threads:
        t.join(10)
    holders = {run.holder for run in db.session.scalars(db.select(JobRun))}
    assert len([m for m in messages if "holds the lease" in m]) == 1
    assert len(holders) == 1
    assert 2 <= len(CALLS) <= 4


def test_admin_sees_jobs_page(as_admin, fast_jobs):
    services.run_job("sample", "tests.jobs.test_scheduler:sample_job")
    page = as_admin.get("/admin/jobs/").get_data(as_text=True)
    assert "sample" in page and "did 1 thing" in page


def test_editor_cannot_see_jobs_page(as_editor):
    assert as_editor.get("/admin/jobs/").status_code == 403


def test_run_job_command(runner, fast_jobs):
    result = runner.invoke(args=["run-job", "sample"])
    assert result.exit_code == 0 and "did 1 thing" in result.output
    result = runner.invoke(args=["run-job", "nope"])
    assert result.exit_code != 0


def test_next_run_of_interval_and_cron_jobs():
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo
    oslo = ZoneInfo("Europe/Oslo")
    now = datetime(2026, 11, 23, 6, 30, 20, tzinfo=UTC)
    every_minute = scheduler.JobSpec("a", "x:y", "interval", {"minutes": 1})
    assert scheduler.next_run(every_minute, now.replace(second=0), now, oslo) == \
        now.replace(minute=31, second=0)
    daily = scheduler.JobSpec("b", "x:y", "cron", {"hour": 7})
    # 07:00 in Oslo, in winter 06:00 UTC: today's has passed, so tomorrow.
    assert scheduler.next_run(daily, None, now, oslo) == datetime(2026, 11, 24, 6, 0,
                                                                  tzinfo=UTC)


def test_jobs_page_says_whether_a_scheduler_runs(as_admin, fast_jobs):
    page = as_admin.get("/admin/jobs/").get_data(as_text=True)
    assert "No scheduler is running" in page
    services.acquire_lease("host:1:abc", timedelta(seconds=60))
    page = as_admin.get("/admin/jobs/").get_data(as_text=True)
    assert "scheduler running" in page and "host:1:abc" in page


def test_taking_the_lease_closes_runs_a_crashed_scheduler_left_running(app):
    db.session.add_all([
        JobRun(job_id="send-digests", holder="deadhost:1:dead"),   # a crashed scheduler's
        JobRun(job_id="send-digests", holder="cli"),               # `crm run-job`, running
        JobRun(job_id="poll-feeds", holder="me"),                  # this scheduler's own
    ])
    db.session.commit()
    assert services.close_interrupted_runs("me") == 1
    runs = {run.holder: run for run in db.session.scalars(db.select(JobRun))}
    closed = runs["deadhost:1:dead"]
    assert closed.ok is False and closed.finished_at and "Interrupted" in str(closed.message)
    assert runs["cli"].finished_at is None and runs["me"].finished_at is None
    assert services.close_interrupted_runs("me") == 0


def test_scheduler_keeps_going_while_the_database_fails(app, fast_jobs, monkeypatch):
    """acquire_lease raising (the database away) neither ends run_scheduler nor runs jobs
    without the lease; once it answers again the jobs run, in the same call."""
    from sqlalchemy.exc import OperationalError

    real_acquire = services.acquire_lease
    outage = threading.Event()

    def acquire(holder, ttl, name=services.LEASE_NAME):
        if outage.is_set():
            raise OperationalError("SELECT 1", {}, Exception("connection refused"))
        return real_acquire(holder, ttl, name)

    monkeypatch.setattr(services, "acquire_lease", acquire)
    stop, messages = threading.Event(), []
    thread = threading.Thread(target=scheduler.run_scheduler, kwargs={
        "app": app, "stop": stop, "ttl": timedelta(seconds=1.5), "echo": messages.append,
        "retry": (0.1, 0.3)})
    outage.set()
    thread.start()
    time.sleep(1)
    assert thread.is_alive() and not CALLS
    outage.clear()
    time.sleep(1.5)
    assert CALLS, "jobs run once the database is back"
    outage.set()
    time.sleep(2)
    assert thread.is_alive()
    assert any("cannot renew its lease" in m for m in messages)
    calls = len(CALLS)
    time.sleep(1.2)
    assert len(CALLS) == calls, "no jobs run without the lease"
    outage.clear()
    time.sleep(1.5)
    stop.set()
    thread.join(10)
    assert not thread.is_alive() and len(CALLS) > calls
    assert sum("holds the lease" in m for m in messages) == 2
    assert any("reachable again" in m for m in messages)
