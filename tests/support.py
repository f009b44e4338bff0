"""Plain helpers shared by the tests and their conftest modules: the test configuration, the
backends, the database a test run may use, and logging a test client in.

conftest modules hold fixtures only; import helpers from here (or from tests.factories for
data), never from a conftest.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

from sqlalchemy import create_engine, event, text

# CRM_TEST_DATABASE_URL adds PostgreSQL to SQLite. The database named there is wiped; tests
# that need a database of their own (migrations, shared demo data) create throwaway databases
# beside it and drop them again.
PG_URL = os.environ.get("CRM_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
PASSWORD = "correct horse battery"

BASE_TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "CRM_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "SERVER_NAME": "pressdesk.test",
    "CRM_SMTP_URL": "smtp://127.0.0.1:1",
    # Tests read in English: without a logged-in user's language or an Accept-Language
    # header (services, CLI, anonymous pages) the UI speaks English; tests/i18n covers nb.
    "CRM_DEFAULT_LANGUAGE": "en",
    # The tests' feed servers listen on loopback; tests of the address rule use the defaults.
    "CRM_FEED_ALLOW_NETWORKS": ("127.0.0.0/8", "::1/128"),
}


def postgres_url() -> str:
    """CRM_TEST_DATABASE_URL with the psycopg (3) driver SQLAlchemy should use."""
    if PG_URL.startswith("postgresql://"):
        return PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    return PG_URL


def reset_postgres_schema(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@contextmanager
def throwaway_postgres_database(prefix: str):
    """A new, empty PostgreSQL database beside CRM_TEST_DATABASE_URL's; dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield postgres_url().rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def forget_user_between_requests(app) -> None:
    """Make each test request start without the previous one's user and locale.

    Requests reuse the test's app context, and so its `g`; in production every request has
    its own. Without this, a second client in one test would see the first's user.
    """
    from flask import g

    @app.teardown_request
    def forget_logged_in_user(_exc):
        g.pop("_login_user", None)
        g.pop("_flask_babel", None)  # the locale Flask-Babel cached for this request


def empty_all_tables() -> None:
    """Delete every row (children first) on the current app's database."""
    from crm.extensions import db
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


def login(client, email: str, password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


class QueryCounter:
    """Counts the SQL statements sent to the database while it is active."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def _seen(self, _conn, _cursor, statement, *_args):
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)

    def __enter__(self):
        self.statements = []
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self._seen)


@contextmanager
def background_process(command: dict):
    """A subprocess (`subprocess.Popen(**command)`, output discarded) for a test to kill -9;
    whatever happens, it is gone when the block ends."""
    import subprocess
    process = subprocess.Popen(**command, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(30)


def kill_9(process) -> None:
    """SIGKILL, as a crash or a power cut would end it, and reap it."""
    import signal
    process.send_signal(signal.SIGKILL)
    process.wait(10)


@contextmanager
def live_server(app):
    """Serve `app` on a loopback port in a thread (as `crm run` would); yields its base URL."""
    import threading

    from werkzeug.serving import make_server
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(10)


@contextmanager
def demo_site(database_url: str, users: dict[str, tuple[str, str]], *,
              create_tables: bool = False):
    """Pressdesk with the demo register (120 contacts) and these users ({email: (role,
    language)}, password PASSWORD), served like `crm run` on a loopback port; yields
    (base URL, app). Empties the tables afterwards."""
    from crm import create_app
    from crm.extensions import db
    config = {**BASE_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
              "WTF_CSRF_ENABLED": True, "TESTING": False, "SERVER_NAME": None,
              "CRM_DEFAULT_LANGUAGE": "nb"}
    app = create_app(config)
    with app.app_context():
        if create_tables:
            db.create_all()
        from crm.auth.services import create_user
        from crm.demo.generate import generate_demo
        generate_demo(contacts=120, seed=7)
        for email, (role, language) in users.items():
            create_user(email, PASSWORD, role=role, name=email.split("@")[0].title(),
                        language=language)
        db.session.remove()
    try:
        with live_server(app) as base:
            yield base, app
    finally:
        with app.app_context():
            empty_all_tables()
            db.engine.dispose()


def csrf_token_in(html: str) -> str:
    """The value of the first csrf_token field of an HTML page."""
    import re
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert found, "the page has a CSRF token"
    return found.group(1)


def live_login(client, email: str, password: str = PASSWORD, remember: bool = False):
    """Log an httpx client in through the login form, CSRF token and all."""
    data = {"email": email, "password": password,
            "csrf_token": csrf_token_in(client.get("/login").text)}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data)


def log_in_session(client, user) -> None:
    """Put a logged-in session for `user` into a test client's cookie without the login form
    (for apps where posting the form is in the way, e.g. CSRF on)."""
    from crm.auth import services, sessions
    from crm.timeutil import utcnow
    now = utcnow().timestamp()
    with client.session_transaction() as session:
        session["_user_id"] = services.start_login(user).get_id()
        session["_fresh"] = True
        session[sessions.STARTED] = session[sessions.SEEN] = now


def run_at_once(apps, func, timeout: float = 60) -> list[Exception]:
    """Call `func()` in an app context of each app, in threads released together (two
    schedulers or workers racing); returns the exceptions they raised."""
    import threading

    from crm.extensions import db
    barrier = threading.Barrier(len(apps))
    errors: list[Exception] = []

    def run(one):
        with one.app_context():
            try:
                barrier.wait()
                func()
            except Exception as exc:  # noqa: BLE001 - handed back to the test
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(a,)) for a in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return errors
