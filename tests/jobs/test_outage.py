"""`crm scheduler` as a real process through a database outage of 60 s (a TCP proxy in front of
PostgreSQL cuts and refuses every connection): it never exits, and the jobs run again afterwards
without a restart. The run a crashed scheduler left "running" is closed when it takes the lease.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from crm import create_app
from crm.extensions import db
from tests.proxy import FlakyProxy
from tests.support import BASE_TEST_CONFIG, PG_URL, throwaway_postgres_database

ROOT = Path(__file__).resolve().parents[2]
OUTAGE_SECONDS = 60

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL: set CRM_TEST_DATABASE_URL"),
]


def _count_runs(engine, since: float | None = None) -> int:
    with engine.connect() as conn:
        if since is None:
            return conn.scalar(text("SELECT count(*) FROM job_run WHERE holder <> 'dead:1:x'"))
        return conn.scalar(text(
            "SELECT count(*) FROM job_run WHERE started_at > to_timestamp(:t)"), {"t": since})


def _wait(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}")


def test_scheduler_survives_a_database_outage_of_a_minute(tmp_path):
    with throwaway_postgres_database("crm_outage") as url:
        app = create_app({**BASE_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            db.create_all()
            db.engine.dispose()
        direct = create_engine(url)
        with direct.begin() as conn:  # a run a crashed scheduler never finished
            conn.execute(text("INSERT INTO job_run (job_id, started_at, message, holder) "
                              "VALUES ('poll-feeds', now(), '', 'dead:1:x')"))
        parsed = make_url(url)
        proxy = FlakyProxy((parsed.host or "127.0.0.1", parsed.port or 5432))
        proxied = parsed.set(host="127.0.0.1", port=proxy.port).render_as_string(
            hide_password=False)
        env = {**os.environ, "CRM_DATABASE_URL": proxied, "CRM_SECRET_KEY": "x" * 32,
               "CRM_SMTP_URL": "smtp://127.0.0.1:1?timeout=2", "CRM_DEFAULT_LANGUAGE": "en",
               "PYTHONUNBUFFERED": "1"}
        log = (tmp_path / "scheduler.log").open("w+")
        process = subprocess.Popen([str(Path(sys.executable).with_name("crm")), "scheduler"], cwd=ROOT,
                                   env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait(lambda: _count_runs(direct) >= 3, 60, "the first job runs")
            with direct.connect() as conn:
                interrupted = conn.execute(text(
                    "SELECT ok, finished_at, message FROM job_run WHERE holder = 'dead:1:x'")
                ).one()
            assert interrupted.ok is False and interrupted.finished_at is not None
            assert "Interrupted" in interrupted.message

            proxy.outage()
            time.sleep(OUTAGE_SECONDS)
            assert process.poll() is None, "the scheduler exited during the outage"
            assert proxy.refused > 0, "the scheduler kept trying to reach its database"
            proxy.restore()
            back = time.time()
            _wait(lambda: _count_runs(direct, since=back) >= 3, 90,
                  "jobs running again after the outage")
            assert process.poll() is None
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
            proxy.close()
            direct.dispose()
            log.seek(0)
            output = log.read()
            log.close()
        assert process.returncode == 0, output
        assert "Database unreachable" in output and "reachable again" in output, output
        assert "Scheduler stopped." in output
