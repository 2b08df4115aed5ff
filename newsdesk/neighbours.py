"""Nearest neighbours in a stream of sparse unit vectors: an index by heaviest terms, and local densities.

Both the story clusterer (its hubness correction) and the related-article index keep one of these.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Mapping

Vector = Mapping[str, float]


def cosine(a: Vector, b: Vector) -> float:
    """Return the dot product of two unit sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(word, 0.0) for word, v in a.items())


class NeighbourIndex:
    """Vectors indexed by their heaviest terms, with each one's local density.

    A vector's density is its mean cosine to its `neighbours` nearest indexed vectors so far, a measure of how
    crowded its topic is (the hubness correction of CSLS). A new vector is compared with the `compared` indexed
    ones sharing the most of its `lookup_terms` heaviest terms, which updates the densities on both sides; each
    term keeps its `per_term` newest keys, so the work per vector is bounded.
    """

    def __init__(self, neighbours: int = 5, compared: int = 50, lookup_terms: int = 10, per_term: int = 200) -> None:
        self.neighbours = neighbours
        self.compared = compared
        self.lookup_terms = lookup_terms
        self.per_term = per_term
        self.vectors: dict[int, Vector] = {}
        self.density: dict[int, float] = {}
        self.total = 0.0  # sum of the densities, for their mean
        self._nearest: dict[int, list[float]] = {}  # min-heaps of the highest cosines
        self._postings: dict[str, deque[int]] = {}

    @property
    def mean(self) -> float:
        """Return the mean density of the indexed vectors (0 with none)."""
        return self.total / len(self.vectors) if self.vectors else 0.0

    def density_of(self, key: int) -> float:
        """Return one vector's density (0 with no neighbour yet, or when not indexed)."""
        return self.density.get(key, 0.0)

    def heavy(self, vector: Vector) -> list[str]:
        """Return the terms of vector that it is looked up by."""
        return heapq.nlargest(self.lookup_terms, vector, key=vector.__getitem__)

    def shared(self, heavy: list[str]) -> dict[int, int]:
        """Return the indexed keys filed under any of the heavy terms, with how many of them each shares."""
        shared: dict[int, int] = {}
        vectors = self.vectors
        for word in heavy:
            postings = self._postings.get(word)
            if postings is None:
                continue
            # keys arrive in order, so the forgotten ones gather at the front: dropping them keeps memory to the
            # indexed keys and leaves each term room for per_term of those
            while postings and postings[0] not in vectors:
                postings.popleft()
            for other in postings:
                if other in vectors:
                    shared[other] = shared.get(other, 0) + 1
        return shared

    def insert(self, key: int, vector: Vector) -> dict[int, float]:
        """Index a vector under key; return the other keys whose density changed, with their old density."""
        self.remove(key)
        heavy = self.heavy(vector)
        shared = self.shared(heavy)
        changed: dict[int, float] = {}
        self._nearest[key] = []
        self.vectors[key] = vector
        self.density[key] = 0.0
        for other in heapq.nlargest(self.compared, shared, key=shared.__getitem__):
            value = cosine(vector, self.vectors[other])
            self._near(key, value)
            old = self.density[other]
            if self._near(other, value):
                changed.setdefault(other, old)
        for word in heavy:
            postings = self._postings.get(word)
            if postings is None:
                postings = self._postings[word] = deque(maxlen=self.per_term)
            postings.append(key)
        return changed

    def _near(self, key: int, value: float) -> bool:
        top = self._nearest[key]
        if len(top) < self.neighbours:
            heapq.heappush(top, value)
        elif value > top[0]:
            heapq.heapreplace(top, value)
        else:
            return False
        density = sum(top) / len(top)
        self.total += density - self.density[key]
        self.density[key] = density
        return True

    def remove(self, key: int) -> None:
        """Forget a vector (its keys leave the term lists as they are next read, or when those are pruned)."""
        if self.vectors.pop(key, None) is None:
            return
        self.total -= self.density.pop(key)
        del self._nearest[key]
        if len(self._postings) > 4 * self.lookup_terms * max(64, len(self.vectors)):
            self._postings = {
                word: keys for word, keys in self._postings.items() if any(k in self.vectors for k in keys)
            }
