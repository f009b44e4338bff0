"""Shared fixtures: the app on each database backend, clients logged in per role.

Database tests run on SQLite, and on PostgreSQL too when CRM_TEST_DATABASE_URL is set
(`.ci/run` sets it). The schema is built once per backend and session; every test starts with
empty tables.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, event, text

from crm import create_app
from crm.extensions import db

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
}


def _database_url(backend: str, tmp_path_factory) -> str:
    if backend == "sqlite":
        return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "crm.sqlite3")
    return PG_URL.replace("postgresql://", "postgresql+psycopg://", 1) \
        if PG_URL.startswith("postgresql://") else PG_URL


def reset_postgres_schema(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    """A database with the models' schema, one per backend for the whole session."""
    url = _database_url(request.param, tmp_path_factory)
    if request.param == "postgresql":
        reset_postgres_schema(url)
    app = create_app({**BASE_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return url


def _empty_all_tables() -> None:
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def app(database_url):
    app = create_app({**BASE_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url})

    @app.teardown_request
    def forget_logged_in_user(_exc):
        # Requests reuse the test's app context, and so its `g`; in production every request
        # has its own. Without this, a second client in one test would see the first's user.
        from flask import g
        g.pop("_login_user", None)
        g.pop("_flask_babel", None)  # the locale Flask-Babel cached for this request

    with app.app_context():
        yield app
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def make_app(database_url):
    """Build extra apps on the test database with config overrides; disposed afterwards."""
    made = []

    def factory(**overrides):
        extra = create_app({**BASE_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
                            **overrides})
        made.append(extra)
        return extra

    yield factory
    for extra in made:
        with extra.app_context():
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def make_user(email: str, role: str, name: str = "", language: str = "en"):
    from crm.auth.services import create_user
    return create_user(email, PASSWORD, role=role, name=name or email.split("@")[0],
                       language=language)


@pytest.fixture
def users(app):
    """An admin, an editor and a viewer (English UI), all with PASSWORD."""
    return {role: make_user(f"{role}@example.no", role) for role in ("admin", "editor", "viewer")}


def login(client, email: str, password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


@pytest.fixture
def as_editor(client, users):
    login(client, users["editor"].email)
    return client


@pytest.fixture
def as_viewer(client, users):
    login(client, users["viewer"].email)
    return client


@pytest.fixture
def as_admin(client, users):
    login(client, users["admin"].email)
    return client


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


@pytest.fixture
def count_queries(app):
    """`with count_queries() as counted: client.get(...)`, then `counted.count` statements."""
    return lambda: QueryCounter(db.engine)


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on loopback; the app's CRM_SMTP_URL points at it."""
    from tests.smtp import SmtpServer
    server = SmtpServer()
    server.start()
    app.config["CRM_SMTP_URL"] = server.url
    yield server
    server.stop()
