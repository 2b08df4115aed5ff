"""Articles and outlets in the database: idempotent saving, listing, reading, counting."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, func, or_, select
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


BRIEF_TEXT = 400  # characters of the body a list of articles reads: a feed's summary when there is no lead
# an article as lists show it (home, story coverage, related, entity pages): the body cut short
BRIEF_COLUMNS = [column for column in articles.c if column.name != "text"] + [
    func.substr(articles.c.text, 1, BRIEF_TEXT).label("text")
]


# the statements of the hottest reads, built once: building a statement cost more than running it on SQLite
_ARTICLE_BY_ID = select(articles).where(articles.c.id == bindparam("id"))


def article_from_row(row: Any) -> Article:
    """Return the Article a database row holds (with only the start of its body if read by BRIEF_COLUMNS)."""
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


def _page_keys(row: dict[str, Any]) -> tuple[tuple[str, ...], ...]:
    """The keys under which a stored page is the same page: its URL, and its site with its text."""
    return (("url", row["url"]), ("text", row["domain"], row["content_hash"]))


class ArticleStore:
    """Methods of Store for articles and outlets."""

    engine: Engine
    reader: Engine  # the same database, for reads only (autocommit on PostgreSQL)

    def _insert(self, connection: Connection, table: Any = articles) -> Any:
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        return dialect.insert(table)

    def save_articles(self, batch: list[Article]) -> list[SaveResult]:
        """Store each article unless the same page (URL or same site's same text) is already there."""
        try:
            with self.engine.begin() as connection:
                return self._save_batch(connection, batch)
        except SQLAlchemyError as exc:
            raise StoreError(f"saving {len(batch)} articles failed: {exc}") from exc

    def _save_batch(self, connection: Connection, batch: list[Article]) -> list[SaveResult]:
        rows = [article_row(article) for article in batch]
        known = self._existing_ids(connection, rows)
        outlet_ids = self._outlet_ids(connection, {r["domain"]: r["site_name"] for r in rows if r["domain"]})
        now = datetime.now(UTC)
        first_of: dict[tuple[str, ...], int] = {}  # page key → index of its first row in this batch
        new_rows: list[dict[str, Any]] = []
        for index, row in enumerate(rows):
            keys = _page_keys(row)
            if any(key in known for key in keys) or any(key in first_of for key in keys):
                continue
            first_of.update(dict.fromkeys(keys, index))
            new_rows.append({**row, "outlet_id": outlet_ids.get(row["domain"]), "ingested_at": now})
        created: dict[str, int] = {}
        if new_rows:
            statement = self._insert(connection).on_conflict_do_nothing().returning(articles.c.id, articles.c.url)
            created = {r.url: int(r.id) for r in connection.execute(statement, new_rows)}
        if len(created) < len(new_rows):  # another writer stored some of them meanwhile
            known.update(self._existing_ids(connection, rows))
        results = []
        for row in rows:
            new_id = created.pop(row["url"], None)
            if new_id is not None:
                results.append(SaveResult(new_id, True, row["url"]))
                for key in _page_keys(row):
                    known.setdefault(key, new_id)
                continue
            found = next((known[key] for key in _page_keys(row) if key in known), None)
            if found is None:
                raise StoreError("article vanished after a conflicting insert", input=row["url"])
            results.append(SaveResult(found, False, row["url"]))
        return results

    def _existing_ids(self, connection: Connection, rows: list[dict[str, Any]]) -> dict[tuple[str, ...], int]:
        """Return the ids of stored articles sharing a URL or a (site, text hash) with rows."""
        urls = list({r["url"] for r in rows})
        hashes = list({r["content_hash"] for r in rows})
        query = select(articles.c.id, articles.c.url, articles.c.domain, articles.c.content_hash).where(
            or_(articles.c.url.in_(urls), articles.c.content_hash.in_(hashes))
        )
        found: dict[tuple[str, ...], int] = {}
        for r in connection.execute(query):
            found[("url", r.url)] = int(r.id)
            found.setdefault(("text", r.domain, r.content_hash), int(r.id))
        return found

    def _outlet_ids(self, connection: Connection, names: dict[str, str]) -> dict[str, int]:
        """Return the outlet id of each domain, creating the outlets not seen before."""
        if not names:
            return {}
        query = select(outlets.c.id, outlets.c.domain).where(outlets.c.domain.in_(list(names)))
        found = {r.domain: int(r.id) for r in connection.execute(query)}
        missing = [{"domain": d, "name": (n or d)[:255]} for d, n in names.items() if d not in found]
        if missing:
            connection.execute(self._insert(connection, outlets).on_conflict_do_nothing(), missing)
            found.update({r.domain: int(r.id) for r in connection.execute(query)})
        return found

    def get_article(self, article_id: int) -> Article | None:
        """Return the article with this id, or None."""
        with self.reader.connect() as connection:
            row = connection.execute(_ARTICLE_BY_ID, {"id": article_id}).first()
        return None if row is None else article_from_row(row)

    def list_articles(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        domain: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        brief: bool = False,
    ) -> list[Article]:
        """Return articles, newest first, optionally from one outlet and between two dates.

        brief: read only the start of each body (BRIEF_COLUMNS), as lists show them.
        """
        query = select(*BRIEF_COLUMNS) if brief else select(articles)
        if domain:
            query = query.where(articles.c.domain == domain)
        if since:
            query = query.where(articles.c.published >= since)
        if until:
            query = query.where(articles.c.published < until)
        query = query.order_by(articles.c.published.desc().nulls_last(), articles.c.id.desc())
        with self.reader.connect() as connection:
            rows = connection.execute(query.limit(limit).offset(offset)).all()
        return [article_from_row(row) for row in rows]

    def known_urls(self, urls: list[str]) -> set[str]:
        """Return which of urls are already stored (as URL or canonical URL)."""
        found: set[str] = set()
        with self.reader.connect() as connection:
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
        with self.reader.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(articles)).scalar_one())

    def set_article_links(self, updates: dict[int, dict[str, int | None]]) -> None:
        """Set duplicate_of and/or story_id of articles by id."""
        with self.engine.begin() as connection:
            for article_id, values in updates.items():
                connection.execute(articles.update().where(articles.c.id == article_id).values(**values))


__all__ = ["BRIEF_COLUMNS", "BRIEF_TEXT", "ArticleStore", "SaveResult", "article_from_row", "article_row"]
