"""the sender: a staff user as a release's contact person, a PDF beside the .docx

Revision ID: sender1
Revises: embargo1
Create Date: 2026-12-01

Recipients left "unknown" by a crash before this change become "failed" with their reason,
so a person can resend them (the Message-ID they carry is reused).
"""
import sqlalchemy as sa
from alembic import op

revision = "sender1"
down_revision = "embargo1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("release", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_release_contact_user_id_user_account"),
                                    "user_account", ["contact_user_id"], ["id"],
                                    ondelete="SET NULL")
    with op.batch_alter_table("distribution", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attach_pdf", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.execute("UPDATE distribution_recipient SET status = 'failed' WHERE status = 'unknown'")


def downgrade():
    with op.batch_alter_table("distribution", schema=None) as batch_op:
        batch_op.drop_column("attach_pdf")
    with op.batch_alter_table("release", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_release_contact_user_id_user_account"),
                                 type_="foreignkey")
        batch_op.drop_column("contact_user_id")
