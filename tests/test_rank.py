"""Key topics and related articles, and the seed story end to end (dedupe → cluster → rank)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsdesk.cluster import StoryClusterer, cluster_articles
from newsdesk.dedupe import dedupe_articles
from newsdesk.model import Article, Story
from newsdesk.rank import RelatedIndex, outlets, rank_stories, related_articles, summarise_story
from tests.test_dedupe import need_shared

NOW = datetime(2024, 11, 16, 18, tzinfo=UTC)


def art(i: int, domain: str, title: str, hours_ago: float = 1, copy_of: int | None = None) -> Article:
    return Article(
        url=f"https://{domain}/{i}",
        id=i,
        domain=domain,
        title=title,
        text=f"{title}. More words.",
        published=NOW - timedelta(hours=hours_ago),
        duplicate_of=copy_of,
    )


def test_copies_add_reach_not_outlets() -> None:
    story = [
        art(1, "wire.example", "Iwaya visits Kyiv"),
        art(2, "herald.example", "Iwaya in Kyiv", copy_of=1),
        art(3, "tasr.example", "Japan's diplomat in Kyiv"),
    ]
    assert outlets(story) == {"wire.example", "tasr.example"}
    summary = summarise_story(Story(id=7), story, NOW)
    assert (summary.article_count, summary.outlet_count, summary.article_ids) == (3, 2, (1, 2, 3))
    assert summary.label == "Iwaya in Kyiv" or "Kyiv" in summary.label


def test_broad_recent_stories_rank_first() -> None:
    broad = summarise_story(Story(id=1), [art(i, f"o{i}.example", "Big news") for i in range(5)], NOW)
    narrow = summarise_story(Story(id=2), [art(9, "one.example", "Small news")], NOW)
    stale = summarise_story(Story(id=3), [art(i, f"s{i}.example", "Old news", 72) for i in range(10, 15)], NOW)
    assert [s.id for s in rank_stories([narrow, stale, broad])] == [1, 2, 3]


def test_related_own_story_first_without_copies() -> None:
    vectors = {
        0: {"kyiv": 1.0},
        1: {"kyiv": 0.8, "x": 0.6},
        2: {"kyiv": 0.8, "x": 0.6},
        3: {"kyiv": 0.9, "y": 0.44},
        4: {"storm": 1.0},
    }
    story_of = {0: 10, 1: 10, 2: 10, 3: 11, 4: 12}
    original_of = {2: 1}
    assert related_articles(0, vectors, story_of, original_of, k=3) == [1, 3, 4]


def test_related_prefers_an_article_whose_whole_story_is_close() -> None:
    # 1 looks a little more like 0 than 2 does, but 2's story (with 3) resembles 0 as a whole
    vectors = {
        0: {"a": 1.0},
        1: {"a": 0.6, "z": 0.8},
        2: {"a": 0.58, "y": 0.81},
        3: {"a": 0.7, "w": 0.71},
        4: {"q": 1.0},
    }
    story_of = {0: 10, 1: 11, 2: 12, 3: 12, 4: 13}
    assert related_articles(0, vectors, story_of, {}, k=2) == [3, 2]
    assert related_articles(0, vectors, story_of, {}, k=2, story_weight=0.0) == [3, 1]


def test_related_index_shortlists_by_heavy_terms() -> None:
    index = RelatedIndex()
    for key, vector in {0: {"kyiv": 1.0}, 1: {"kyiv": 0.6, "iwaya": 0.8}, 2: {"storm": 1.0}}.items():
        index.add(key, vector)
    assert index.candidates(0) == [1]
    assert sorted(index.candidates(0, [2])) == [1, 2]


def test_seed_story_dedupes_clusters_and_ranks() -> None:
    from newsdesk.extract import extract_article
    from newsdesk.model import RawPage

    seed = need_shared() / "seed"
    pages = [
        seed / "kyiv-visit-article.html",
        seed / "story/wire-original.html",
        seed / "story/syndicated-copy.html",
        seed / "story/other-story.html",
    ]
    found = []
    for i, page in enumerate(pages, 1):
        article = extract_article(
            RawPage(url=f"https://site{i}.example/{page.stem}", html=page.read_text(), input=str(page))
        )
        found.append(replace(article, id=i))
    deduped = dedupe_articles(found)
    assert [a.duplicate_of for a in deduped] == [None, None, 2, None]
    stories = cluster_articles(deduped, StoryClusterer())
    assert stories[0] == stories[1] == stories[2] != stories[3]
    # each scored on its own day: two outlets and a reprint outrank one outlet
    story_a = summarise_story(Story(id=1), deduped[:3], datetime(2024, 11, 16, 20, tzinfo=UTC))
    story_b = summarise_story(Story(id=2), deduped[3:], datetime(2024, 11, 21, 23, tzinfo=UTC))
    assert (story_a.article_count, story_a.outlet_count) == (3, 2)
    assert "Kyiv" in story_a.label
    assert rank_stories([story_b, story_a])[0].id == 1


def test_related_index_density_is_mean_cosine_to_nearest_neighbours() -> None:
    index = RelatedIndex(neighbours=2)
    vectors = {0: {"kyiv": 1.0}, 1: {"kyiv": 0.6, "iwaya": 0.8}, 2: {"kyiv": 0.8, "visit": 0.6}, 3: {"storm": 1.0}}
    for key, vector in vectors.items():
        index.add(key, vector)
    density = index.density
    assert density[0] == pytest.approx((0.8 + 0.6) / 2)  # its two nearest: 2, then 1
    assert density[1] == pytest.approx((0.6 + 0.48) / 2)
    assert density[3] == 0.0


def test_density_ranks_a_specific_neighbour_above_a_hub() -> None:
    # 1 is a hub (close to everything on the topic), 2 is close to 0 in particular
    vectors = {0: {"a": 0.8, "b": 0.6}, 1: {"a": 1.0}, 2: {"b": 0.7, "a": 0.3, "c": 0.65}}
    story_of = {0: 10, 1: 11, 2: 12}
    assert related_articles(0, vectors, story_of, {}, k=1) == [1]
    assert related_articles(0, vectors, story_of, {}, k=1, density={1: 0.9, 2: 0.3}) == [2]


def test_related_command_puts_own_story_first(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from newsdesk.cli import app
    from tests.test_cluster import KYIV, STORM

    items = [KYIV[0], STORM[0], KYIV[1], STORM[1], KYIV[2]]
    source = tmp_path / "docs.jsonl"
    source.write_text(
        "".join(json.dumps({"id": f"d{i}", "title": t, "text": x}) + "\n" for i, (t, x) in enumerate(items))
    )
    out = tmp_path / "related.jsonl"
    result = CliRunner().invoke(app, ["related", "--input", str(source), "--k", "2", "--output", str(out)])
    assert result.exit_code == 0, result.output
    related = {r["id"]: r["related"] for r in map(json.loads, out.read_text().splitlines())}
    assert sorted(related["d0"]) == ["d2", "d4"]
    assert related["d1"][0] == "d3"
