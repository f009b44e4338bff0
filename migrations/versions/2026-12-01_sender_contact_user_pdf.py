"""the sender: a staff user as a release's contact person, a PDF beside the .docx

Revision ID: sender1
Revises: embargo1
Create Date: 2026-12-01

Recipients left "unknown" by a crash before this change become "failed" with their reason,
so a person can resend them (the Message-ID they carry is reused).
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "sender1"
down_revision = "embargo1"
branch_labels = None
depends_on = None


CRASHED_MSGID = ("The sending process stopped while this message was with the mail server: it "
                 "may or may not have arrived. Resend it if it did not.")
UNKNOWN_REASON = json.dumps({"msgid": CRASHED_MSGID}, ensure_ascii=False)


def upgrade():
    with op.batch_alter_table("release", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_release_contact_user_id_user_account"),
                                    "user_account", ["contact_user_id"], ["id"],
                                    ondelete="SET NULL")
    with op.batch_alter_table("distribution", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attach_pdf", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    # Their reason becomes a message the catalogue still has (crm.releases.distribution.
    # crashed_outcome; tests/releases/test_send_crash.py checks the two agree).
    op.execute(sa.text("UPDATE distribution_recipient SET status = 'failed', reason = :reason "
                       "WHERE status = 'unknown'").bindparams(reason=UNKNOWN_REASON))


def downgrade():
    with op.batch_alter_table("distribution", schema=None) as batch_op:
        batch_op.drop_column("attach_pdf")
    with op.batch_alter_table("release", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_release_contact_user_id_user_account"),
                                 type_="foreignkey")
        batch_op.drop_column("contact_user_id")
