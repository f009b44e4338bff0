"""./scripts/run as an operator starts it: gunicorn and the scheduler on a fresh database,
/healthz answering through gunicorn, and Ctrl-C stopping both (the lease released)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]


def _health(base: str) -> dict | None:
    try:
        response = httpx.get(f"{base}/healthz", timeout=5)
    except httpx.HTTPError:
        return None
    return response.json() if response.status_code == 200 else None


@pytest.mark.slow
def test_scripts_run_serves_healthz_through_gunicorn_with_the_scheduler(tmp_path):
    database = tmp_path / "run.sqlite3"
    port = free_port()
    env = {**os.environ, "CRM_DATABASE_URL": f"sqlite:///{database}", "CRM_PORT": str(port),
           "CRM_SECRET_KEY": "x" * 32, "CRM_SMTP_URL": "smtp://127.0.0.1:1?timeout=2",
           "CRM_WEB_WORKERS": "2"}
    log = (tmp_path / "run.log").open("w+")
    # Its own process group, as in a terminal: Ctrl-C reaches the script and gunicorn.
    process = subprocess.Popen([str(ROOT / "scripts" / "run")], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        report = None
        while time.monotonic() < deadline and process.poll() is None:
            report = _health(base)
            if report and report["scheduler"] == "ok":
                break
            time.sleep(1)
        assert report and report["database"] == "ok" and report["scheduler"] == "ok", report
        response = httpx.get(f"{base}/healthz")
        assert response.headers["content-type"] == "application/json"
        assert "gunicorn" in response.headers.get("server", "")
        assert "set-cookie" not in response.headers
        assert httpx.get(f"{base}/contacts").status_code == 302  # the rest wants a login
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)  # Ctrl-C
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.seek(0)
        output = log.read()
        log.close()
    assert "Serving on" in output and "Scheduler stopped." in output, output
    assert _health(base) is None, "the web server stopped"
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as conn:  # the scheduler gave its lease up on the way out
        expires = conn.scalar(text("SELECT expires_at FROM scheduler_lease"))
    engine.dispose()
    assert datetime.fromisoformat(str(expires)).replace(tzinfo=UTC) < datetime.now(UTC)


def test_the_worker_hook_freezes_the_loaded_app_and_raises_the_gc_threshold():
    """crm/gunicorn_conf.py, which ./scripts/run passes to gunicorn: run in a fresh
    interpreter that has loaded the app, as a worker would be."""
    import subprocess
    import sys
    code = ("import gc; from crm import create_app; from crm import gunicorn_conf; "
            "create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'SECRET_KEY': 'x'}); "
            "gunicorn_conf.post_worker_init(None); "
            "print(gc.get_threshold(), gc.get_freeze_count() > 10000)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout.strip()
    assert out == "(50000, 20, 50) True"


@pytest.mark.parametrize("env, expected", [
    ({}, None),  # two workers per core this process may use, each one request at a time
    ({"CRM_WEB_WORKERS": "3", "CRM_WEB_THREADS": "6"}, "3 6 gthread"),
    ({"CRM_WEB_WORKERS": "5"}, "5 1 crm.gunicorn_conf.SteadySyncWorker"),
])
def test_gunicorn_workers_and_threads_come_from_the_environment_or_the_cores(env, expected):
    import os
    import subprocess
    import sys
    code = ("from crm import gunicorn_conf as c; "
            "print(c.workers, c.threads, c.worker_class)")
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("CRM_WEB_WORKERS", "CRM_WEB_THREADS")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60, env={**environment, **env}).stdout.strip()
    assert out == (expected or f"{2 * len(os.sched_getaffinity(0))} 1 "
                               "crm.gunicorn_conf.SteadySyncWorker")
