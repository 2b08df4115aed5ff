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
from hashlib import blake2b
from itertools import chain
from zlib import crc32

import numpy as np

from newsdesk.model import Article

_WORD = re.compile(r"\w+")
_ASCII_SPACE = str.maketrans({chr(i): " " for i in range(128) if not (chr(i).isalnum() or chr(i) == "_")})
_MASK = (1 << 64) - 1
_P1, _P2, _P3 = 0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9  # odd 64-bit mixers
_U1, _U2 = np.uint64(_P1), np.uint64(_P2)
_STOP: list[int] = []  # stands for the postings of a shingle in more than stop_df texts

AGENCY_DOMAINS = frozenset({"apnews.com", "reuters.com", "afp.com", "dpa.com", "tasr.sk", "efe.com", "ansa.it"})


@dataclass(frozen=True, slots=True, kw_only=True)
class DedupeOptions:
    """How near two texts must be to count as one, and how much history to keep."""

    shingle: int = 3
    threshold: float = 0.5  # weighted containment of the smaller text in the larger
    min_shared: float = 3.0  # weighted shingles in common, so a few boilerplate words never decide
    common_df: int = 12  # shingles seen in more texts than this weigh common_df/df
    stop_df: int = 200  # shingles seen in more texts than this are not looked up at all
    look_df: int = 32  # a common shingle leads only to the first this many texts that hold it
    sample: int = 1  # keep one shingle in this many (by a stable hash) on both sides
    window: int = 200_000  # texts per index generation; two generations are kept


@dataclass(slots=True)
class _Generation:
    postings: dict[int, list[int]]  # shingle -> texts holding it (_STOP once in more than stop_df texts)
    stopped: dict[int, int]  # shingle -> document frequency, once it is in more than stop_df texts
    size: dict[int, float]
    count: int = 0


class _WordHashes(dict[str, int]):
    """Stable 32-bit hash of each word (crc32 of its UTF-8 bytes), computed once per word."""

    def __missing__(self, word: str) -> int:
        if len(self) >= 1_000_000:
            self.clear()
        value = self[word] = crc32(word.encode())
        return value


_HASHES = _WordHashes()


def words(text: str) -> list[str]:
    """Return the lower-cased word tokens of text (a faster ``text.tokens`` for ASCII text)."""
    if text.isascii():
        return text.lower().translate(_ASCII_SPACE).split()
    return _WORD.findall(unicodedata.normalize("NFKC", text).lower())


def _grams(found: list[str], k: int, out: set[int]) -> None:
    """Add the stable hashes of the word k-grams of found (one hash for the whole if shorter) to out."""
    ids = list(map(_HASHES.__getitem__, found))
    if k == 3 and len(ids) >= 3:
        arr = np.array(ids, dtype=np.uint64)
        out.update((arr[:-2] * _U1 + arr[1:-1] * _U2 + arr[2:]).tolist())
        return
    if 0 < len(ids) < k:
        value = len(ids)
        for word in ids:
            value = (value * _P3 + word) & _MASK
        out.add(value ^ _P3)
    for gram in zip(*(ids[i:] for i in range(k)), strict=False):
        value = 0
        for word in gram:
            value = (value * _P1 + word) & _MASK
        out.add(value)


def fingerprint(title: str, text: str, k: int = 3, sample: int = 1) -> tuple[int, set[int]]:
    """Return an exact key of the words of title and text, and their hashed word k-grams.

    k-grams never span title and text; only those whose hash is divisible by ``sample`` are kept.
    Both are stable across processes (crc32 and blake2b, never Python's salted ``hash``).
    """
    head, body = words(title), words(text)
    out: set[int] = set()
    _grams(head, k, out)
    _grams(body, k, out)
    if sample > 1:
        out = {gram for gram in out if gram % sample == 0}
    key = blake2b(f"{' '.join(head)}\n{' '.join(body)}".encode(), digest_size=8).digest()
    return int.from_bytes(key, "little"), out


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
        o = self.options
        number = self._next
        self._next += 1
        if self._current.count >= o.window:
            self._previous, self._current = self._current, _Generation({}, {}, {})
            self._old_exact, self._exact = self._exact, {}
            self._root = {n: r for n, r in self._root.items() if n in self._previous.size}
        key, grams = fingerprint(title, text, o.shingle, o.sample)
        found = self._exact.get(key, self._old_exact.get(key))
        current, previous = self._current, self._previous
        postings, stopped = current.postings, current.stopped
        common, look, stop_df = o.common_df, o.look_df, o.stop_df
        lists: list[list[int]] = []
        weights: list[float] = []
        hits: list[list[int]] = []
        fresh: list[int] = []
        full: list[int] = []
        own = 0.0
        get = postings.get
        old_get = previous.postings.get if previous is not None else {}.get
        old_stopped = previous.stopped if previous is not None else {}
        for gram in grams:
            here, old = get(gram), old_get(gram)
            if here is None:
                fresh.append(gram)
                df = 0
            elif here is _STOP:
                df = stopped[gram]
                full.append(gram)
            else:
                df = len(here)
                hits.append(here)
                if df >= stop_df:
                    full.append(gram)
            if old is not None:
                df += old_stopped[gram] if old is _STOP else len(old)
            if df <= common:
                weight = 1.0
            else:
                weight = common / df
            own += weight
            if here is not None and here is not _STOP:
                lists.append(here if len(here) <= look else here[:look])
                weights.append(weight)
            if old is not None and old is not _STOP:
                lists.append(old if len(old) <= look else old[:look])
                weights.append(weight)
        if found is None and lists:
            found = self._best_match(lists, weights, own)
        root = number if found is None else self._root.get(found, found)
        current.count += 1
        current.size[number] = own
        for here in hits:
            here.append(number)
        for gram in fresh:
            postings[gram] = [number]
        for gram in full:
            here = postings[gram]
            if here is _STOP:
                stopped[gram] += 1
            else:
                stopped[gram] = len(here)
                postings[gram] = _STOP
        self._exact.setdefault(key, number)
        if root != number:
            self._root[number] = root
        return number, root

    def _best_match(self, lists: list[list[int]], weights: list[float], own: float) -> int | None:
        """Return the text sharing the largest weighted share of the smaller of the two, if any."""
        o = self.options
        if len(lists) == 1:
            others = np.array(lists[0])
            shared = np.full(len(others), weights[0])
        else:
            flat = np.fromiter(chain.from_iterable(lists), dtype=np.int64)
            lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
            others, inverse = np.unique(flat, return_inverse=True)
            shared = np.bincount(inverse, weights=np.repeat(np.array(weights), lengths))
        keep = np.flatnonzero(shared >= o.min_shared)
        best, best_score = None, o.threshold
        for other, together in zip(others[keep].tolist(), shared[keep].tolist(), strict=True):
            score = together / max(min(own, self._size(other)), 1e-9)
            if score > best_score or (score == best_score and best is None):
                best, best_score = other, score
        return best

    def _size(self, number: int) -> float:
        size = self._current.size.get(number)
        if size is None and self._previous is not None:
            size = self._previous.size.get(number)
        return size if size is not None else float("inf")


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
