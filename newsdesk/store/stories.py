"""Stories in the database: saving and merging them, linking articles to stories and originals, listing the top."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, delete, func, insert, select

from newsdesk.model import Article, Story
from newsdesk.store.articles import BRIEF_COLUMNS, article_from_row
from newsdesk.store.tables import articles, related_articles, stories

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine


def story_from_row(row: Any, article_ids: tuple[int, ...] = ()) -> Story:
    """Return the Story a row of the stories table holds."""
    m = row._mapping
    return Story(
        id=m["id"],
        label=m["label"],
        summary=m["summary"],
        first_seen=m["first_seen"],
        last_update=m["last_update"],
        article_count=m["article_count"],
        outlet_count=m["outlet_count"],
        score=m["score"],
        article_ids=article_ids,
    )


def _values(story: Story) -> dict[str, Any]:
    return {
        "label": story.label,
        "summary": story.summary,
        "first_seen": story.first_seen,
        "last_update": story.last_update,
        "article_count": story.article_count,
        "outlet_count": story.outlet_count,
        "score": story.score,
    }


# the statements of the hottest reads, built once: building a statement cost more than running it on SQLite
_STORY_BY_ID = select(stories).where(stories.c.id == bindparam("id"))
_STORY_ORDER = (articles.c.published.asc().nulls_last(), articles.c.id)
_STORY_ARTICLES = select(articles).where(articles.c.story_id == bindparam("story")).order_by(*_STORY_ORDER)
_STORY_ARTICLES_BRIEF = select(*BRIEF_COLUMNS).where(articles.c.story_id == bindparam("story")).order_by(*_STORY_ORDER)
_RELATED_OF = (
    select(*BRIEF_COLUMNS)
    .join(related_articles, related_articles.c.related_id == articles.c.id)
    .where(related_articles.c.article_id == bindparam("article"))
    .order_by(related_articles.c.position)
    .limit(bindparam("limit"))
)


class StoryStore:
    """Methods of Store for stories and the story/duplicate links of articles."""

    engine: Engine
    reader: Engine  # the same database, for reads only (autocommit on PostgreSQL)

    def save_story(self, story: Story) -> Story:
        """Insert story (no id) or update it (id); return it with its id."""
        with self.engine.begin() as connection:
            if story.id is None:
                statement = stories.insert().values(**_values(story)).returning(stories.c.id)
                new_id = connection.execute(statement).scalar_one()
                return replace(story, id=int(new_id))
            connection.execute(stories.update().where(stories.c.id == story.id).values(**_values(story)))
        return story

    def assign_articles(
        self, story_of: Mapping[int, int | None], duplicate_of: Mapping[int, int | None] | None = None
    ) -> None:
        """Set the story of articles (article id -> story id) and, if given, their originals."""
        with self.engine.begin() as connection:
            for article_id, story_id in story_of.items():
                connection.execute(articles.update().where(articles.c.id == article_id).values(story_id=story_id))
            for article_id, original in (duplicate_of or {}).items():
                if original != article_id:
                    connection.execute(
                        articles.update().where(articles.c.id == article_id).values(duplicate_of=original)
                    )

    def merge_stories(self, gone: int, kept: int) -> None:
        """Move every article of story gone into story kept and delete gone."""
        if gone == kept:
            return
        with self.engine.begin() as connection:
            connection.execute(articles.update().where(articles.c.story_id == gone).values(story_id=kept))
            connection.execute(stories.delete().where(stories.c.id == gone))

    def get_story(self, story_id: int, *, brief: bool = False) -> tuple[Story, list[Article]] | None:
        """Return a story with its articles (oldest first), or None.

        brief: read only the start of each article's body (BRIEF_COLUMNS), as lists show them.
        """
        with self.reader.connect() as connection:
            row = connection.execute(_STORY_BY_ID, {"id": story_id}).first()
            if row is None:
                return None
            found = self._story_articles(connection, story_id, brief)
        return story_from_row(row, tuple(a.id for a in found if a.id is not None)), found

    def _story_articles(self, connection: Connection, story_id: int, brief: bool) -> list[Article]:
        query = _STORY_ARTICLES_BRIEF if brief else _STORY_ARTICLES
        return [article_from_row(row) for row in connection.execute(query, {"story": story_id})]

    def top_stories(self, *, limit: int = 20, since: datetime | None = None) -> list[Story]:
        """Return stories by descending score, optionally only those updated since a time."""
        query = select(stories)
        if since is not None:
            query = query.where(stories.c.last_update >= since)
        query = query.order_by(stories.c.score.desc(), stories.c.outlet_count.desc(), stories.c.id.desc())
        with self.reader.connect() as connection:
            return [story_from_row(row) for row in connection.execute(query.limit(limit))]

    def stories_of(self, article_ids: list[int]) -> dict[int, int | None]:
        """Return the story id of each of these articles."""
        query = select(articles.c.id, articles.c.story_id).where(articles.c.id.in_(article_ids))
        with self.reader.connect() as connection:
            return {int(row.id): row.story_id for row in connection.execute(query)}

    def recent_articles(self, since: datetime, *, limit: int = 200_000) -> list[Article]:
        """Return articles published (or fetched) since a time, oldest first: the window that warms the clusterer."""
        when = func.coalesce(articles.c.published, articles.c.fetched_at, articles.c.ingested_at)
        query = select(articles).where(when >= since).order_by(when, articles.c.id).limit(limit)
        with self.reader.connect() as connection:
            return [article_from_row(row) for row in connection.execute(query)]

    def unassigned_articles(self, *, limit: int = 2000) -> list[Article]:
        """Return stored articles that belong to no story yet, oldest first."""
        when = func.coalesce(articles.c.published, articles.c.fetched_at, articles.c.ingested_at)
        query = select(articles).where(articles.c.story_id.is_(None)).order_by(when, articles.c.id).limit(limit)
        with self.reader.connect() as connection:
            return [article_from_row(row) for row in connection.execute(query)]

    def save_related(self, related: Mapping[int, Sequence[tuple[int, float]]]) -> None:
        """Replace the related articles of these articles (article id -> (related id, score), best first)."""
        if not related:
            return
        rows = [
            {"article_id": article_id, "position": position, "related_id": other, "score": float(score)}
            for article_id, found in related.items()
            for position, (other, score) in enumerate(found)
        ]
        with self.engine.begin() as connection:
            connection.execute(delete(related_articles).where(related_articles.c.article_id.in_(list(related))))
            if rows:
                connection.execute(insert(related_articles), rows)

    def related_scores(self, article_ids: Sequence[int]) -> dict[int, list[tuple[int, float]]]:
        """Return the stored (related id, score) lists of these articles, best first; none for those without."""
        found: dict[int, list[tuple[int, float]]] = {}
        query = select(related_articles).order_by(related_articles.c.article_id, related_articles.c.position)
        with self.reader.connect() as connection:
            for chunk in range(0, len(article_ids), 5000):
                part = query.where(related_articles.c.article_id.in_(list(article_ids[chunk : chunk + 5000])))
                for row in connection.execute(part):
                    found.setdefault(int(row.article_id), []).append((int(row.related_id), float(row.score)))
        return found

    def related_of(self, article_id: int, *, limit: int = 10) -> list[Article]:
        """Return the stored related articles of an article, best first (brief: only the start of each body)."""
        with self.reader.connect() as connection:
            found = connection.execute(_RELATED_OF, {"article": article_id, "limit": limit})
            return [article_from_row(row) for row in found]

    def count_stories(self) -> int:
        """Return how many stories are stored."""
        with self.reader.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(stories)).scalar_one())


__all__ = ["StoryStore", "story_from_row"]
