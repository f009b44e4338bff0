"""content-based dedupe: article_sketch, each source's own text, byline guesses

Revision ID: dedupe1
Revises: harden1
Create Date: 2026-12-01

Sources get their own title, summary and publication time (filled from their article for
the rows already there), so that re-matching sees every copy's text. The old "title + minute"
keys ("t" + hash) are dropped: content sketches replace them.
"""
import sqlalchemy as sa
from alembic import op

revision = "dedupe1"
down_revision = "harden1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "article_sketch",
        sa.Column("key", sa.String(length=20), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"],
                                name=op.f("fk_article_sketch_article_id_article"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key", "article_id", name=op.f("pk_article_sketch")),
    )
    with op.batch_alter_table("article_sketch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_sketch_article_id"), ["article_id"],
                              unique=False)
    with op.batch_alter_table("article_source", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("summary", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("published_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.add_column(sa.Column("author_guess", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.execute(
        "UPDATE article_source SET "
        "title = (SELECT a.title FROM article a WHERE a.id = article_source.article_id), "
        "summary = (SELECT a.summary FROM article a WHERE a.id = article_source.article_id), "
        "published_at = (SELECT a.published_at FROM article a "
        "WHERE a.id = article_source.article_id)")
    op.execute("DELETE FROM article_key WHERE key LIKE 't%'")


def downgrade():
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_column("author_guess")
    with op.batch_alter_table("article_source", schema=None) as batch_op:
        batch_op.drop_column("published_at")
        batch_op.drop_column("summary")
        batch_op.drop_column("title")
    with op.batch_alter_table("article_sketch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_sketch_article_id"))
    op.drop_table("article_sketch")
