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


def story_with_articles(store: Store, story_id: int, limit: int = 500) -> tuple[Story, list[Article]] | None:
    """Return a story with its articles, newest first, as lists show them (the start of each body), or None."""
    found = store.get_story(story_id, brief=True)
    if found is None:
        return None
    return found[0], list(reversed(found[1]))[:limit]


def story_articles(store: Store, story_id: int, limit: int = 500) -> list[Article]:
    """Return the articles of a story, newest first."""
    found = story_with_articles(store, story_id, limit)
    return [] if found is None else found[1]


def related_articles(
    store: Store, article: Article, limit: int = 5, coverage: list[Article] | None = None
) -> list[Article]:
    """Return what a reader of article may also like: its story's other coverage, then related articles.

    The related articles from other stories are those the story stage kept for article as articles arrived.

    Copies of one original appear once, and never copies of article itself. coverage: the articles of
    article's story when the caller has them already.
    """
    own = {article.id, article.duplicate_of} - {None}
    picked: list[Article] = []
    seen = set(own)

    def take(candidates: list[Article]) -> bool:
        for other in candidates:
            group = other.duplicate_of or other.id
            if other.id in seen or group in seen:
                continue
            seen.update({other.id, group})
            picked.append(other)
            if len(picked) == limit:
                return True
        return False

    if coverage is None:
        coverage = story_articles(store, article.story_id) if article.story_id else []
    # an original before its copies; the other stories' only when the story alone does not fill the list
    if not take(sorted(coverage, key=lambda other: other.duplicate_of is not None)) and article.id is not None:
        take(store.related_of(article.id, limit=limit * 2))
    return picked


__all__ = ["related_articles", "story_articles", "story_with_articles", "top_stories"]
