"""Feeds in the database: the list newsdesk polls, with conditional-GET state and error counts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select

from newsdesk.model import Feed
from newsdesk.store.tables import feeds

if TYPE_CHECKING:
    from sqlalchemy import Engine


def _feed(row: Any) -> Feed:
    return Feed(**dict(row._mapping))


class FeedStore:
    """Methods of Store for feeds."""

    engine: Engine
    reader: Engine  # the same database, for reads only (autocommit on PostgreSQL)

    def add_feed(self, feed: Feed) -> Feed:
        """Store feed unless its URL is already there; return the stored feed."""
        with self.engine.begin() as connection:
            row = connection.execute(select(feeds).where(feeds.c.url == feed.url)).first()
            if row is None:
                values = {"url": feed.url, "title": feed.title, "kind": feed.kind, "error_count": 0}
                connection.execute(feeds.insert().values(**values))
                row = connection.execute(select(feeds).where(feeds.c.url == feed.url)).one()
        return _feed(row)

    def list_feeds(self) -> list[Feed]:
        """Return every feed, in the order they were added."""
        with self.reader.connect() as connection:
            return [_feed(row) for row in connection.execute(select(feeds).order_by(feeds.c.id))]

    def due_feeds(self, now: datetime | None = None) -> list[Feed]:
        """Return feeds whose next check time has come."""
        now = now or datetime.now(UTC)
        due = or_(feeds.c.next_check_at.is_(None), feeds.c.next_check_at <= now)
        with self.reader.connect() as connection:
            return [_feed(row) for row in connection.execute(select(feeds).where(due).order_by(feeds.c.id))]

    def remove_feed(self, url: str) -> bool:
        """Delete the feed with this URL; return whether there was one."""
        with self.engine.begin() as connection:
            return connection.execute(feeds.delete().where(feeds.c.url == url)).rowcount > 0

    def update_feed(self, feed: Feed) -> Feed:
        """Write a feed's polling state (ETag, Last-Modified, times, errors)."""
        values = {
            "title": feed.title,
            "etag": feed.etag,
            "last_modified": feed.last_modified,
            "last_checked_at": feed.last_checked_at,
            "next_check_at": feed.next_check_at,
            "error_count": feed.error_count,
            "last_error": feed.last_error,
        }
        with self.engine.begin() as connection:
            connection.execute(feeds.update().where(feeds.c.url == feed.url).values(**values))
        return replace(feed)
