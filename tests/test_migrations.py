"""The Alembic migrations produce exactly the models' schema, on every backend."""

from __future__ import annotations

from contextlib import ExitStack

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text

from crm import create_app
from crm.extensions import db
from crm.migration_support import include_name
from tests.support import BACKENDS, BASE_TEST_CONFIG, throwaway_postgres_database


def test_migrations_have_a_single_head(app):
    config = app.extensions["migrate"].migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


@pytest.fixture(params=BACKENDS)
def empty_databases(request, tmp_path):
    """A factory of empty databases on one backend, dropped after the test."""
    with ExitStack() as stack:
        made = []

        def make() -> str:
            made.append(None)
            if request.param == "sqlite":
                return "sqlite:///" + str(tmp_path / f"db{len(made)}.sqlite3")
            return stack.enter_context(throwaway_postgres_database("crm_migrations"))

        yield make


@pytest.fixture
def empty_database(empty_databases):
    return empty_databases()


def catalogue_rows(url: str, sqlite_sql: str, postgresql_sql: str) -> list[tuple]:
    """Rows of the database's own catalogue: sqlite_sql on SQLite, postgresql_sql else."""
    engine = create_engine(url)
    with engine.connect() as conn:
        sql = sqlite_sql if conn.dialect.name == "sqlite" else postgresql_sql
        rows = [tuple(row) for row in conn.execute(text(sql))]
    engine.dispose()
    return rows


def search_objects(url: str) -> set[tuple]:
    """The search index's triggers, tables and indexes as the database states them."""
    return set(catalogue_rows(
        url, "SELECT type, name, sql FROM sqlite_master WHERE name LIKE 'contact_fts%'",
        "SELECT indexname, indexdef FROM pg_indexes WHERE indexname = 'ix_contact_search_trgm'"))


def migrated_and_created(empty_databases) -> tuple[str, str]:
    """Two empty databases: one upgraded by the migrations, one made by create_all."""
    migrated, created = empty_databases(), empty_databases()
    for url, make in ((migrated, upgrade), (created, db.create_all)):
        app = create_app({**BASE_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            make()
            db.engine.dispose()
    return migrated, created


def test_migrated_search_index_equals_the_apps(empty_databases):
    """Migration 0002 states its DDL itself; the result still equals what create_all makes."""
    migrated, created = migrated_and_created(empty_databases)
    assert search_objects(created)  # the comparison compares something
    assert search_objects(migrated) == search_objects(created)


def index_definitions(url: str) -> dict[str, str]:
    """Every index's definition as the database states it (partial and covering parts too)."""
    rows = catalogue_rows(
        url, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'")
    return {name: " ".join(sql.split()) for name, sql in rows}


def test_migrated_indexes_are_defined_as_the_models_define_them(empty_databases):
    """Alembic's comparison sees an index's name and columns, not its WHERE or INCLUDE: the
    definitions themselves must match (ix_contact_live carries search_text on PostgreSQL)."""
    migrated, created = migrated_and_created(empty_databases)
    made, wanted = index_definitions(migrated), index_definitions(created)
    assert "ix_contact_live" in wanted
    if "postgresql" in created:
        assert "INCLUDE (search_text)" in wanted["ix_contact_live"]
    differ = {name: (made.get(name), wanted.get(name)) for name in set(made) | set(wanted)
              if made.get(name) != wanted.get(name) and not name.startswith("alembic_version")}
    assert differ == {}


def test_upgrade_produces_the_models_schema(empty_database):
    app = create_app({**BASE_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={
                "compare_type": True, "include_name": include_name})
            diff = compare_metadata(context, db.metadata)
            tables = set(inspect(conn).get_table_names())
            dialect = conn.dialect.name
            if dialect == "sqlite":
                assert "contact_fts" in tables
            else:
                indexes = {i["name"] for i in inspect(conn).get_indexes("contact")}
                assert "ix_contact_search_trgm" in indexes
        db.engine.dispose()
    assert diff == [], f"migrations and models differ: {diff}"


def test_downgrade_to_base_and_up_again(empty_database):
    from flask_migrate import downgrade
    app = create_app({**BASE_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        with db.engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        upgrade()
        db.engine.dispose()


def test_banner1_fills_the_banner_hint_from_alerts_already_given(empty_database):
    """Users who had an undismissed alert before banner1 still see it in the banner: the
    migration sets their banner_until from it (data made at head, column dropped and added).
    On SQLite dropping the column rebuilds user_account: the receipts that refer to it (ON
    DELETE CASCADE) must survive that (migrations/env.py turns foreign keys off)."""
    from datetime import timedelta

    from flask_migrate import downgrade

    from crm.alerts.models import BANNER_HOURS, Alert, AlertReceipt, AlertRule
    from crm.auth.models import User
    from crm.timeutil import utcnow

    app = create_app({**BASE_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": empty_database})
    fired = utcnow().replace(microsecond=0) - timedelta(hours=2)
    with app.app_context():
        upgrade()
        given, dismissed, none = (User(email=f"{n}@partiet.no", password_hash="x", name=n)
                                  for n in ("given", "dismissed", "none"))
        rule = AlertRule(kind="first", target="term")
        db.session.add_all([given, dismissed, none, rule])
        db.session.flush()
        older = Alert(rule_id=rule.id, fired_at=fired - timedelta(hours=5), window_start=fired)
        newer = Alert(rule_id=rule.id, fired_at=fired, window_start=fired)
        db.session.add_all([older, newer])
        db.session.flush()
        db.session.add_all([
            AlertReceipt(alert_id=older.id, user_id=given.id, status="off"),
            AlertReceipt(alert_id=newer.id, user_id=given.id, status="off"),
            AlertReceipt(alert_id=newer.id, user_id=dismissed.id, status="off",
                         dismissed_at=fired)])
        db.session.commit()
        ids = given.id, dismissed.id, none.id
        db.session.remove()
        downgrade(revision="sender1")
        upgrade()
        found = {u.id: u.banner_until for u in db.session.scalars(db.select(User))}
        db.session.remove()
        db.engine.dispose()
    assert found == {ids[0]: fired + timedelta(hours=BANNER_HOURS), ids[1]: None,
                     ids[2]: None}
