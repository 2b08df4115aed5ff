"""The database schema, defined once with SQLAlchemy Core, the same on SQLite and PostgreSQL.

Alembic revisions in ``migrations/versions`` create exactly these tables; a test checks that
the migrated database and this metadata agree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and read back timezone-aware on every backend."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


metadata = MetaData()

outlets = Table(
    "outlets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("domain", String(255), nullable=False, unique=True),
    Column("name", String(255), nullable=False, default=""),
)

feeds = Table(
    "feeds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", String(2048), nullable=False, unique=True),
    Column("title", String(512), nullable=False, default=""),
    Column("kind", String(16), nullable=False, default="feed"),
    Column("etag", String(512)),
    Column("last_modified", String(128)),
    Column("last_checked_at", UTCDateTime()),
    Column("next_check_at", UTCDateTime()),
    Column("error_count", Integer, nullable=False, default=0),
    Column("last_error", Text),
)

stories = Table(
    "stories",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("label", Text, nullable=False, default=""),
    Column("summary", Text, nullable=False, default=""),
    Column("first_seen", UTCDateTime()),
    Column("last_update", UTCDateTime()),
    Column("article_count", Integer, nullable=False, default=0),
    Column("outlet_count", Integer, nullable=False, default=0),
    Column("score", Float, nullable=False, default=0.0),
    # added by revision 0008: the key topics of the day sort only the stories updated lately, not every story
    Index("ix_stories_last_update", "last_update"),
)

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", String(2048), nullable=False, unique=True),
    Column("canonical_url", String(2048), nullable=False, default=""),
    Column("content_hash", String(64), nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("text", Text, nullable=False, default=""),
    Column("byline", Text, nullable=False, default="[]"),
    Column("published", UTCDateTime(), index=True),
    Column("updated", UTCDateTime()),
    Column("lead", Text, nullable=False, default=""),
    Column("subheadings", Text, nullable=False, default="[]"),
    Column("lang", String(16), nullable=False, default=""),
    Column("site_name", String(255), nullable=False, default=""),
    Column("domain", String(255), nullable=False, default="", index=True),
    Column("outlet_id", Integer, ForeignKey("outlets.id")),
    Column("source_links", Text, nullable=False, default="[]"),
    Column("section", String(255), nullable=False, default=""),
    Column("image_url", String(2048)),
    Column("image_caption", Text),
    Column("status", String(32), nullable=False, default="ok"),
    Column("reason", Text, nullable=False, default=""),
    Column("fetched_at", UTCDateTime()),
    Column("ingested_at", UTCDateTime(), nullable=False),
    Column("feed_url", String(2048)),
    Column("duplicate_of", Integer, ForeignKey("articles.id")),
    Column("story_id", Integer, ForeignKey("stories.id"), index=True),
    Index("ix_articles_canonical_url", "canonical_url"),
    Index("ix_articles_content_hash", "content_hash"),
    # the same text from the same site is the same page, whatever its URL
    Index("ux_articles_domain_hash", "domain", "content_hash", unique=True),
)

entities = Table(
    "entities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(512), nullable=False),
    Column("label", String(8), nullable=False),
    Column("role", String(512), nullable=False, default=""),
    Column("variants", Text, nullable=False, default="[]"),
    Column("mention_count", Integer, nullable=False, default=0),  # added by revision 0006
    Index("ux_entities_name_label", "name", "label", unique=True),
    Index("ix_entities_mention_count", "mention_count"),
)

mentions = Table(
    "mentions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("entity_id", Integer, ForeignKey("entities.id"), index=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("label", String(8), nullable=False),
)

quotes = Table(
    "quotes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("speaker", String(512), nullable=False, default=""),
    Column("cue", String(128), nullable=False, default=""),
    Column("kind", String(16), nullable=False, default="direct"),
    Column("start", Integer, nullable=False, default=-1),
    Column("end", Integer, nullable=False, default=-1),
)

attributions = Table(
    "attributions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("source", String(512), nullable=False),
    Column("cites", String(512), nullable=False, default=""),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("is_admin", Boolean, nullable=False, default=False),
    Column("blocked", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

comments = Table(
    "comments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime()),
    Column("hidden", Boolean, nullable=False, default=False),
)

# "You may also like": an article's related articles from other stories, best first, kept as articles arrive.
related_articles = Table(
    "related_articles",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("related_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("score", Float, nullable=False),
)

# One row per WARC byte range of a backfill: its checkpoint (next record offset) and what it found so far.
backfill_jobs = Table(
    "backfill_jobs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("path", String(2048), nullable=False),
    Column("start_offset", BigInteger, nullable=False),
    Column("end_offset", BigInteger, nullable=False),
    Column("next_offset", BigInteger, nullable=False),
    Column("status", String(16), nullable=False, default="pending"),
    Column("seen", Integer, nullable=False, default=0),
    Column("stored", Integer, nullable=False, default=0),
    Column("already_stored", Integer, nullable=False, default=0),
    Column("skipped", Integer, nullable=False, default=0),
    Column("errors", Integer, nullable=False, default=0),
    Column("details", Text, nullable=False, default="{}"),
    Column("updated_at", UTCDateTime()),
    Index("ux_backfill_jobs_path_start", "path", "start_offset", unique=True),
)

# Added by revision 0003. Full-text search (SQLite FTS5 table ``articles_fts`` with its triggers,
# PostgreSQL GIN index ``ix_articles_fts``) and ``ix_articles_latest`` are dialect-specific raw DDL
# in that revision, so they are not declared here.
Index("ix_comments_user_created", comments.c.user_id, comments.c.created_at)

# Site templates learned by the extract stage: per domain, the fingerprints of blocks that repeat across pages.
site_templates = Table(
    "site_templates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("domain", String(255), nullable=False, unique=True),
    Column("pages_seen", Integer, nullable=False, default=0),
    Column("blocks", Text, nullable=False, default="[]"),
    Column("page_prints", Text, nullable=False, default="[]"),
    Column("updated_at", UTCDateTime()),
)

# Pages that newsdesk fetched or read but could not turn into an article, with why (extraction health).
page_failures = Table(
    "page_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("input", String(2048), nullable=False),
    Column("domain", String(255), nullable=False, default=""),
    Column("feed_url", String(2048)),
    Column("status", String(32), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("at", UTCDateTime(), nullable=False),
    Index("ix_page_failures_domain_at", "domain", "at"),
    Index("ix_page_failures_feed_at", "feed_url", "at"),
)
