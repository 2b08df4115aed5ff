"""Streaming story clustering: same event together, other events and much later events apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newsdesk.cluster import ClusterDoc, ClusterOptions, StoryClusterer, cluster_docs, terms

T0 = datetime(2024, 11, 16, 9, tzinfo=UTC)
KYIV = [
    ("Japan's foreign minister visits Kyiv", "Japanese Foreign Minister Takeshi Iwaya arrived in Kyiv on Saturday on "
     "an unannounced visit to discuss military cooperation between Russia and North Korea."),
    ("Iwaya in Kyiv condemns North Korean troops", "Foreign Minister Takeshi Iwaya, visiting Kyiv, said North Korean "
     "troops fighting for Russia have significant consequences for security in East Asia."),
    ("Japan's top diplomat in Ukraine", "Takeshi Iwaya met Ukrainian Foreign Minister Andrii Sybiha in Kyiv and "
     "condemned the deployment of North Korean soldiers alongside Russian troops."),
]
STORM = [
    ("Storm batters Pacific coast", "A powerful storm knocked out power to thousands of homes along the Pacific "
     "coast on Saturday as wind gusts reached hurricane force."),
    ("Pacific coast storm leaves thousands without power", "Hurricane-force wind gusts from the storm cut power to "
     "thousands of homes on the Pacific coast, utilities said."),
]


def docs(items: list[tuple[str, str]], start: int = 0, when: datetime | None = None) -> list[ClusterDoc]:
    return [ClusterDoc(start + i, title, text, when) for i, (title, text) in enumerate(items)]


def test_terms_stem_and_drop_stop_words() -> None:
    assert terms("The ministers' visits to Kyiv") == ["minister", "visit", "kyiv"]


def test_same_event_clusters_and_other_event_apart() -> None:
    stories = cluster_docs(docs([KYIV[0], STORM[0], KYIV[1], STORM[1], KYIV[2]]))
    assert stories[0] == stories[2] == stories[4]
    assert stories[1] == stories[3] != stories[0]


def test_same_words_a_month_later_is_a_new_story() -> None:
    clusterer = StoryClusterer(ClusterOptions(window_hours=72))
    first = [clusterer.add(d)[0] for d in docs(KYIV[:2], 0, T0)]
    later = clusterer.add(ClusterDoc(9, *KYIV[2], T0 + timedelta(days=30)))[0]
    assert first[0] == first[1] != later
    assert clusterer.active == 1  # the month-old story was closed and forgotten


def test_time_decay_lowers_similarity() -> None:
    clusterer = StoryClusterer(ClusterOptions(window_hours=10_000, half_life_hours=1))
    story = clusterer.add(ClusterDoc(0, *KYIV[0], T0))[0]
    assert clusterer.add(ClusterDoc(1, *KYIV[1], T0 + timedelta(days=5)))[0] != story


def test_stories_merge_when_an_article_bridges_them() -> None:
    clusterer = StoryClusterer(ClusterOptions(threshold=0.2, merge_threshold=0.2))
    a = clusterer.add(ClusterDoc(0, "Iwaya visits Kyiv", "Takeshi Iwaya arrived in Kyiv on Saturday."))[0]
    b = clusterer.add(ClusterDoc(1, "North Korean troops in Russia", "North Korean soldiers fight for Russia."))[0]
    assert a != b
    bridge = ClusterDoc(2, "Iwaya in Kyiv on North Korean troops", "Takeshi Iwaya arrived in Kyiv on Saturday and "
                        "condemned North Korean soldiers who fight for Russia.")
    kept = clusterer.add(bridge)[0]
    assert clusterer.pop_merges() == [(b if kept == a else a, kept)]
    assert clusterer.active == 1


def test_entities_count_as_terms() -> None:
    clusterer = StoryClusterer()
    with_names = clusterer.vectorise(ClusterDoc(0, "Visit", "He arrived.", entities=("Takeshi Iwaya",)))
    assert "@takeshi iwaya" in with_names
