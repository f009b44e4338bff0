"""ix_contact_live carries search_text on PostgreSQL (a search's page from the index alone)

Revision ID: livesearch1
Revises: banner1
Create Date: 2026-12-02

SQLite's index is unchanged: it searches its FTS table, and has no INCLUDE.
"""
import sqlalchemy as sa
from alembic import op

revision = "livesearch1"
down_revision = "banner1"
branch_labels = None
depends_on = None

LIVE = sa.text("erased_at IS NULL")


def _recreate(include: list[str]) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_contact_live", table_name="contact", postgresql_where=LIVE)
    op.create_index("ix_contact_live", "contact", ["sort_name", "id", "erased_at"],
                    unique=False, postgresql_where=LIVE, postgresql_include=include)


def upgrade():
    _recreate(["search_text"])


def downgrade():
    _recreate([])
