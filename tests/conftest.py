"""Shared fixtures: the app on each database backend, clients logged in per role.

Database tests run on SQLite, and on PostgreSQL too when CRM_TEST_DATABASE_URL is set
(`.ci/run` sets it). The schema is built once per backend and session, and so is the app:
building one costs ~75 ms of URL rules plus compiling every template again, more than most
tests take. Each test gets its own app context on it, starts with empty tables and finds the
config as it was (a test may change `app.config`; its changes are undone). A test that needs
an app built differently (CSRF on, rate limits, extra routes) asks `make_app` for its own.

Helpers (PASSWORD, login, the test config) live in tests/support.py and data builders in
tests/factories.py: conftest modules hold fixtures only and are never imported.
"""

from __future__ import annotations

import contextlib
import os

import pytest

from crm import create_app
from crm.extensions import db, limiter
from tests.factories import make_user
from tests.support import (
    BACKENDS,
    BASE_TEST_CONFIG,
    QueryCounter,
    empty_all_tables,
    forget_user_between_requests,
    login,
    postgres_url,
    reset_postgres_schema,
    throwaway_postgres_database,
)


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    """A database with the models' schema, one per backend for the whole session.

    Under pytest-xdist (`-n 2`) each worker has its own: SQLite files are per worker anyway
    (tmp_path_factory), and on PostgreSQL a worker uses a throwaway database of its own beside
    CRM_TEST_DATABASE_URL's.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "crm.sqlite3")
        elif worker:
            url = stack.enter_context(throwaway_postgres_database(f"crm_test_{worker}"))
        else:
            url = postgres_url()
            reset_postgres_schema(url)
        app = create_app({**BASE_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            db.create_all()
            db.engine.dispose()
        yield url


@pytest.fixture(scope="session")
def _session_app(database_url):
    """The one app on the session database of this backend (see the module docstring)."""
    app = create_app({**BASE_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url})
    forget_user_between_requests(app)
    return app


@pytest.fixture
def app(_session_app):
    """The app, in an app context of this test's own, on empty tables."""
    config = dict(_session_app.config)
    # Flask-Limiter keeps its settings and counters on the one Limiter object, set by the
    # last init_app: an app from make_app (rate limits on) would leave them on for the rest.
    # Re-initialising gives this app its settings back and every test fresh counters.
    limiter.init_app(_session_app)
    with _session_app.app_context():
        yield _session_app
        db.session.remove()
        empty_all_tables()
        db.engine.dispose()
    _session_app.config.clear()
    _session_app.config.update(config)


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


@pytest.fixture
def users(app):
    """An admin, an editor and a viewer (English UI), all with PASSWORD."""
    return {role: make_user(f"{role}@example.no", role) for role in ("admin", "editor", "viewer")}


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
