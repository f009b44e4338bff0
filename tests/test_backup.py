"""The README's backup and restore, as an operator runs them: SQLite's `.backup` and
PostgreSQL's pg_dump/pg_restore into a fresh database, where the data is found again."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess

import pytest
from sqlalchemy.engine import make_url

from crm import create_app
from crm.contacts.models import Contact
from crm.extensions import db
from crm.interactions.models import Interaction
from tests import factories
from tests.support import BASE_TEST_CONFIG, throwaway_postgres_database


def _some_data() -> None:
    person = factories.journalist("Åse Ødegård")
    factories.log([person], notes="Ringte om budsjettet 🙂")
    db.session.commit()


def _found_in(url: str) -> tuple[list[str], list[str]]:
    restored = create_app({**BASE_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with restored.app_context():
        names = [c.name for c in db.session.scalars(db.select(Contact))]
        notes = [i.notes for i in db.session.scalars(db.select(Interaction))]
        db.session.remove()
        db.engine.dispose()
    return names, notes


def _libpq(url: str) -> str:
    """The SQLAlchemy URL as pg_dump and pg_restore take it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def test_backup_and_restore(app, tmp_path):
    _some_data()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        source = make_url(url).database
        backup = tmp_path / "backup.sqlite3"
        if shutil.which("sqlite3"):  # the README's command
            subprocess.run(["sqlite3", source, f".backup '{backup}'"], check=True)
        else:  # the README's Python alternative
            with sqlite3.connect(source) as live, sqlite3.connect(backup) as copy:
                live.backup(copy)
        names, notes = _found_in(f"sqlite:///{backup}")  # restoring is using the copy
    else:
        if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
            pytest.skip("pg_dump/pg_restore are not installed")
        dump = tmp_path / "pressdesk.dump"
        subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", _libpq(url)],
                       check=True)
        with throwaway_postgres_database("crm_restore") as fresh:
            subprocess.run(["pg_restore", "--no-owner", "--exit-on-error",
                            f"--dbname={_libpq(fresh)}", str(dump)], check=True)
            names, notes = _found_in(fresh)
    assert names == ["Åse Ødegård"]
    assert notes == ["Ringte om budsjettet 🙂"]
