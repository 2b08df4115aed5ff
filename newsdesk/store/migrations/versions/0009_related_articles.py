"""related_articles: each article's related articles from other stories, kept by the story stage as articles arrive

(The article page read them with a headline-word search on every view before; on PostgreSQL the headline index
that served it goes.)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 18:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "related_articles",
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("related_id", sa.Integer(), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("article_id", "position"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_articles_title_fts")


def downgrade() -> None:
    op.drop_table("related_articles")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_articles_title_fts ON articles USING GIN (to_tsvector('simple', coalesce(title, '')))")
