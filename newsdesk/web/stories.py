"""Stories as the website shows them: the key topics of the day, a story's coverage, related articles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newsdesk.model import Article, Story
from newsdesk.store import Store

FRESH = timedelta(hours=36)  # a story with nothing newer than this is no longer a topic of the day


def top_stories(store: Store, limit: int = 10) -> list[Story]:
    """Return the key stories of the day, best first; the best stories overall when nothing is recent."""
    found = store.top_stories(limit=limit, since=datetime.now(UTC) - FRESH)
    return found or store.top_stories(limit=limit)


def get_story(store: Store, story_id: int) -> Story | None:
    """Return one story, or None."""
    found = store.get_story(story_id)
    return None if found is None else found[0]


def story_articles(store: Store, story_id: int, limit: int = 500) -> list[Article]:
    """Return the articles of a story, newest first."""
    found = store.get_story(story_id)
    if found is None:
        return []
    return list(reversed(found[1]))[:limit]


def related_articles(store: Store, article: Article, limit: int = 5) -> list[Article]:
    """Return what a reader of article may also like: its story's other coverage, then similar articles.

    Copies of one original appear once, and never copies of article itself.
    """
    own = {article.id, article.duplicate_of} - {None}
    picked: list[Article] = []
    seen = set(own)
    coverage = story_articles(store, article.story_id) if article.story_id else []
    coverage.sort(key=lambda other: other.duplicate_of is not None)  # an original before its copies
    for other in [*coverage, *store.similar_articles(article, limit=limit * 2)]:
        group = other.duplicate_of or other.id
        if other.id in seen or group in seen:
            continue
        seen.update({other.id, group})
        picked.append(other)
        if len(picked) == limit:
            break
    return picked


__all__ = ["get_story", "related_articles", "story_articles", "top_stories"]
