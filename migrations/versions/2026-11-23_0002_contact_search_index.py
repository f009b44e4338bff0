"""contact search index (SQLite FTS5 trigram table and triggers, PostgreSQL pg_trgm GIN index)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

The DDL is written out here rather than imported from crm.contacts.search, so that this
revision stays what it was when the application changes.
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SQLITE_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS contact_fts USING fts5("
    "search_text, content='contact', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS contact_fts_ai AFTER INSERT ON contact BEGIN "
    "INSERT INTO contact_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS contact_fts_ad AFTER DELETE ON contact BEGIN "
    "INSERT INTO contact_fts(contact_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS contact_fts_au AFTER UPDATE OF search_text ON contact BEGIN "
    "INSERT INTO contact_fts(contact_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO contact_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO contact_fts(contact_fts) VALUES ('rebuild')",
]
POSTGRES_DDL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ix_contact_search_trgm ON contact "
    "USING gin (search_text gin_trgm_ops)",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS contact_fts_ai",
    "DROP TRIGGER IF EXISTS contact_fts_ad",
    "DROP TRIGGER IF EXISTS contact_fts_au",
    "DROP TABLE IF EXISTS contact_fts",
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS ix_contact_search_trgm"]


def _run(sqlite: list[str], postgres: list[str]) -> None:
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": sqlite, "postgresql": postgres}.get(dialect, []):
        op.execute(statement)


def upgrade():
    _run(SQLITE_DDL, POSTGRES_DDL)


def downgrade():
    _run(SQLITE_DROP, POSTGRES_DROP)
