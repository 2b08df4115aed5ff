"""The neighbour index shared by story clustering and related articles."""

from __future__ import annotations

import math

import pytest

from newsdesk.neighbours import NeighbourIndex, cosine


def unit(**weights: float) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in weights.values()))
    return {word: v / norm for word, v in weights.items()}


def test_densities_follow_later_arrivals_on_both_sides() -> None:
    index = NeighbourIndex(neighbours=2, compared=10, lookup_terms=3)
    index.insert(1, unit(senate=1.0, vote=1.0))
    assert index.density_of(1) == 0.0
    changed = index.insert(2, unit(senate=1.0, vote=1.0, bill=1.0))
    expected = cosine(index.vectors[1], index.vectors[2])
    assert changed == {1: 0.0}
    assert index.density_of(1) == pytest.approx(expected)
    assert index.density_of(2) == pytest.approx(expected)
    assert index.mean == pytest.approx(expected)
    index.remove(2)  # a density remembers the nearest seen so far, gone or not
    assert index.mean == pytest.approx(expected)
    assert index.density_of(2) == 0.0


def test_forgotten_keys_leave_the_term_lists_and_make_room() -> None:
    index = NeighbourIndex(neighbours=2, compared=10, lookup_terms=1, per_term=3)
    for key in range(6):
        index.insert(key, unit(election=1.0))
    for key in range(4):
        index.remove(key)
    assert index.shared(["election"]) == {4: 1, 5: 1}
    assert list(index._postings["election"]) == [4, 5]  # the forgotten keys no longer take memory
    index.insert(6, unit(election=1.0))
    index.insert(7, unit(election=1.0))
    assert set(index.shared(["election"])) == {5, 6, 7}
