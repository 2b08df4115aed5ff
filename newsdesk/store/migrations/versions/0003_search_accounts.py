"""full-text search over articles, the latest-news index, comment rate-limit index

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 11:45:00

SQLite gets an FTS5 table ``articles_fts`` (external content: the articles table) kept in sync
by triggers; PostgreSQL gets a GIN index over ``to_tsvector('simple', ...)`` of headline and body.
Both are dialect-specific, so they are raw DDL and not part of ``tables.metadata``.
"""

from alembic import op


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# FTS5 builds snippets in time quadratic in a document's hits, so only the first 20,000
# characters of a body are indexed: through a view that is also the index's content table
SQLITE_UP = [
    "CREATE VIEW articles_fts_source AS SELECT id, title, substr(text, 1, 20000) AS text FROM articles",
    "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles_fts_source', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN "
    "INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, substr(new.text, 1, 20000)); END",
    "CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, substr(old.text, 1, 20000)); END",
    "CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, substr(old.text, 1, 20000)); "
    "INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, substr(new.text, 1, 20000)); END",
    "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
    # SQLite sorts NULL lowest, so a DESC scan lists undated articles last
    "CREATE INDEX ix_articles_latest ON articles (published DESC, id DESC)",
]
SQLITE_DOWN = [
    "DROP INDEX IF EXISTS ix_articles_latest",
    "DROP TRIGGER IF EXISTS articles_fts_update",
    "DROP TRIGGER IF EXISTS articles_fts_delete",
    "DROP TRIGGER IF EXISTS articles_fts_insert",
    "DROP TABLE IF EXISTS articles_fts",
    "DROP VIEW IF EXISTS articles_fts_source",
]
PG_UP = [
    # the same expression as newsdesk.store.search.PG_DOCUMENT (alias a), or the index goes unused
    "CREATE INDEX ix_articles_fts ON articles USING GIN "
    "(to_tsvector('simple', left(coalesce(title, '') || ' ' || coalesce(text, ''), 100000)))",
    "CREATE INDEX ix_articles_latest ON articles (published DESC NULLS LAST, id DESC)",
]
PG_DOWN = ["DROP INDEX IF EXISTS ix_articles_latest", "DROP INDEX IF EXISTS ix_articles_fts"]


def upgrade() -> None:
    for statement in PG_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP:
        op.execute(statement)
    op.create_index("ix_comments_user_created", "comments", ["user_id", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_comments_user_created", table_name="comments")
    for statement in PG_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN:
        op.execute(statement)
