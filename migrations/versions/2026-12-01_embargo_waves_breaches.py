"""embargo: waves of a distribution, the approved content's digest, embargo breaches

Revision ID: embargo1
Revises: tone1
Create Date: 2026-12-01

A distribution may have a later wave (`first_wave_id`, `wave`); a release keeps a digest of
what was approved and why it went back to review; `embargo_breach` holds articles that look
like a release under embargo, published before the lift.
"""
import sqlalchemy as sa
from alembic import op

revision = "embargo1"
down_revision = "tone1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("distribution", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wave", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("first_wave_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_distribution_first_wave_id"), ["first_wave_id"],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_distribution_first_wave_id_distribution"),
                                    "distribution", ["first_wave_id"], ["id"],
                                    ondelete="CASCADE")
    with op.batch_alter_table("release", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approved_digest", sa.String(length=64), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("review_note", sa.Text(), nullable=False,
                                      server_default=""))
    op.create_table(
        "embargo_breach",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("outlet_id", sa.Integer(), nullable=True),
        sa.Column("similarity", sa.Double(), nullable=False),
        sa.Column("found_at", sa.DateTime(), nullable=False),
        sa.Column("notified_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"],
                                name=op.f("fk_embargo_breach_article_id_article"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["outlet_id"], ["organisation.id"],
                                name=op.f("fk_embargo_breach_outlet_id_organisation"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["release_id"], ["release.id"],
                                name=op.f("fk_embargo_breach_release_id_release"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_embargo_breach")),
        sa.UniqueConstraint("release_id", "article_id",
                            name="uq_embargo_breach_release_id_article_id"),
    )
    with op.batch_alter_table("embargo_breach", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_embargo_breach_article_id"), ["article_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_embargo_breach_release_id"), ["release_id"],
                              unique=False)


def downgrade():
    op.drop_table("embargo_breach")
    with op.batch_alter_table("release", schema=None) as batch_op:
        batch_op.drop_column("review_note")
        batch_op.drop_column("approved_digest")
    with op.batch_alter_table("distribution", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_distribution_first_wave_id_distribution"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_distribution_first_wave_id"))
        batch_op.drop_column("first_wave_id")
        batch_op.drop_column("wave")
