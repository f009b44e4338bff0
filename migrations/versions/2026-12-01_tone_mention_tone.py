"""tone per mention: positive, neutral or negative, who set it and when

Revision ID: tone1
Revises: campaign1
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "tone1"
down_revision = "campaign1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("mention") as batch:
        # The server default only fills existing rows; the model writes "" itself.
        batch.add_column(sa.Column("tone", sa.String(length=8), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("tone_set_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("tone_set_at", sa.DateTime(), nullable=True))
        batch.create_foreign_key("fk_mention_tone_set_by_id_user_account", "user_account",
                                 ["tone_set_by_id"], ["id"], ondelete="SET NULL")
    with op.batch_alter_table("digest_settings") as batch:
        batch.add_column(sa.Column("weekly_report", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    op.create_table(
        "report_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claim_token", sa.String(length=64), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "week", name="uq_report_delivery_user_week"),
    )


def downgrade():
    op.drop_table("report_delivery")
    with op.batch_alter_table("digest_settings") as batch:
        batch.drop_column("weekly_report")
    with op.batch_alter_table("mention") as batch:
        batch.drop_constraint("fk_mention_tone_set_by_id_user_account", type_="foreignkey")
        batch.drop_column("tone_set_at")
        batch.drop_column("tone_set_by_id")
        batch.drop_column("tone")
