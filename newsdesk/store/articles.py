"""Articles and outlets in the database: idempotent saving, listing, reading, counting."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from newsdesk.errors import StoreError
from newsdesk.model import Article, ExtractionStatus, Image
from newsdesk.store.tables import articles, outlets

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What happened to one article handed to ``save_articles``."""

    id: int
    created: bool
    url: str


def _clip(row: dict[str, Any]) -> dict[str, Any]:
    """Cut strings to their column's length: PostgreSQL refuses longer ones, SQLite would keep them."""
    for name, value in row.items():
        length = getattr(articles.c[name].type, "length", None)
        if length and isinstance(value, str) and len(value) > length:
            row[name] = value[:length]
    return row


def article_row(article: Article) -> dict[str, Any]:
    """Return the column values that store article."""
    return _clip(
        {
            "url": article.key_url,
            "canonical_url": article.canonical_url,
            "content_hash": article.content_hash,
            "title": article.title,
            "text": article.text,
            "byline": json.dumps(list(article.byline)),
            "published": article.published,
            "updated": article.updated,
            "lead": article.lead,
            "subheadings": json.dumps(list(article.subheadings)),
            "lang": article.lang,
            "site_name": article.site_name,
            "domain": article.domain,
            "source_links": json.dumps(list(article.source_links)),
            "section": article.section,
            "image_url": article.image.url if article.image else None,
            "image_caption": article.image.caption if article.image else None,
            "status": str(article.status),
            "reason": article.reason,
            "fetched_at": article.fetched_at,
            "feed_url": article.feed_url,
            "duplicate_of": article.duplicate_of,
            "story_id": article.story_id,
        }
    )


def article_from_row(row: Any) -> Article:
    """Return the Article a database row holds."""
    m = row._mapping
    image = Image(m["image_url"], m["image_caption"] or "") if m["image_url"] else None
    return Article(
        id=m["id"],
        url=m["url"],
        canonical_url=m["canonical_url"],
        content_hash=m["content_hash"],
        title=m["title"],
        text=m["text"],
        byline=tuple(json.loads(m["byline"])),
        published=m["published"],
        updated=m["updated"],
        lead=m["lead"],
        subheadings=tuple(json.loads(m["subheadings"])),
        lang=m["lang"],
        site_name=m["site_name"],
        domain=m["domain"],
        source_links=tuple(json.loads(m["source_links"])),
        section=m["section"],
        image=image,
        status=ExtractionStatus(m["status"]),
        reason=m["reason"],
        fetched_at=m["fetched_at"],
        feed_url=m["feed_url"],
        duplicate_of=m["duplicate_of"],
        story_id=m["story_id"],
    )


class ArticleStore:
    """Methods of Store for articles and outlets."""

    engine: Engine

    def _insert(self, connection: Connection) -> Any:
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        return dialect.insert(articles)

    def save_articles(self, batch: list[Article]) -> list[SaveResult]:
        """Store each article unless the same page (URL or same site's same text) is already there."""
        results: list[SaveResult] = []
        try:
            with self.engine.begin() as connection:
                for article in batch:
                    results.append(self._save_one(connection, article))
        except SQLAlchemyError as exc:
            raise StoreError(f"saving {len(batch)} articles failed: {exc}") from exc
        return results

    def _save_one(self, connection: Connection, article: Article) -> SaveResult:
        existing = self._find_existing(connection, article)
        if existing is not None:
            return SaveResult(existing, False, article.key_url)
        row = article_row(article)
        row["outlet_id"] = self._outlet_id(connection, article.domain, article.site_name)
        row["ingested_at"] = datetime.now(UTC)
        statement = self._insert(connection).values(**row).on_conflict_do_nothing()
        result = connection.execute(statement.returning(articles.c.id))
        new_id = result.scalar()
        if new_id is None:  # lost a race with another writer: the row is there now
            found = self._find_existing(connection, article)
            if found is None:
                raise StoreError("article vanished after a conflicting insert", input=article.key_url)
            return SaveResult(found, False, article.key_url)
        return SaveResult(int(new_id), True, article.key_url)

    def _find_existing(self, connection: Connection, article: Article) -> int | None:
        same_url = articles.c.url == article.key_url
        same_text = (articles.c.domain == article.domain) & (articles.c.content_hash == article.content_hash)
        query = select(articles.c.id).where(or_(same_url, same_text)).limit(1)
        found = connection.execute(query).scalar()
        return None if found is None else int(found)

    def _outlet_id(self, connection: Connection, domain: str, name: str) -> int | None:
        if not domain:
            return None
        domain, name = domain[:255], name[:255]
        found = connection.execute(select(outlets.c.id).where(outlets.c.domain == domain)).scalar()
        if found is not None:
            return int(found)
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        values = {"domain": domain, "name": name or domain}
        connection.execute(dialect.insert(outlets).values(**values).on_conflict_do_nothing())
        return int(connection.execute(select(outlets.c.id).where(outlets.c.domain == domain)).scalar_one())

    def get_article(self, article_id: int) -> Article | None:
        """Return the article with this id, or None."""
        with self.engine.connect() as connection:
            row = connection.execute(select(articles).where(articles.c.id == article_id)).first()
        return None if row is None else article_from_row(row)

    def list_articles(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        domain: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Article]:
        """Return articles, newest first, optionally from one outlet and between two dates."""
        query = select(articles)
        if domain:
            query = query.where(articles.c.domain == domain)
        if since:
            query = query.where(articles.c.published >= since)
        if until:
            query = query.where(articles.c.published < until)
        query = query.order_by(articles.c.published.desc().nulls_last(), articles.c.id.desc())
        with self.engine.connect() as connection:
            rows = connection.execute(query.limit(limit).offset(offset)).all()
        return [article_from_row(row) for row in rows]

    def known_urls(self, urls: list[str]) -> set[str]:
        """Return which of urls are already stored (as URL or canonical URL)."""
        found: set[str] = set()
        with self.engine.connect() as connection:
            for start in range(0, len(urls), 500):
                chunk = urls[start : start + 500]
                query = select(articles.c.url, articles.c.canonical_url).where(
                    or_(articles.c.url.in_(chunk), articles.c.canonical_url.in_(chunk))
                )
                for row in connection.execute(query):
                    found.update({row.url, row.canonical_url})
        return found & set(urls)

    def count_articles(self) -> int:
        """Return how many articles are stored."""
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(articles)).scalar_one())

    def set_article_links(self, updates: dict[int, dict[str, int | None]]) -> None:
        """Set duplicate_of and/or story_id of articles by id."""
        with self.engine.begin() as connection:
            for article_id, values in updates.items():
                connection.execute(articles.update().where(articles.c.id == article_id).values(**values))


__all__ = ["ArticleStore", "SaveResult", "article_from_row", "article_row"]
