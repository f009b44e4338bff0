"""the banner's hint: until when a user may have an alert to show

Revision ID: banner1
Revises: sender1
Create Date: 2026-12-01

Filled from the alerts already given: the newest undismissed one per user, plus the banner's
24 hours.
"""
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "banner1"
down_revision = "sender1"
branch_labels = None
depends_on = None

BANNER_HOURS = 24  # crm.alerts.models.BANNER_HOURS when this was written


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("banner_until", sa.DateTime(), nullable=True))
    receipt = sa.table("alert_receipt", sa.column("user_id", sa.Integer),
                       sa.column("alert_id", sa.Integer), sa.column("dismissed_at", sa.DateTime))
    alert = sa.table("alert", sa.column("id", sa.Integer), sa.column("fired_at", sa.DateTime))
    user = sa.table("user_account", sa.column("id", sa.Integer),
                    sa.column("banner_until", sa.DateTime))
    bind = op.get_bind()
    newest = bind.execute(
        sa.select(receipt.c.user_id, sa.func.max(alert.c.fired_at, type_=sa.DateTime))
        .join(alert, alert.c.id == receipt.c.alert_id)
        .where(receipt.c.dismissed_at.is_(None)).group_by(receipt.c.user_id)).all()
    for user_id, fired_at in newest:
        bind.execute(user.update().where(user.c.id == user_id).values(
            banner_until=fired_at + timedelta(hours=BANNER_HOURS)))


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("banner_until")
