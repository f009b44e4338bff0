"""Real-browser tests: Debian's Chromium driven by Playwright (sync API) against a live server.

Each test gets its own app on a fresh SQLite file, served by werkzeug on a free loopback port,
with CSRF protection ON (the real thing) and rate limits off. The folder is skipped, with the
reason shown in the summary, when /usr/bin/chromium is missing or Playwright cannot be imported
or cannot launch it; with CRM_TEST_REQUIRE_BROWSER=1 (for CI) those reasons fail the tests
instead. Playwright's own browser downloads are never used (`playwright install`
needs the internet): `.ci/run` installs Debian's `chromium` instead.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

import pytest
from flask import Flask, got_request_exception, request
from werkzeug.serving import make_server

from crm import create_app
from crm.extensions import db
from tests.browser.support import cannot_drive_browser
from tests.factories import make_user
from tests.smtp import SmtpServer
from tests.support import BASE_TEST_CONFIG, PASSWORD

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update"]
CSP_REPORTER = """document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI + " " +
                e.sourceFile + ":" + e.lineNumber);
});"""
TIMEOUT_MS = 15_000  # per action / expectation; generous for a loaded 2-core CI machine

# (key, email, role, display name): the editor drives most tests; the second editor and the
# admin are there for flows that need a second person (e.g. approving a press release).
USERS = [
    ("editor", "editor@example.no", "editor", "Eva Redaktør"),
    ("editor2", "editor2@example.no", "editor", "Øystein Ås"),
    ("admin", "admin@example.no", "admin", "Åse Admin"),
    ("viewer", "viewer@example.no", "viewer", "Vera Leser"),
]


@pytest.fixture(scope="session", autouse=True)
def _chromium_available():
    """Skip the whole folder, with a clear reason, when the browser cannot be driven."""
    if not os.access(CHROMIUM, os.X_OK):
        cannot_drive_browser(f"{CHROMIUM} is not installed (Debian package `chromium`; "
                             ".ci/run installs it)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        cannot_drive_browser(f"Playwright cannot be imported ({exc}); install the dev extra")


@pytest.fixture(scope="package")
def browser(_chromium_available):
    """One headless Chromium for this folder; each test gets its own context (cookies).

    Package scope, not session: while Playwright's sync API is alive it marks its asyncio loop
    as running in the main thread, so `asyncio.run()` in any later test would fail ("cannot be
    called from a running event loop") and leave an un-awaited coroutine, which
    filterwarnings=error turns into an error. Stopping Playwright when this folder is done
    gives the rest of the suite a clean main thread.
    """
    from playwright.sync_api import Error, expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)

    try:
        playwright = sync_playwright().start()
    except Exception as exc:  # Playwright's driver (node) did not start
        cannot_drive_browser(f"Playwright's driver cannot start: {exc}")
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=LAUNCH_ARGS)
    except Error as exc:
        playwright.stop()
        cannot_drive_browser(f"Playwright cannot launch {CHROMIUM}: "
                             f"{exc.message.splitlines()[0]}")
    yield chromium
    chromium.close()
    playwright.stop()


@dataclass
class LiveServer:
    app: Flask
    url: str
    users: dict = field(default_factory=dict)  # key -> {"email", "name", "id"}
    errors: list = field(default_factory=list)  # exceptions raised while serving requests

    def call(self, func, *args, **kwargs):
        """Run a service function inside the app (e.g. to seed data), return its result."""
        with self.app.app_context():
            return func(*args, **kwargs)


def live_config(database_url: str) -> dict:
    config = {**BASE_TEST_CONFIG,
              "SQLALCHEMY_DATABASE_URI": database_url,
              "WTF_CSRF_ENABLED": True,
              "RATELIMIT_ENABLED": False,
              "CRM_TIMEZONE": "Europe/Oslo"}
    config.pop("SERVER_NAME")  # the browser talks to 127.0.0.1:<port>, not pressdesk.test
    return config


@pytest.fixture
def live_server(tmp_path):
    """The app on a fresh SQLite file, served on 127.0.0.1:<free port> in a thread."""
    app = create_app(live_config("sqlite:///" + str(tmp_path / "crm.sqlite3")))
    server = LiveServer(app=app, url="")

    def record(_sender, exception, **_extra):
        server.errors.append(exception)

    @app.after_request
    def record_server_errors(response):  # the app renders its own 500 page: watch for it
        if response.status_code >= 500:
            server.errors.append(f"{request.method} {request.path} -> {response.status}")
        return response

    got_request_exception.connect(record, app)
    with app.app_context():
        db.create_all()  # the search index comes with it (after_create event in search.py)
        for key, email, role, name in USERS:
            user = make_user(email, role, name=name)
            server.users[key] = {"email": user.email, "name": user.display_name,
                                 "id": user.id}
        db.session.remove()

    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    server.url = f"http://127.0.0.1:{httpd.server_port}"
    app.config["CRM_BASE_URL"] = server.url
    thread = threading.Thread(target=httpd.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)
        got_request_exception.disconnect(record, app)
        with app.app_context():
            db.engine.dispose()
    assert not server.errors, f"server errors while serving the browser: {server.errors!r}"


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) on the live server; fails on page JS errors."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB",
                                  timezone_id="Europe/Oslo")
    context.set_default_timeout(TIMEOUT_MS)
    # Playwright's init scripts are not subject to the page's CSP: report every violation.
    context.add_init_script(CSP_REPORTER)
    tab = context.new_page()
    js_errors: list[str] = []
    csp_violations: list[str] = []
    tab.on("pageerror", lambda exc: js_errors.append(str(exc)))

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or text.startswith("CSP violation"):
            csp_violations.append(f"{tab.url}: {text}")

    tab.on("console", on_console)
    yield tab
    context.close()
    assert not js_errors, f"JavaScript errors in the page: {js_errors}"
    assert not csp_violations, f"Content-Security-Policy violations: {csp_violations}"


@pytest.fixture
def smtp(live_server):
    """A real SMTP server on loopback, and the live app's CRM_SMTP_URL pointing at it."""
    server = SmtpServer()
    server.start()
    live_server.app.config["CRM_SMTP_URL"] = server.url
    yield server
    server.stop()


@pytest.fixture
def log_in(page, live_server):
    """log_in("editor") logs that user in through the real login form (CSRF token and all)."""

    def log_in_as(key: str) -> dict:
        user = live_server.users[key]
        page.goto("/login")
        page.get_by_label("Email", exact=True).fill(user["email"])
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("button", name="Log out").wait_for()
        return user

    return log_in_as
