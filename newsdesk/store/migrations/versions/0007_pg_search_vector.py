"""PostgreSQL: a stored search vector, so that search ranks without re-parsing each matching body,
and a headline index for related articles

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 13:40:00
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TITLE = "to_tsvector('simple', coalesce(title, ''))"
DOCUMENT = "to_tsvector('simple', left(coalesce(title, '') || ' ' || coalesce(text, ''), 100000))"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite keeps its FTS5 table (revision 0003)
    op.execute(f"ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({DOCUMENT}) STORED")
    op.execute("DROP INDEX IF EXISTS ix_articles_fts")
    op.execute("CREATE INDEX ix_articles_fts ON articles USING GIN (search_vector)")
    op.execute(f"CREATE INDEX ix_articles_title_fts ON articles USING GIN ({TITLE})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_articles_title_fts")
    op.execute("DROP INDEX IF EXISTS ix_articles_fts")
    op.execute("ALTER TABLE articles DROP COLUMN search_vector")
    op.execute(f"CREATE INDEX ix_articles_fts ON articles USING GIN ({DOCUMENT})")
