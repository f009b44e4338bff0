"""claim heartbeat: digest_delivery.heartbeat_at

Revision ID: ops1
Revises: fetch1
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

import crm.timeutil

revision = "ops1"
down_revision = "fetch1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("digest_delivery") as batch_op:
        batch_op.add_column(sa.Column("heartbeat_at", crm.timeutil.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("digest_delivery") as batch_op:
        batch_op.drop_column("heartbeat_at")
