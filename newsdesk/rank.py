"""Key topics of the day and related articles.

A story ranks by breadth (distinct outlets, a reprint counted once), velocity (articles in the
last hours), recency and source diversity; its label is the headline that shares the most words
with the story's other headlines, its summary the opening sentences of that article.
"""

from __future__ import annotations

import heapq
import math
import sys
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from newsdesk.model import Article, Story
from newsdesk.neighbours import NeighbourIndex, cosine
from newsdesk.text import first_sentences, tokens


@dataclass(frozen=True, slots=True, kw_only=True)
class RankOptions:
    """Weights and time scales of the story score."""

    half_life_hours: float = 12.0  # recency: a story's score halves per this much quiet time
    velocity_hours: float = 6.0  # articles newer than this count towards velocity
    velocity_weight: float = 0.5
    summary_chars: int = 300


def _when(article: Article) -> datetime | None:
    when = article.published or article.fetched_at
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when


def outlets(articles: Sequence[Article]) -> set[str]:
    """Return the distinct outlets of the originals among articles (copies add reach, not an outlet)."""
    return {a.domain or a.site_name or a.key_url for a in articles if a.duplicate_of is None}


def label_article(articles: Sequence[Article]) -> Article:
    """Return the article whose headline shares the most words with the other headlines."""
    originals = [a for a in articles if a.duplicate_of is None] or list(articles)
    words = [set(tokens(a.title)) for a in originals]

    def overlap(i: int) -> tuple[float, int]:
        shared = sum(len(words[i] & other) for j, other in enumerate(words) if j != i)
        return (shared + (1 if originals[i].title else -100), -i)

    return originals[max(range(len(originals)), key=overlap)]


def score_story(articles: Sequence[Article], now: datetime, options: RankOptions | None = None) -> float:
    """Return the ranking score of a story made of articles, as of now."""
    o = options or RankOptions()
    found = outlets(articles)
    times = [t for t in map(_when, articles) if t is not None]
    last = max(times) if times else now
    quiet_hours = max(0.0, (now - last).total_seconds() / 3600.0)
    recent = sum(1 for t in times if (now - t).total_seconds() <= o.velocity_hours * 3600.0)
    breadth = math.log1p(len(found))
    diversity = len(found) / max(1, len(articles))
    velocity = o.velocity_weight * math.log1p(recent)
    return (breadth * (0.5 + 0.5 * diversity) + velocity) * 0.5 ** (quiet_hours / o.half_life_hours)


def summarise_story(
    story: Story, articles: Sequence[Article], now: datetime, options: RankOptions | None = None
) -> Story:
    """Return story with its label, summary, counts, times and score filled from its articles."""
    o = options or RankOptions()
    if not articles:
        return story
    lead = label_article(articles)
    times = [t for t in map(_when, articles) if t is not None]
    return Story(
        id=story.id,
        label=lead.title or first_sentences(lead.text, 80),
        summary=first_sentences(lead.lead or lead.text, o.summary_chars),
        first_seen=min(times) if times else story.first_seen,
        last_update=max(times) if times else story.last_update,
        article_count=len(articles),
        outlet_count=len(outlets(articles)),
        score=score_story(articles, now, o),
        article_ids=tuple(a.id for a in articles if a.id is not None),
    )


def rank_stories(stories: Sequence[Story], limit: int = 20) -> list[Story]:
    """Return the key topics: stories by descending score, ties by more outlets, then newer."""

    def key(story: Story) -> tuple[float, int, float]:
        last = story.last_update.timestamp() if story.last_update else 0.0
        return (story.score, story.outlet_count, last)

    return sorted(stories, key=key, reverse=True)[:limit]


def related_articles(
    key: int,
    vectors: Mapping[int, Mapping[str, float]],
    story_of: Mapping[int, int],
    original_of: Mapping[int, int],
    k: int = 5,
    candidates: Sequence[int] | None = None,
    **weights: Any,
) -> list[int]:
    """Return up to k related article keys: its own story's first, then the nearest others; no copies.

    The keys of :func:`scored_related`, which says how they are chosen and which weights it takes.
    """
    return [other for other, _ in scored_related(key, vectors, story_of, original_of, k, candidates, **weights)]


def scored_related(
    key: int,
    vectors: Mapping[int, Mapping[str, float]],
    story_of: Mapping[int, int],
    original_of: Mapping[int, int],
    k: int = 5,
    candidates: Sequence[int] | None = None,
    story_weight: float = 0.5,
    own_story_bonus: float = 1.0,
    density: Mapping[int, float] | None = None,
    density_weight: float = 0.5,
) -> list[tuple[int, float]]:
    """Return up to k (related article key, closeness) pairs, closest first; no copies.

    An article's closeness mixes its cosine with key and key's mean cosine to the article's story
    (the story's members among the candidates, key excluded), so an article whose story as a whole
    resembles key outranks a lone look-alike; key's own story adds own_story_bonus (1 puts it first).
    With density (an article's mean cosine to its nearest neighbours, see RelatedIndex), each cosine
    loses density_weight times the other article's density: an article close to everything on a
    broad topic (one more Trump story) then ranks below one that is close to key in particular.
    Copies of one original (and of key itself) appear at most once, as the original.
    """
    vector = vectors[key]
    own_story = story_of.get(key)
    seen = {original_of.get(key, key)}
    pool = [other for other in (candidates if candidates is not None else list(vectors)) if other != key]
    dense = density or {}
    cosines = {other: cosine(vector, vectors[other]) - density_weight * dense.get(other, 0.0) for other in pool}
    sums: dict[int | None, list[float]] = {}
    for other, value in cosines.items():
        story = story_of.get(other)
        if story is not None:
            total = sums.setdefault(story, [0.0, 0])
            total[0] += value
            total[1] += 1

    def closeness(other: int) -> tuple[float, float]:
        story = story_of.get(other)
        mean = sums[story][0] / sums[story][1] if story in sums else cosines[other]
        bonus = own_story_bonus if story is not None and story == own_story else 0.0
        return ((1.0 - story_weight) * cosines[other] + story_weight * mean + bonus, cosines[other])

    out: list[tuple[int, float]] = []
    for other in sorted(pool, key=closeness, reverse=True):
        group = original_of.get(other, other)
        if group in seen:
            continue
        seen.add(group)
        out.append((other, closeness(other)[0]))
        if len(out) == k:
            break
    return out


class RelatedIndex(NeighbourIndex):
    """An inverted index of article vectors by their heaviest terms, to shortlist related articles.

    Each term keeps its per_term newest articles: a term that common says little about relatedness, and
    the newest are the likeliest to be related to what arrives next. It also keeps each article's density:
    its mean cosine to its neighbours nearest so far (a hubness correction, as in CSLS), updated as later
    articles arrive; related_articles takes it. With a window (seconds), articles older than the newest
    arrival by more than that are forgotten, which bounds memory in a stream. A vector keeps its `terms`
    heaviest terms (64 kept the dev stories' related share at 0.708; they hold 35 terms on average), so a
    long article costs no more than a short one.
    """

    def __init__(
        self,
        lookup_terms: int = 10,
        per_term: int = 200,
        neighbours: int = 5,
        compared: int = 50,
        window: float | None = None,
        terms: int = 64,
    ) -> None:
        super().__init__(neighbours, compared, lookup_terms, per_term)
        self.window = window
        self.terms = terms
        self._arrivals: deque[tuple[float, int]] = deque()
        self._latest: float | None = None

    def add(self, key: int, vector: Mapping[str, float], when: float | None = None) -> list[int]:
        """Index one article's vector (when: its time, a POSIX timestamp); return the keys it pushed out.

        The densities of it and its likely neighbours are updated.
        """
        self.insert(key, self._trimmed(vector))
        return self._expire(key, when)

    def _trimmed(self, vector: Mapping[str, float]) -> Mapping[str, float]:
        if len(vector) <= self.terms:
            return vector
        kept = heapq.nlargest(self.terms, vector, key=vector.__getitem__)
        norm = math.sqrt(sum(vector[word] ** 2 for word in kept)) or 1.0
        return {sys.intern(word): vector[word] / norm for word in kept}

    def _expire(self, key: int, when: float | None) -> list[int]:
        if self.window is None or when is None:
            return []
        self._arrivals.append((when, key))
        self._latest = when if self._latest is None else max(self._latest, when)
        gone: list[int] = []
        while self._arrivals and self._arrivals[0][0] < self._latest - self.window:
            _, old = self._arrivals.popleft()
            if old in self.vectors:
                self.remove(old)
                gone.append(old)
        return gone

    def candidates(self, key: int, also: Sequence[int] = (), limit: int | None = None) -> list[int]:
        """Return indexed articles sharing a heavy term with key, plus also (its story's members).

        With a limit, only the limit sharing the most heavy terms (the newest first among equals) are kept
        besides also.
        """
        shared = self.shared(self.heavy(self.vectors[key]))
        if limit is not None and len(shared) > limit:
            shared = dict.fromkeys(heapq.nlargest(limit, shared, key=lambda other: (shared[other], other)), 0)
        found = dict.fromkeys(other for other in also if other in self.vectors)
        found.update(dict.fromkeys(shared))
        found.pop(key, None)
        return list(found)
