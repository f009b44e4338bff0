"""Failed logins are limited per account and per address; successful ones never are. With
CRM_RATELIMIT_STORAGE_URI=redis://... two worker processes share the counters."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid

import httpx
import pytest

from crm.extensions import limiter
from tests.factories import make_user
from tests.support import PASSWORD, live_login, login

REDIS_URL = os.environ.get("CRM_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def limited(make_app, users):
    """A test client on an app with the login limits on (memory storage)."""
    app = make_app(RATELIMIT_ENABLED=True, CRM_LOGIN_ACCOUNT_LIMIT="5 per 15 minutes",
                   CRM_LOGIN_ADDRESS_LIMIT="12 per 15 minutes",
                   RATELIMIT_KEY_PREFIX=f"t{uuid.uuid4().hex[:8]}")
    limiter.reset()
    yield app
    limiter.reset()


def test_fifty_successful_logins_from_one_address_in_a_minute(limited):
    with limited.app_context():
        for n in range(5):
            make_user(f"office{n}@example.no", "editor")
    client = limited.test_client()
    codes = []
    for n in range(50):
        codes.append(login(client, f"office{n % 5}@example.no").status_code)
        client.post("/logout")
    assert codes == [302] * 50


def test_failures_lock_the_account_with_a_clear_message(limited):
    client = limited.test_client()
    codes = [login(client, "editor@example.no", "wrong guess").status_code for _ in range(5)]
    assert codes == [200] * 5
    response = login(client, "editor@example.no")  # even the right password, for a while
    assert response.status_code == 429
    assert "locked for 15 minutes" in response.get_data(as_text=True)
    # Other accounts from the same address still log in.
    assert login(client, "viewer@example.no").status_code == 302


def test_a_right_password_clears_the_accounts_failures(limited):
    client = limited.test_client()
    for _ in range(4):
        login(client, "editor@example.no", "wrong guess")
    assert login(client, "editor@example.no").status_code == 302
    client.post("/logout")
    for _ in range(4):
        assert login(client, "editor@example.no", "wrong guess").status_code == 200
    assert login(client, "editor@example.no").status_code == 302


def test_failures_from_one_address_over_many_accounts(limited):
    client = limited.test_client()
    codes = [login(client, f"guess{n}@example.no", "wrong guess").status_code
             for n in range(12)]
    assert codes == [200] * 12
    response = login(client, "viewer@example.no")
    assert response.status_code == 429
    assert "network address" in response.get_data(as_text=True)


def test_limits_off_when_disabled(client, users):
    assert all(login(client, "editor@example.no", "wrong guess").status_code == 200
               for _ in range(30))


# Two worker processes sharing Redis ----------------------------------------------------------

def _redis_up() -> bool:
    try:
        import redis
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001 - any failure means: no Redis to test against
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SERVE = """
import sys
from werkzeug.serving import make_server
from crm import create_app
app = create_app({"CRM_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                  "RATELIMIT_KEY_PREFIX": sys.argv[2]})
make_server("127.0.0.1", int(sys.argv[1]), app, threaded=True).serve_forever()
"""


def _start_worker(env, port, prefix, log):
    process = subprocess.Popen([sys.executable, "-c", SERVE, str(port), prefix], env=env,
                               stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 120  # a busy CI machine may take its time importing
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.flush()
            raise AssertionError(open(log.name, encoding="utf-8", errors="replace").read())
        try:
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
            return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    process.wait(10)
    raise AssertionError("the worker did not start")


@pytest.mark.slow
@pytest.mark.skipif(not _redis_up(), reason="no Redis at CRM_TEST_REDIS_URL")
def test_the_account_limit_holds_across_two_workers_sharing_redis(app, users, database_url,
                                                                  tmp_path):
    prefix = f"crmtest{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "CRM_DATABASE_URL": database_url, "CRM_SECRET_KEY": "two-workers",
           "CRM_RATELIMIT_STORAGE_URI": REDIS_URL, "CRM_RATELIMIT_ENABLED": "1",
           "CRM_LOGIN_ACCOUNT_LIMIT": "4 per 15 minutes",
           "CRM_LOGIN_ADDRESS_LIMIT": "100 per 15 minutes", "CRM_DEFAULT_LANGUAGE": "en"}
    workers, clients = [], []
    log = open(tmp_path / "workers.log", "w")  # noqa: SIM115 - closed in finally
    try:
        ports = [_free_port(), _free_port()]
        for port in ports:
            workers.append(_start_worker(env, port, prefix, log))
        clients = [httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
                   for port in ports]
        # Two failures on each worker: four in all, the limit, though each saw only two.
        codes = [live_login(clients[n % 2], "editor@example.no", "wrong guess").status_code
                 for n in range(4)]
        assert codes == [200] * 4
        for client in clients:
            response = live_login(client, "editor@example.no", PASSWORD)
            assert response.status_code == 429, "the limit is shared between the workers"
            assert "locked" in response.text
        # Other accounts are not affected.
        assert live_login(clients[0], "viewer@example.no").status_code == 302
    finally:
        for client in clients:
            client.close()
        for worker in workers:
            worker.terminate()
            worker.wait(10)
        log.close()
        import redis
        connection = redis.Redis.from_url(REDIS_URL)
        for key in connection.scan_iter(f"*{prefix}*"):
            connection.delete(key)
