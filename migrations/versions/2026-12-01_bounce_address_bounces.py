"""bounces: address_bounce (an address's bounce state) and bounce_event (each bounce read)

Revision ID: bounce1
Revises: dedupe1
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

import crm.timeutil

revision = "bounce1"
down_revision = "dedupe1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "address_bounce",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("soft_in_a_row", sa.Integer(), nullable=False),
        sa.Column("undeliverable_at", crm.timeutil.UTCDateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("last_bounce_at", crm.timeutil.UTCDateTime(), nullable=True),
        sa.Column("created_at", crm.timeutil.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"],
                                name=op.f("fk_address_bounce_contact_id_contact"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_address_bounce")),
        sa.UniqueConstraint("contact_id", "email", name="uq_address_bounce_contact_id_email"),
    )
    op.create_table(
        "bounce_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("received_at", crm.timeutil.UTCDateTime(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("diagnostic", sa.String(length=500), nullable=False),
        sa.Column("matched_by", sa.String(length=16), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("recipient_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"],
                                name=op.f("fk_bounce_event_contact_id_contact"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recipient_id"], ["distribution_recipient.id"],
                                name=op.f("fk_bounce_event_recipient_id_distribution_recipient"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bounce_event")),
        sa.UniqueConstraint("source", "email", name="uq_bounce_event_source_email"),
    )
    op.create_index("ix_bounce_event_recipient", "bounce_event", ["recipient_id"])
    op.create_index("ix_bounce_event_contact", "bounce_event", ["contact_id", "received_at"])


def downgrade():
    op.drop_index("ix_bounce_event_contact", table_name="bounce_event")
    op.drop_index("ix_bounce_event_recipient", table_name="bounce_event")
    op.drop_table("bounce_event")
    op.drop_table("address_bounce")
