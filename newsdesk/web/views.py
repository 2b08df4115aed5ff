"""One function per page (home, story, article, entity, search): the context its HTML and JSON share."""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from newsdesk.model import Article, Entity, User
from newsdesk.store import Store
from newsdesk.store.search import Filters
from newsdesk.web import stories

log = logging.getLogger(__name__)

PAGE_SIZE = 30
SEARCH_PAGE_SIZE = 20
COMMENT_LIMIT = 500  # what list_comments returns at most
LABELS = {"PER": "People", "ORG": "Organisations", "LOC": "Places", "GPE": "Places", "MISC": "Other"}


class NotFound(LookupError):
    """The page asked for does not exist."""


@dataclass(frozen=True, slots=True)
class Feedlink:
    """A feed announced in a page's head with <link rel=alternate>."""

    title: str
    href: str
    type: str


@dataclass(slots=True)
class Fold:
    """An original article with the syndicated copies folded under it."""

    article: Article
    copies: list[Article] = field(default_factory=list)

    @property
    def copy_outlets(self) -> list[str]:
        """Return the outlets that republished the original, once each."""
        return sorted({c.site_name or c.domain for c in self.copies} - {""})


def feeds_for(path: str, title: str) -> list[Feedlink]:
    """Return the RSS and Atom links of a feed path (without extension)."""
    return [
        Feedlink(f"{title} (RSS)", f"{path}.rss", "application/rss+xml"),
        Feedlink(f"{title} (Atom)", f"{path}.atom", "application/atom+xml"),
    ]


class _Facets:
    """Filter menu values, recomputed in the background at most once a minute because counting them scans the table.

    Only the first request ever waits for them; afterwards a stale menu is shown while one background thread
    recomputes it, so that no reader's request pays for the scan (it cost 120 ms on 100,000 articles).
    """

    def __init__(self, max_age: float = 60.0) -> None:
        self.max_age = max_age
        self._cache: dict[str, tuple[float, list[str]]] = {}
        self._lock = threading.Lock()
        self._computing: dict[str, threading.Lock] = defaultdict(threading.Lock)

    def get(self, store: Store, column: str) -> list[str]:
        """Return the most common values of a column, at most max_age seconds old (or older while recomputed)."""
        with self._lock:
            cached = self._cache.get(column)
            computing = self._computing[column]
        if cached and time.monotonic() - cached[0] < self.max_age:
            return cached[1]
        if cached is None:
            with computing:  # the first requests wait for one computation
                with self._lock:
                    again = self._cache.get(column)
                return again[1] if again else self._compute(store, column)
        if computing.acquire(blocking=False):
            threading.Thread(target=self._refresh, args=(store, column, computing), daemon=True).start()
        return cached[1]

    def _refresh(self, store: Store, column: str, computing: threading.Lock) -> None:
        try:
            self._compute(store, column)
        except Exception:  # a failed refresh keeps the old menu; the next request after max_age tries again
            log.warning("could not recompute the %s filter menu", column, exc_info=True)
            with self._lock:
                self._cache[column] = (time.monotonic() - self.max_age / 2, self._cache[column][1])
        finally:
            computing.release()

    def _compute(self, store: Store, column: str) -> list[str]:
        values = store.facet_values(column, limit=30)
        with self._lock:
            self._cache[column] = (time.monotonic(), values)
        return values


FACETS = _Facets()


def home_context(store: Store, filters: Filters, page: int) -> dict[str, Any]:
    """Return the home page: top stories (first page only) and the latest articles."""
    found = store.browse_articles(filters, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    top = stories.top_stories(store, limit=10) if page == 1 and filters == Filters() else []
    return {
        "top_stories": top,
        "articles": found[:PAGE_SIZE],
        "page": page,
        "has_next": len(found) > PAGE_SIZE,
        "filters": filters,
        "facets": {name: FACETS.get(store, name) for name in ("lang", "section")},
        "feeds": feeds_for("/feeds/top", "Top stories"),
    }


def fold_copies(articles: list[Article]) -> list[Fold]:
    """Return originals with their copies folded under them, originals in the given order."""
    ids = {a.id for a in articles}
    folds = {a.id: Fold(a) for a in articles if a.duplicate_of is None or a.duplicate_of not in ids}
    for article in articles:
        if article.id not in folds and article.duplicate_of in folds:
            folds[article.duplicate_of].copies.append(article)
    return list(folds.values())


def by_outlet(folds: list[Fold]) -> list[tuple[str, list[Fold]]]:
    """Return folds grouped by outlet, the outlet with the newest coverage first."""
    groups: dict[str, list[Fold]] = defaultdict(list)
    for fold in folds:
        groups[fold.article.site_name or fold.article.domain or "Unknown outlet"].append(fold)
    return list(groups.items())


def entity_groups(found: list[tuple[Entity, int]]) -> list[tuple[str, list[Entity]]]:
    """Return entities grouped under People, Organisations, Places, Other."""
    groups: dict[str, list[Entity]] = defaultdict(list)
    for entity, _count in found:
        groups[LABELS.get(entity.label, "Other")].append(entity)
    order = ["People", "Organisations", "Places", "Other"]
    return [(name, groups[name]) for name in order if groups.get(name)]


def story_context(store: Store, story_id: int) -> dict[str, Any]:
    """Return a story page: its articles by outlet with copies folded, timeline, entities, key quotes."""
    found = stories.story_with_articles(store, story_id)
    if found is None:
        raise NotFound(f"story {story_id} not found")
    story, articles = found
    ids = [a.id for a in articles if a.id is not None]
    folds = fold_copies(articles)
    timeline = sorted((a for a in articles if a.published), key=lambda a: (a.published, a.id))
    return {
        "story": story,
        "outlets": by_outlet(folds),
        "article_count": len(articles),
        "timeline": timeline,
        "entities": entity_groups(store.entities_of_articles(ids)),
        "quotes": store.quotes_of_articles(ids, limit=8),
        "feeds": feeds_for(f"/story/{story_id}", f"Story: {story.label}"),
    }


def attribution_lines(store: Store, article_id: int) -> tuple[list[str], list[Any], list[Any]]:
    """Return "TASR, citing AP" lines, the quotes and the mentions of an article."""
    mentions, quotes, attributions = store.article_analysis(article_id)
    lines = [f"{a.source}, citing {a.cites}" if a.cites else a.source for a in attributions]
    return list(dict.fromkeys(lines)), quotes, mentions


def article_context(store: Store, article_id: int, viewer: User | None) -> dict[str, Any]:
    """Return an article page: the article, its sources, entities, quotes, related articles, comments."""
    article = store.get_article(article_id)
    if article is None:
        raise NotFound(f"article {article_id} not found")
    sources, quotes, _mentions = attribution_lines(store, article_id)
    found = stories.story_with_articles(store, article.story_id) if article.story_id else None
    story, coverage = found if found else (None, [])
    original = store.get_article(article.duplicate_of) if article.duplicate_of else None
    feeds = feeds_for(f"/story/{story.id}", f"Story: {story.label}") if story else []
    moderator = bool(viewer and viewer.is_admin)
    comments = store.list_comments(article_id, include_hidden=moderator, limit=COMMENT_LIMIT)
    # what readers see is the whole count unless the list was cut short or holds hidden ones
    count = store.count_comments(article_id) if moderator or len(comments) >= COMMENT_LIMIT else len(comments)
    return {
        "article": article,
        "sources": sources,
        "entities": [entity for entity, _n in store.entities_of_articles([article_id], limit=40)],
        "quotes": quotes,
        "story": story,
        "original": original,
        "related": stories.related_articles(store, article, limit=5, coverage=coverage),
        "comments": comments,
        "comment_count": count,
        "feeds": feeds + feeds_for("/feeds/top", "Top stories"),
    }


def entity_context(store: Store, entity_id: int) -> dict[str, Any]:
    """Return an entity page: names, role, recent stories, articles and quotes."""
    entity = store.get_entity(entity_id)
    if entity is None:
        raise NotFound(f"entity {entity_id} not found")
    return {
        "entity": entity,
        "kind": LABELS.get(entity.label, "Other"),
        "stories": store.entity_stories(entity_id, limit=10),
        "articles": store.entity_articles(entity_id, limit=20),
        "quotes": store.entity_quotes(entity, limit=10),
        "feeds": feeds_for(f"/entity/{entity_id}", entity.name),
    }


def search_context(store: Store, q: str, filters: Filters, page: int) -> dict[str, Any]:
    """Return a search page: highlighted hits for q and how many matched."""
    found = store.search_articles(q, filters, limit=SEARCH_PAGE_SIZE, offset=(page - 1) * SEARCH_PAGE_SIZE)
    return {
        "q": q,
        "hits": found.hits,
        "total": found.total,
        "more": found.more,
        "page": page,
        "has_next": page * SEARCH_PAGE_SIZE < found.total,
        "filters": filters,
        "facets": {name: FACETS.get(store, name) for name in ("lang", "section")},
        "feeds": [],
    }


def health_context(store: Store, days: int) -> dict[str, Any]:
    """Return the extraction health page: per site and per feed, pages stored and pages that failed, and why."""
    return {
        "days": days,
        "sites": store.extraction_health(by="domain", days=days),
        "feeds": store.extraction_health(by="feed_url", days=days),
        "feed_errors": [f for f in store.list_feeds() if f.error_count],
    }
