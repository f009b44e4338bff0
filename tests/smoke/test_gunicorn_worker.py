"""crm/gunicorn_conf.py's SteadySyncWorker in a real gunicorn: a free worker takes the next
connection, a silent connection does not hold a worker, a request longer than --timeout is
not killed, and --threads N still means gthread workers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]
APP = '''
import os, time

def app(environ, start_response):
    seconds = float(environ.get("QUERY_STRING", "").partition("=")[2] or 0)
    time.sleep(seconds)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(os.getpid()).encode()]
'''


@pytest.fixture
def serve(tmp_path):
    """Start gunicorn with crm/gunicorn_conf.py on a tiny WSGI app; yield its address."""
    (tmp_path / "tinyapp.py").write_text(APP)
    started = []

    def start(*options: str) -> tuple[str, Path]:
        port = free_port()
        log = tmp_path / f"gunicorn-{port}.log"
        env = {k: v for k, v in os.environ.items()
               if k not in ("CRM_WEB_WORKERS", "CRM_WEB_THREADS", "GUNICORN_CMD_ARGS")}
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(tmp_path)])
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "tinyapp:app", "-c", "python:crm.gunicorn_conf",
             "--bind", f"127.0.0.1:{port}", "--no-control-socket", "--error-logfile",
             str(log), *options], cwd=tmp_path, env=env, start_new_session=True)
        started.append(process)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(base, timeout=2)
                return base, log
            except httpx.HTTPError:
                time.sleep(0.2)
        raise AssertionError(log.read_text())

    yield start
    for process in started:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.mark.slow
def test_a_busy_worker_takes_no_connection_the_free_one_serves_it(serve):
    base, log = serve("--workers", "2")
    assert "SteadySyncWorker" in log.read_text()
    with ThreadPoolExecutor(1) as pool:
        slow = pool.submit(httpx.get, f"{base}/?s=3", timeout=10)
        time.sleep(0.5)  # the slow request is being served by one worker
        started = time.monotonic()
        quick = [httpx.get(base, timeout=10) for _ in range(5)]
        waited = time.monotonic() - started
        busy = slow.result().text
    assert waited < 2, "the quick requests waited for the busy worker"
    assert busy not in {r.text for r in quick}
    assert all(r.headers["connection"] == "close" for r in quick)


@pytest.mark.slow
def test_a_silent_connection_does_not_hold_the_only_worker(serve):
    base, _log = serve("--workers", "1")
    host, port = base.removeprefix("http://").split(":")
    silent = socket.create_connection((host, int(port)))  # a browser's speculative connection
    try:
        started = time.monotonic()
        assert httpx.get(base, timeout=20).status_code == 200
        assert time.monotonic() - started < 10  # HEAD_SECONDS (5 s) at most, not --timeout
        assert silent.recv(1) == b""  # closed by the worker
    finally:
        silent.close()


@pytest.mark.slow
def test_a_request_longer_than_the_timeout_is_not_killed(serve):
    base, log = serve("--workers", "1", "--timeout", "2")
    response = httpx.get(f"{base}/?s=5", timeout=20)
    assert response.status_code == 200
    assert "WORKER TIMEOUT" not in log.read_text()


@pytest.mark.slow
def test_threads_on_the_command_line_mean_gthread_workers(serve):
    _base, log = serve("--workers", "1", "--threads", "3")
    assert "Using worker: gthread" in log.read_text()
