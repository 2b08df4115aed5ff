"""The story stages over stored articles: syndicated copies folded, articles clustered into stories, stories ranked.

A StoryDesk keeps the streaming state of the deduplicator and the clusterer between batches. Its memory
is bounded by the clusterer's time window; a new process warms it from the articles of that window.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from newsdesk.cluster import ClusterOptions, StoryClusterer, cluster_doc
from newsdesk.dedupe import DedupeOptions, Deduplicator
from newsdesk.model import Article, Story
from newsdesk.rank import RankOptions, summarise_story
from newsdesk.store import Store

log = logging.getLogger(__name__)

MAX_REMEMBERED = 500_000  # ids kept to translate the stages' own numbers back to database ids


@dataclass(frozen=True, slots=True, kw_only=True)
class StoryOptions:
    """How deduplication, clustering and ranking run inside the pipeline."""

    dedupe: DedupeOptions = field(default_factory=DedupeOptions)
    cluster: ClusterOptions = field(default_factory=ClusterOptions)
    rank: RankOptions = field(default_factory=RankOptions)
    window: timedelta = timedelta(hours=72)


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

    @classmethod
    def warmed(
        cls, store: Store, options: StoryOptions | None = None, *, before: list[Article] | None = None
    ) -> StoryDesk:
        """Return a desk that has seen the stored articles of the time window before these new articles.

        Without new articles the window ends at the newest stored article.
        """
        desk = cls(options)
        exclude = {a.id for a in before or ()}
        dated = [_arrival(a)[0] for a in (before or store.list_articles(limit=1))]
        dated = [when for when in dated if when > _UNDATED]
        if before or dated:
            latest = min(dated, default=datetime.now(UTC))
            recent = [
                a
                for a in store.recent_articles(latest - desk.options.window)
                if a.id not in exclude and a.story_id is not None  # the rest are still to be clustered
            ]
            mentions = store.mentions_of([a.id for a in recent if a.id is not None])
            for article in recent:
                desk._replay(replace(article, mentions=tuple(mentions.get(article.id or 0, ()))))
        return desk

    def _replay(self, article: Article) -> None:
        if article.id is None:
            return
        number, _ = self.finder.add(article.title, article.text)
        self._article_of[number] = article.id
        key, _ = self.clusterer.add(cluster_doc(article, article.id))
        if article.story_id is not None and key not in self._story_of:
            self._story_of[key] = article.story_id

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
            key, _ = self.clusterer.add(cluster_doc(article, article.id))
            for gone, kept in self.clusterer.pop_merges():
                self._merge(store, gone, kept, story_of)
            if key not in self._story_of:
                self._story_of[key] = store.save_story(Story()).id or 0
            story_of[article.id] = self._story_of[key]
        store.assign_articles(story_of, duplicate_of)
        touched = {story for story in story_of.values() if story is not None}
        self.refresh(store, touched)
        return touched

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
