"""The story stages over stored articles: copies folded, articles clustered into stories, related articles, ranking.

A StoryDesk keeps the streaming state of the deduplicator, the clusterer and the related-article index
between batches. Its memory is bounded by the time window; a new process warms it from the articles of
that window.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from newsdesk.cluster import ClusterOptions, StoryClusterer, Vector, cluster_doc
from newsdesk.dedupe import DedupeOptions, Deduplicator
from newsdesk.model import Article, Story
from newsdesk.rank import RankOptions, RelatedIndex, scored_related, summarise_story
from newsdesk.store import Store

log = logging.getLogger(__name__)

MAX_REMEMBERED = 500_000  # ids kept to translate the stages' own numbers back to database ids
RELATED_KEPT = 8  # related articles from other stories kept per article (the page shows 5, after its own story's)
RELATED_SHORTLIST = 200  # candidates scored in full per article (dev stories: all of them 0.709, 200 0.708)


@dataclass(frozen=True, slots=True, kw_only=True)
class StoryOptions:
    """How deduplication, clustering and ranking run inside the pipeline."""

    dedupe: DedupeOptions = field(default_factory=DedupeOptions)
    cluster: ClusterOptions = field(default_factory=ClusterOptions)
    rank: RankOptions = field(default_factory=RankOptions)
    window: timedelta = timedelta(hours=72)  # stories quiet this long close
    related_window: timedelta = timedelta(days=7)  # related articles from other stories are sought this far back


class _Bounded(OrderedDict[int, int]):
    """A map that forgets its oldest entries past a size."""

    def __setitem__(self, key: int, value: int) -> None:
        super().__setitem__(key, value)
        if len(self) > MAX_REMEMBERED:
            self.popitem(last=False)


class StoryDesk:
    """Folds copies and assigns stories to articles as they are stored."""

    def __init__(self, options: StoryOptions | None = None) -> None:
        self.options = options or StoryOptions()
        self.finder = Deduplicator(self.options.dedupe)
        self.clusterer = StoryClusterer(self.options.cluster)
        self._article_of: _Bounded = _Bounded()  # deduplicator number → article id
        self._story_of: _Bounded = _Bounded()  # clusterer story key → story id
        self._merged: _Bounded = _Bounded()  # clusterer story key merged away → the key it went to
        self.related = RelatedIndex(window=self.options.related_window.total_seconds())
        self._key_of: dict[int, int] = {}  # article id → clusterer story key, for articles in the related index
        self._original_of: dict[int, int] = {}  # copy's article id → original's, for articles in the related index
        self._related: dict[int, list[tuple[int, float]]] = {}  # article id → its related (id, score), best first

    @classmethod
    def warmed(
        cls, store: Store, options: StoryOptions | None = None, *, before: list[Article] | None = None
    ) -> StoryDesk:
        """Return a desk that has seen the stored articles of the time windows before these new articles.

        Without new articles the windows end at the newest stored article. Articles of the story window are
        replayed through every stage; older ones of the related window only into the related-article index.
        """
        desk = cls(options)
        exclude = {a.id for a in before or ()}
        dated = [_arrival(a)[0] for a in (before or store.list_articles(limit=1))]
        dated = [when for when in dated if when > _UNDATED]
        if before or dated:
            latest = min(dated, default=datetime.now(UTC))
            stories_since = latest - desk.options.window
            recent = [
                a
                for a in store.recent_articles(min(stories_since, latest - desk.options.related_window))
                if a.id not in exclude and a.story_id is not None  # the rest are still to be clustered
            ]
            ids = [a.id for a in recent if a.id is not None]
            mentions = store.mentions_of(ids)
            for article in recent:
                article = replace(article, mentions=tuple(mentions.get(article.id or 0, ())))
                if _arrival(article)[0] >= stories_since:
                    desk._replay(article)
                elif article.id is not None:
                    vector = desk.clusterer.vectorise(cluster_doc(article, article.id), learn=True)
                    # its stored story under a key of its own (negative: the clusterer's keys count from 0)
                    desk._index(article.id, -1 - (article.story_id or 0), vector, article, article.duplicate_of)
            stored = store.related_scores(ids)
            desk._related.update((key, found) for key, found in stored.items() if key in desk.related.vectors)
        return desk

    def _replay(self, article: Article) -> None:
        if article.id is None:
            return
        number, _ = self.finder.add(article.title, article.text)
        self._article_of[number] = article.id
        key, vector = self.clusterer.add(cluster_doc(article, article.id))
        if article.story_id is not None and key not in self._story_of:
            self._story_of[key] = article.story_id
        self._index(article.id, key, vector, article, article.duplicate_of)

    def add(self, store: Store, articles: list[Article]) -> set[int]:
        """Fold copies and cluster stored articles (with ids, oldest first); return the stories touched."""
        story_of: dict[int, int | None] = {}
        duplicate_of: dict[int, int | None] = {}
        for article in sorted(articles, key=_arrival):
            if article.id is None:
                continue
            number, root = self.finder.add(article.title, article.text)
            self._article_of[number] = article.id
            if root != number and root in self._article_of:
                duplicate_of[article.id] = self._article_of[root]
            key, vector = self.clusterer.add(cluster_doc(article, article.id))
            for gone, kept in self.clusterer.pop_merges():
                self._merged[gone] = kept
                self._merge(store, gone, kept, story_of)
            if key not in self._story_of:
                self._story_of[key] = store.save_story(Story()).id or 0
            story_of[article.id] = self._story_of[key]
            self._index(article.id, key, vector, article, duplicate_of.get(article.id))
        store.assign_articles(story_of, duplicate_of)
        store.save_related(self._relate([a.id for a in articles if a.id is not None and a.id in self.related.vectors]))
        touched = {story for story in story_of.values() if story is not None}
        self.refresh(store, touched)
        return touched

    def _index(self, article_id: int, key: int, vector: Vector, article: Article, original: int | None) -> None:
        when = _arrival(article)[0]
        self._key_of[article_id] = key
        if original is not None:
            self._original_of[article_id] = original
        for gone in self.related.add(article_id, vector, when.timestamp() if when > _UNDATED else None):
            self._key_of.pop(gone, None)
            self._original_of.pop(gone, None)
            self._related.pop(gone, None)

    def _story_key(self, article_id: int) -> int:
        key = self._key_of[article_id]
        while key in self._merged:
            key = self._merged[key]
        return key

    def _relate(self, article_ids: list[int]) -> dict[int, list[tuple[int, float]]]:
        """Find the related articles (from other stories) of new articles, and offer each new one to those it
        found; return every list that changed."""
        changed: dict[int, list[tuple[int, float]]] = {}
        for article_id in article_ids:
            found = other_stories_related(self.related, article_id, self._story_key, self._original_of)
            self._related[article_id] = changed[article_id] = found
            for other, score in found:
                if self._offer(other, article_id, score):
                    changed[other] = self._related[other]
        return changed

    def _offer(self, article_id: int, candidate: int, score: float) -> bool:
        """Put candidate in article_id's related list if it ranks there; return whether the list changed."""
        current = self._related.setdefault(article_id, [])
        group = self._original_of.get(candidate, candidate)
        if any(self._original_of.get(other, other) == group for other, _ in current) or article_id == group:
            return False
        if len(current) >= RELATED_KEPT and score <= current[-1][1]:
            return False
        current.append((candidate, score))
        current.sort(key=lambda pair: pair[1], reverse=True)
        del current[RELATED_KEPT:]
        return True

    def _merge(self, store: Store, gone: int, kept: int, story_of: dict[int, int | None]) -> None:
        gone_id, kept_id = self._story_of.get(gone), self._story_of.get(kept)
        if gone_id is None or kept_id is None:
            if gone_id is not None:
                self._story_of[kept] = gone_id
            return
        store.merge_stories(gone_id, kept_id)
        for article_id, story in story_of.items():
            if story == gone_id:
                story_of[article_id] = kept_id
        self._story_of.pop(gone, None)

    def refresh(self, store: Store, story_ids: set[int], now: datetime | None = None) -> None:
        """Recompute label, summary, counts and score of these stories from their articles."""
        now = now or datetime.now(UTC)
        for story_id in sorted(story_ids):
            found = store.get_story(story_id)
            if found is not None:
                story, members = found
                store.save_story(summarise_story(story, members, now, self.options.rank))


def other_stories_related(
    index: RelatedIndex, key: int, story_key: Callable[[int], int], original_of: Mapping[int, int]
) -> list[tuple[int, float]]:
    """Return the related articles of key from other stories than its own, (key, score) best first.

    What the story stage keeps for each article: up to RELATED_KEPT, copies folded, among the RELATED_SHORTLIST
    candidates of the index sharing the most heavy terms with key.
    """
    own = story_key(key)
    pool = [other for other in index.candidates(key, limit=RELATED_SHORTLIST) if story_key(other) != own]
    story_of = {other: story_key(other) for other in [key, *pool]}
    density = {other: index.density_of(other) for other in pool}
    return scored_related(key, index.vectors, story_of, original_of, RELATED_KEPT, pool, density=density)


def assign_stories(store: Store, options: StoryOptions | None = None, *, chunk: int = 2000) -> int:
    """Fold copies and cluster every stored article that has no story yet, oldest first; return how many.

    This is the one pass that follows work which stored articles without the story stage (a backfill
    whose parallel tasks must not each keep their own story state).
    """
    desk: StoryDesk | None = None
    done = 0
    while batch := store.unassigned_articles(limit=chunk):
        mentions = store.mentions_of([a.id for a in batch if a.id is not None])
        batch = [replace(a, mentions=tuple(mentions.get(a.id or 0, ()))) for a in batch]
        desk = desk or StoryDesk.warmed(store, options, before=batch)
        desk.add(store, batch)
        done += len(batch)
    return done


_UNDATED = datetime.min.replace(tzinfo=UTC)


def _arrival(article: Article) -> tuple[datetime, int]:
    when = article.published or article.fetched_at or _UNDATED
    return (when if when.tzinfo else when.replace(tzinfo=UTC)), article.id or 0
