"""saved contact-list filters; when a contact got the GDPR Art. 14 notice

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "saved_filter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("query", sa.String(length=2000), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_saved_filter_owner", "saved_filter", ["user_id", "name"])
    with op.batch_alter_table("contact") as batch:
        batch.add_column(sa.Column("source_notice_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("contact") as batch:
        batch.drop_column("source_notice_at")
    op.drop_index("ix_saved_filter_owner", table_name="saved_filter")
    op.drop_table("saved_filter")
