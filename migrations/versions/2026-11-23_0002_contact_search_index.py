"""contact search index (SQLite FTS5 trigram table and triggers, PostgreSQL pg_trgm GIN index)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

"""
from alembic import op

from crm.contacts.search import drop_search_index, install_search_index

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    install_search_index(op.get_bind())


def downgrade():
    drop_search_index(op.get_bind())
