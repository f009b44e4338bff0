"""feed checks run outside the web request: when asked for, when finished, what was found

Revision ID: fetch1
Revises: sess1
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "fetch1"
down_revision = "sess1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("feed") as batch:
        batch.add_column(sa.Column("check_requested_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("check_finished_at", sa.DateTime(), nullable=True))
        # The server default only fills existing rows; the model writes "" itself.
        batch.add_column(sa.Column("check_result", sa.Text(), nullable=False,
                                   server_default=""))


def downgrade():
    with op.batch_alter_table("feed") as batch:
        batch.drop_column("check_result")
        batch.drop_column("check_finished_at")
        batch.drop_column("check_requested_at")
