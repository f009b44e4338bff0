"""templates: the parts a template shows (release_template.shown), the office logo

Revision ID: tmpl1
Revises: spike1
Create Date: 2026-12-01

`shown` stays NULL for the templates already stored: the app checks each once (a trial
render) the first time it lists or uses it.
"""
import sqlalchemy as sa
from alembic import op

revision = "tmpl1"
down_revision = "spike1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("release_template", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shown", sa.JSON(), nullable=True))
    op.create_table(
        "office_logo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("mimetype", sa.String(length=32), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["user_account.id"],
                                name=op.f("fk_office_logo_uploaded_by_id_user_account"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_logo")),
    )


def downgrade():
    op.drop_table("office_logo")
    with op.batch_alter_table("release_template", schema=None) as batch_op:
        batch_op.drop_column("shown")
