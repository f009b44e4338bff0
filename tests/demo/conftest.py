"""The demo data, loaded once per test module into a database of the module's own.

Loading the demo takes one to three seconds, and most demo tests only look at it. A module
names what to load (`DEMO = [...]`, the arguments of `crm demo-data`); its read-only tests ask
for `demo` (the app context on that data; the value is what the command printed) and
`demo_viewer` (a client logged in as the viewer). Tests that load or change data themselves
use `app` and `runner` as everywhere else, and get empty tables. `demo` checks after each
test that no table changed its number of rows, so a test that writes cannot slip in.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask

from crm import create_app
from crm.extensions import db
from tests.factories import make_user
from tests.support import (
    BASE_TEST_CONFIG,
    forget_user_between_requests,
    login,
    throwaway_postgres_database,
)


@dataclass
class SharedDemo:
    app: Flask
    output: str  # what `crm demo-data` printed


def _row_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(db.select(db.func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


@pytest.fixture(scope="module")
def _demo_database(database_url, tmp_path_factory):
    if database_url.startswith("sqlite"):
        yield "sqlite:///" + str(tmp_path_factory.mktemp("demo") / "demo.sqlite3")
        return
    with throwaway_postgres_database("crm_demo") as url:
        yield url


@pytest.fixture(scope="module")
def shared_demo(request, _demo_database):
    """This module's DEMO, loaded once; then staff users as the `users` fixture makes them."""
    app = create_app({**BASE_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": _demo_database})
    forget_user_between_requests(app)
    with app.app_context():
        db.create_all()
        result = app.test_cli_runner().invoke(args=["demo-data", *request.module.DEMO])
        assert result.exit_code == 0, result.output
        for role in ("admin", "editor", "viewer"):
            make_user(f"{role}@example.no", role)
        db.session.remove()
        db.engine.dispose()
    yield SharedDemo(app, result.output)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def demo(shared_demo):
    """Read-only use of the shared demo: its app context for one test."""
    with shared_demo.app.app_context():
        before = _row_counts()
        yield shared_demo.output
        db.session.rollback()
        assert _row_counts() == before, "a test on the shared demo data changed it"
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def demo_viewer(shared_demo, demo):
    """A client on the shared demo, logged in as the viewer."""
    client = shared_demo.app.test_client()
    login(client, "viewer@example.no")
    return client
