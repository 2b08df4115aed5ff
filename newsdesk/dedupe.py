"""Deduplication: fold exact and near copies (syndicated wire copy) into one original.

A copy keeps most of its original's word 3-grams even after a dateline, a credit line, an ad,
a cut ending or a few swapped words, while two outlets covering one event share almost none,
so the score is the weighted containment of the smaller text's shingles in the larger one.
Shingles that many unrelated texts share (credit lines, "Copyright ... All rights reserved")
are down-weighted by their document frequency, which needs no list of boilerplate phrases.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC

from newsdesk.model import Article

_WORD = re.compile(r"\w+")

AGENCY_DOMAINS = frozenset({"apnews.com", "reuters.com", "afp.com", "dpa.com", "tasr.sk", "efe.com", "ansa.it"})


@dataclass(frozen=True, slots=True, kw_only=True)
class DedupeOptions:
    """How near two texts must be to count as one, and how much history to keep."""

    shingle: int = 3
    threshold: float = 0.5  # weighted containment of the smaller text in the larger
    min_shared: float = 3.0  # weighted shingles in common, so a few boilerplate words never decide
    common_df: int = 12  # shingles seen in more texts than this weigh common_df/df
    stop_df: int = 200  # shingles seen in more texts than this are not looked up at all
    # keep one shingle in this many (by hash) on both sides: 2 is 1.5x faster but, as the hash is
    # randomised per process, its precision on boilerplate-only texts varies from run to run
    sample: int = 1
    window: int = 200_000  # texts per index generation; two generations are kept


@dataclass(slots=True)
class _Generation:
    postings: dict[int, list[int]]
    df: dict[int, int]
    size: dict[int, float]
    count: int = 0


def words(text: str) -> list[str]:
    """Return the lower-cased word tokens of text (a faster ``text.tokens`` for ASCII text)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _WORD.findall(text.lower())


def fingerprint(title: str, text: str, k: int = 3, sample: int = 1) -> tuple[int, set[int]]:
    """Return an exact key of the words of title and text, and their hashed word k-grams.

    k-grams never span title and text; only those whose hash is divisible by ``sample`` are kept.
    """
    head, body = words(title), words(text)
    out: set[int] = set()
    for found in (head, body):
        if 0 < len(found) < k:
            out.add(hash(tuple(found)))
        out.update(map(hash, zip(*(found[i:] for i in range(k)), strict=False)))
    if sample > 1:
        out = {gram for gram in out if gram % sample == 0}
    return hash((tuple(head), tuple(body))), out


class Deduplicator:
    """Streaming near-duplicate finder: add texts in arrival order, get each one's original."""

    def __init__(self, options: DedupeOptions | None = None) -> None:
        self.options = options or DedupeOptions()
        self._current = _Generation({}, {}, {})
        self._previous: _Generation | None = None
        self._exact: dict[int, int] = {}
        self._old_exact: dict[int, int] = {}
        self._root: dict[int, int] = {}
        self._next = 0

    def add(self, title: str, text: str) -> tuple[int, int]:
        """Index one text; return (its number, the number of its original, itself if none)."""
        number = self._next
        self._next += 1
        key, grams = fingerprint(title, text, self.options.shingle, self.options.sample)
        found = self._exact.get(key, self._old_exact.get(key))
        weights = self._weights(grams)
        if found is None:
            found = self._best_match(weights)
        root = number if found is None else self._root.get(found, found)
        self._remember(number, key, weights, root)
        return number, root

    def _weights(self, grams: set[int]) -> dict[int, float]:
        o = self.options
        weights = {}
        for gram in grams:
            df = self._current.df.get(gram, 0) + (self._previous.df.get(gram, 0) if self._previous else 0)
            weights[gram] = 1.0 if df <= o.common_df else o.common_df / df
        return weights

    def _best_match(self, weights: dict[int, float]) -> int | None:
        o = self.options
        shared: dict[int, float] = {}
        for generation in (self._current, self._previous):
            if generation is None:
                continue
            for gram, weight in weights.items():
                if generation.df.get(gram, 0) > o.stop_df:
                    continue
                for other in generation.postings.get(gram, ()):
                    shared[other] = shared.get(other, 0.0) + weight
        own = sum(weights.values())
        best, best_score = None, o.threshold
        for other, common in shared.items():
            if common < o.min_shared:
                continue
            score = common / max(min(own, self._size(other)), 1e-9)
            if score >= best_score:
                best, best_score = other, score
        return best

    def _size(self, number: int) -> float:
        size = self._current.size.get(number)
        if size is None and self._previous is not None:
            size = self._previous.size.get(number)
        return size if size is not None else float("inf")

    def _remember(self, number: int, key: int, weights: dict[int, float], root: int) -> None:
        o = self.options
        if self._current.count >= o.window:
            self._previous, self._current = self._current, _Generation({}, {}, {})
            self._old_exact, self._exact = self._exact, {}
            self._root = {n: r for n, r in self._root.items() if n in self._previous.size}
        generation = self._current
        generation.count += 1
        generation.size[number] = sum(weights.values())
        for gram in weights:
            df = generation.df.get(gram, 0) + 1
            generation.df[gram] = df
            if df <= o.stop_df:
                generation.postings.setdefault(gram, []).append(number)
            elif df == o.stop_df + 1:
                generation.postings.pop(gram, None)
        self._exact.setdefault(key, number)
        if root != number:
            self._root[number] = root


def dedupe_groups(docs: Iterable[tuple[str, str]], options: DedupeOptions | None = None) -> list[int]:
    """Return, for each (title, text) in order, the index of the original it copies (itself if none)."""
    finder = Deduplicator(options)
    return [finder.add(title, text)[1] for title, text in docs]


def _order_key(article: Article) -> tuple[float, bool]:
    when = article.published or article.fetched_at
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when.timestamp() if when else math.inf, article.domain not in AGENCY_DOMAINS)


def dedupe_articles(batch: Sequence[Article], options: DedupeOptions | None = None) -> list[Article]:
    """Return batch with duplicate_of set on copies, pointing at the earliest (or the agency's) original."""
    order = sorted(range(len(batch)), key=lambda i: _order_key(batch[i]))
    by_url: dict[str, int] = {}
    finder = Deduplicator(options)
    originals: dict[int, int] = {}
    for i in order:
        article = batch[i]
        url_match = by_url.setdefault(article.key_url, i)
        number, root = finder.add(article.title, article.text)
        originals[i] = url_match if url_match != i else order[root]
    out = []
    for i, article in enumerate(batch):
        original = batch[originals[i]]
        copy_of = original.id if originals[i] != i and original.id is not None else article.duplicate_of
        out.append(replace(article, duplicate_of=copy_of))
    return out
