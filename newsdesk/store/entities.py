"""Reading entities for the website: an article's entities, an entity's articles, stories and quotes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, or_, select

from newsdesk.model import Article, Entity, Quote, Story
from newsdesk.store.articles import BRIEF_COLUMNS, article_from_row
from newsdesk.store.stories import story_from_row
from newsdesk.store.tables import articles, entities, mentions, quotes, stories

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass(frozen=True, slots=True)
class SpokenQuote:
    """A quote with the article it appeared in."""

    quote: Quote
    article_id: int
    article_title: str


def entity_from_row(row: Any) -> Entity:
    """Return the Entity a database row holds."""
    return Entity(row.name, row.label, tuple(json.loads(row.variants)), row.role, row.id)


# the statements of the hottest reads, built once: building a statement cost more than running it on SQLite
_MENTION_COUNT = func.count(mentions.c.id).label("n")
_ENTITIES_OF_ARTICLES = (
    select(entities, _MENTION_COUNT)
    .join(mentions, mentions.c.entity_id == entities.c.id)
    .where(mentions.c.article_id.in_(bindparam("ids", expanding=True)))
    .group_by(entities.c.id, entities.c.name, entities.c.label, entities.c.role, entities.c.variants)
    .order_by(_MENTION_COUNT.desc(), entities.c.name)
    .limit(bindparam("limit"))
)
_QUOTES_OF_ARTICLES = (
    select(quotes, articles.c.title.label("article_title"))
    .join(articles, quotes.c.article_id == articles.c.id)
    .where(quotes.c.article_id.in_(bindparam("ids", expanding=True)), quotes.c.speaker != "")
    .order_by(func.length(quotes.c.text).desc(), quotes.c.id)
    .limit(bindparam("limit"))
)


class EntityStore:
    """Methods of Store for entity pages and the entities of articles and stories."""

    engine: Engine
    reader: Engine  # the same database, for reads only (autocommit on PostgreSQL)

    def entities_of_articles(self, article_ids: list[int], *, limit: int = 30) -> list[tuple[Entity, int]]:
        """Return the entities mentioned in these articles with their mention counts, most mentioned first."""
        if not article_ids:
            return []
        with self.reader.connect() as connection:
            found = connection.execute(_ENTITIES_OF_ARTICLES, {"ids": article_ids[:1000], "limit": limit})
            return [(entity_from_row(row), int(row.n)) for row in found]

    def entity_articles(self, entity_id: int, *, limit: int = 20, offset: int = 0) -> list[Article]:
        """Return the newest articles that mention an entity (brief: only the start of each body)."""
        mentioning = select(mentions.c.article_id).where(mentions.c.entity_id == entity_id)
        query = (
            select(*BRIEF_COLUMNS)
            .where(articles.c.id.in_(mentioning))
            .order_by(articles.c.published.desc(), articles.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        with self.reader.connect() as connection:
            return [article_from_row(row) for row in connection.execute(query)]

    def entity_stories(self, entity_id: int, *, limit: int = 10) -> list[Story]:
        """Return the most recently updated stories whose articles mention an entity."""
        story_ids = (
            select(articles.c.story_id)
            .join(mentions, mentions.c.article_id == articles.c.id)
            .where(mentions.c.entity_id == entity_id, articles.c.story_id.is_not(None))
        )
        query = (
            select(stories)
            .where(stories.c.id.in_(story_ids))
            .order_by(stories.c.last_update.desc(), stories.c.id.desc())
        )
        with self.reader.connect() as connection:
            return [story_from_row(row) for row in connection.execute(query.limit(limit))]

    def entity_quotes(self, entity: Entity, *, limit: int = 10) -> list[SpokenQuote]:
        """Return the newest quotes whose speaker is the entity under its name or a known spelling."""
        names = sorted({entity.name, *entity.variants} - {""})
        if not names:
            return []
        query = (
            select(quotes, articles.c.title.label("article_title"))
            .join(articles, quotes.c.article_id == articles.c.id)
            .where(or_(*(quotes.c.speaker == name for name in names[:50])))
            .order_by(articles.c.published.desc(), quotes.c.id.desc())
            .limit(limit)
        )
        with self.reader.connect() as connection:
            rows = connection.execute(query).all()
        return [
            SpokenQuote(Quote(r.text, r.speaker, r.cue, r.kind, r.start, r.end), r.article_id, r.article_title)
            for r in rows
        ]

    def quotes_of_articles(self, article_ids: list[int], *, limit: int = 10) -> list[SpokenQuote]:
        """Return direct quotes with a speaker from these articles, longest first (the key quotes)."""
        if not article_ids:
            return []
        with self.reader.connect() as connection:
            rows = connection.execute(_QUOTES_OF_ARTICLES, {"ids": article_ids[:1000], "limit": limit * 3}).all()
        seen: set[str] = set()
        found: list[SpokenQuote] = []
        for r in rows:  # syndicated copies repeat the same quote: keep it once
            if r.text in seen:
                continue
            seen.add(r.text)
            found.append(
                SpokenQuote(Quote(r.text, r.speaker, r.cue, r.kind, r.start, r.end), r.article_id, r.article_title)
            )
        return found[:limit]

    def stories_by_id(self, story_ids: list[int]) -> dict[int, Story]:
        """Return the stories with these ids, by id."""
        if not story_ids:
            return {}
        with self.reader.connect() as connection:
            rows = connection.execute(select(stories).where(stories.c.id.in_(story_ids[:1000]))).all()
        return {row.id: story_from_row(row) for row in rows}


__all__ = ["EntityStore", "SpokenQuote", "entity_from_row"]
