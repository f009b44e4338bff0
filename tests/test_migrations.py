"""The Alembic migrations produce exactly the models' schema, on every backend."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import inspect

from crm import create_app
from crm.extensions import db
from crm.migration_support import include_name
from tests.support import BACKENDS, BASE_TEST_CONFIG, throwaway_postgres_database


def test_migrations_have_a_single_head(app):
    config = app.extensions["migrate"].migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


@pytest.fixture(params=BACKENDS)
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield "sqlite:///" + str(tmp_path / "migrated.sqlite3")
        return
    with throwaway_postgres_database("crm_migrations") as url:
        yield url


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
