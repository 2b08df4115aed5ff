"""Stories as the website needs them, read through whichever Store methods the stories module offers.

The stories store is written alongside the website: where its methods are missing, pages fall back
to the plain ``stories`` table (ordered by score) and to article listings, so the site degrades to
"latest news" instead of failing.
"""

from __future__ import annotations

from typing import Any

from newsdesk.model import Article, Story
from newsdesk.store import Store
from newsdesk.store.search import Filters


def _method(store: Store, name: str) -> Any:
    return getattr(store, name, None)


def top_stories(store: Store, limit: int = 10) -> list[Story]:
    """Return the key stories of the day, best first (empty when there are none)."""
    method = _method(store, "top_stories")
    if method is None:
        return store.stored_stories(limit=limit)
    return list(method(limit=limit))


def get_story(store: Store, story_id: int) -> Story | None:
    """Return one story, or None."""
    method = _method(store, "get_story")
    if method is not None:
        found: Story | None = method(story_id)
        return found
    return store.stories_by_id([story_id]).get(story_id)


def story_articles(store: Store, story_id: int, limit: int = 500) -> list[Article]:
    """Return the articles of a story, newest first."""
    method = _method(store, "story_articles")
    if method is not None:
        return list(method(story_id))[:limit]
    return store.browse_articles(Filters(story_id=story_id), limit=limit)


def related_articles(store: Store, article: Article, limit: int = 5) -> list[Article]:
    """Return articles a reader of this one may also like."""
    method = _method(store, "related_articles")
    if method is not None and article.id is not None:
        found = list(method(article.id, limit=limit))
        if found:
            return [a for a in found if isinstance(a, Article)][:limit]
    return store.similar_articles(article, limit=limit)


__all__ = ["get_story", "related_articles", "story_articles", "top_stories"]
