"""Sessions that end: logout, a new password, deactivation and "log out everywhere" end every
session and remember cookie of the user at once, checked by replaying captured cookies against
a real HTTP server; cookie attributes; idle and absolute timeouts on a controllable clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx
import pytest

from crm import timeutil
from crm.auth.models import User
from crm.extensions import db
from tests.support import BASE_TEST_CONFIG, PASSWORD, csrf_token_in, live_login, live_server, login

NEW_PASSWORD = "plum orchard lantern"


@pytest.fixture
def live(make_app, users):
    """(base URL, make_client) for Pressdesk served for real, CSRF on, on the test database."""
    app = make_app(WTF_CSRF_ENABLED=True, TESTING=False, SERVER_NAME=None)
    clients = []
    with live_server(app) as base:
        def make_client(cookies=None):
            client = httpx.Client(base_url=base, timeout=30, follow_redirects=False,
                                  cookies=cookies)
            clients.append(client)
            return client
        yield base, make_client
    for client in clients:
        client.close()


def _logged_in(make_client, email, password=PASSWORD):
    client = make_client()
    response = live_login(client, email, password, remember=True)
    assert response.status_code == 302, response.text
    assert {"session", "remember_token"} <= set(client.cookies.keys())
    return client


def _captured(client) -> dict[str, dict[str, str]]:
    """Each cookie alone, to replay: the session cookie, and the remember cookie alone."""
    return {name: {name: client.cookies[name]} for name in ("session", "remember_token")}


def _gets_login_page(make_client, cookies) -> bool:
    response = make_client(cookies).get("/contacts")
    return response.status_code == 302 and "/login" in response.headers["Location"]


def _post(client, page, url, data=None):
    token = csrf_token_in(client.get(page).text)
    return client.post(url, data={"csrf_token": token, **(data or {})})


def _assert_replays_fail(make_client, captured):
    for name, cookies in captured.items():
        assert _gets_login_page(make_client, cookies), f"the old {name} cookie still works"


def test_captured_cookies_work_before_any_event(live):
    _base, make_client = live
    captured = _captured(_logged_in(make_client, "editor@example.no"))
    for cookies in captured.values():
        assert make_client(cookies).get("/contacts").status_code == 200


def test_logout_ends_every_session_of_the_user(live):
    _base, make_client = live
    here = _logged_in(make_client, "editor@example.no")
    elsewhere = _logged_in(make_client, "editor@example.no")
    captured = _captured(here)
    assert _post(here, "/contacts", "/logout").status_code == 302
    _assert_replays_fail(make_client, captured)
    _assert_replays_fail(make_client, _captured(elsewhere))


def test_password_change_ends_other_sessions_but_not_this_one(live):
    _base, make_client = live
    other = _logged_in(make_client, "editor@example.no")
    captured = _captured(other)
    here = _logged_in(make_client, "editor@example.no")
    response = _post(here, "/settings", "/settings", {
        "p-current": PASSWORD, "p-new": NEW_PASSWORD, "p-confirm": NEW_PASSWORD})
    assert response.status_code == 302
    _assert_replays_fail(make_client, captured)
    assert here.get("/contacts").status_code == 200


def test_deactivation_ends_every_session(live, users):
    _base, make_client = live
    captured = _captured(_logged_in(make_client, "editor@example.no"))
    admin = _logged_in(make_client, "admin@example.no")
    editor = users["editor"]
    response = _post(admin, f"/admin/users/{editor.id}", f"/admin/users/{editor.id}", {
        "email": editor.email, "name": "E", "role": "editor", "language": "en"})
    assert response.status_code == 302
    _assert_replays_fail(make_client, captured)


def test_admin_logs_a_user_out_everywhere(live, users):
    _base, make_client = live
    captured = _captured(_logged_in(make_client, "editor@example.no"))
    admin = _logged_in(make_client, "admin@example.no")
    response = _post(admin, "/admin/users", f"/admin/users/{users['editor'].id}/sign-out")
    assert response.status_code == 302
    _assert_replays_fail(make_client, captured)
    assert admin.get("/contacts").status_code == 200


def test_logging_oneself_out_everywhere(live):
    _base, make_client = live
    elsewhere = _captured(_logged_in(make_client, "viewer@example.no"))
    here = _logged_in(make_client, "viewer@example.no")
    captured = _captured(here)
    response = _post(here, "/settings", "/settings", {"o-current": PASSWORD})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    _assert_replays_fail(make_client, captured)
    _assert_replays_fail(make_client, elsewhere)


def test_remember_cookie_attributes_and_a_new_value_per_login(live):
    _base, make_client = live
    values = []
    for _ in range(2):
        client = make_client()
        response = live_login(client, "editor@example.no", remember=True)
        set_cookies = response.headers.get_list("set-cookie")
        remember = next(c for c in set_cookies if c.startswith("remember_token="))
        session = next(c for c in set_cookies if c.startswith("session="))
        lowered = remember.lower()
        assert "samesite=lax" in lowered and "httponly" in lowered
        assert "secure" not in lowered  # plain HTTP here; HTTPS: test_secure_cookies_over_https
        expires = parsedate_to_datetime(lowered.split("expires=")[1].split(";")[0])
        assert abs(expires - datetime.now(UTC) - timedelta(days=30)) < timedelta(minutes=5)
        assert "samesite=lax" in session.lower() and "httponly" in session.lower()
        values.append(client.cookies["remember_token"])
    assert values[0] != values[1]


def test_cookie_config_over_https():
    from crm.config import load_config
    config = load_config("/tmp", {"CRM_BASE_URL": "https://pressdesk.example",
                                  "CRM_SESSION_IDLE_HOURS": "2", "CRM_SESSION_MAX_DAYS": "1"})
    assert config["REMEMBER_COOKIE_SECURE"] and config["SESSION_COOKIE_SECURE"]
    assert config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert config["REMEMBER_COOKIE_DURATION"] == timedelta(days=30)
    assert config["CRM_SESSION_IDLE_HOURS"] == 2 and config["CRM_SESSION_MAX_DAYS"] == 1


class Clock:
    def __init__(self, monkeypatch):
        self.now = timeutil.utcnow()
        monkeypatch.setattr(timeutil, "utcnow", lambda: self.now)

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def test_idle_timeout(client, users, clock):
    login(client, "editor@example.no")
    clock.advance(hours=11)
    assert client.get("/contacts").status_code == 200  # and that request counts as activity
    clock.advance(hours=11)
    assert client.get("/contacts").status_code == 200
    clock.advance(hours=12, minutes=2)
    assert client.get("/contacts").status_code == 302


def test_absolute_timeout_even_when_busy(client, users, clock):
    login(client, "editor@example.no")
    for _ in range(7 * 2):
        clock.advance(hours=11, minutes=59)
        assert client.get("/contacts").status_code == 200
    clock.advance(hours=1)
    assert client.get("/contacts").status_code == 302


def test_timeouts_are_configurable(client, app, users, clock):
    app.config.update(CRM_SESSION_IDLE_HOURS=1, CRM_SESSION_MAX_DAYS=7)
    login(client, "editor@example.no")
    clock.advance(minutes=59)
    assert client.get("/contacts").status_code == 200
    clock.advance(minutes=62)
    assert client.get("/contacts").status_code == 302


def test_remember_cookie_starts_a_new_session_until_it_is_30_days_old(client, users, clock):
    client.post("/login", data={"email": "editor@example.no", "password": PASSWORD,
                                "remember": "y"})
    clock.advance(hours=13)
    assert client.get("/contacts").status_code == 200  # the session ended; the cookie renewed it
    clock.advance(days=29, hours=12)
    assert client.get("/contacts").status_code == 302


def test_a_session_from_before_tokens_is_refused(client, users):
    with client.session_transaction() as session:
        session["_user_id"] = str(users["editor"].id)
    assert client.get("/contacts").status_code == 302


def test_inactive_users_token_is_refused(client, users):
    login(client, "editor@example.no")
    users["editor"].active = False
    db.session.commit()
    assert client.get("/contacts").status_code == 302
    assert db.session.get(User, users["editor"].id).session_token


def test_session_config_in_base_test_config_untouched():
    assert "CRM_SESSION_IDLE_HOURS" not in BASE_TEST_CONFIG
