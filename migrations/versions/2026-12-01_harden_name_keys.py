"""unique name keys for organisations, media lists and tags (case- and accent-insensitive)

Revision ID: harden1
Revises: ops1
Create Date: 2026-12-01

Adds `name_key` (crm.text.name_key of the name: NFC, case folded, accents dropped but æ, ø and
å kept) with a unique constraint. The data step fills it for existing rows; rows whose names
already clash ("Østlandets Blad" and "østlandets blad", possible before on SQLite) keep their
names, and every one after the first gets its id appended to its key (" #<id>"), so the
upgrade never fails; the lead can merge them by hand afterwards. The key function is copied
here so this revision stays what it was when the application changes.
"""
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "harden1"
down_revision = "ops1"
branch_labels = None
depends_on = None

TABLES = {"organisation": 200, "media_list": 200, "tag": 80}


def _name_key(text: str) -> str:
    text = " ".join(unicodedata.normalize("NFC", text or "").split()).casefold()
    text = unicodedata.normalize("NFD", text)
    kept = "".join(ch for ch in text if not unicodedata.combining(ch) or ch == "\u030a")
    return unicodedata.normalize("NFC", kept)


def upgrade():
    bind = op.get_bind()
    for table, length in TABLES.items():
        # A plain ADD COLUMN (NOT NULL with a default) and a unique index: no table rebuild,
        # which on SQLite would drop and re-create the table under its foreign keys.
        op.add_column(table, sa.Column("name_key", sa.String(length=length), nullable=False,
                                       server_default=""))
        rows = sa.table(table, sa.column("id", sa.Integer), sa.column("name", sa.String),
                        sa.column("name_key", sa.String))
        seen = set()
        for row_id, name in bind.execute(sa.select(rows.c.id, rows.c.name)
                                         .order_by(rows.c.id)).all():
            key = _name_key(name)[:length]
            if key in seen:
                suffix = f" #{row_id}"
                key = key[:length - len(suffix)] + suffix
            seen.add(key)
            bind.execute(rows.update().where(rows.c.id == row_id).values(name_key=key))
        op.create_index(f"uq_{table}_name_key", table, ["name_key"], unique=True)


def downgrade():
    for table in TABLES:
        op.drop_index(f"uq_{table}_name_key", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("name_key")
