"""StoryStore on a real SQLite file: saving, assigning, merging, listing stories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newsdesk.model import Article, Story
from newsdesk.store import Store, open_store
from newsdesk.store.stories import StoryStore

T0 = datetime(2024, 11, 16, 9, tzinfo=UTC)


class S(Store, StoryStore):
    """A Store with the story methods, until StoryStore joins Store's bases."""


def make_store(tmp_path) -> S:  # type: ignore[no-untyped-def]
    store = open_store(str(tmp_path / "x.db"))
    return S(store.engine)


def articles(store: S) -> list[int]:
    batch = [
        Article(
            url=f"https://o{i}.example/a",
            domain=f"o{i}.example",
            title=f"Title {i}",
            text=f"Text {i}",
            content_hash=f"h{i}",
            published=T0 + timedelta(hours=i),
        )
        for i in range(4)
    ]
    return [result.id for result in store.save_articles(batch)]


def test_save_assign_and_read_a_story(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    ids = articles(store)
    story = store.save_story(Story(label="Iwaya visits Kyiv", score=2.0, first_seen=T0, last_update=T0))
    assert story.id is not None
    store.assign_articles({ids[0]: story.id, ids[1]: story.id}, {ids[1]: ids[0]})
    saved, members = store.get_story(story.id) or (None, [])
    assert saved is not None and saved.label == "Iwaya visits Kyiv" and saved.article_ids == (ids[0], ids[1])
    assert members[1].duplicate_of == ids[0] and members[0].duplicate_of is None
    assert store.stories_of(ids[:3]) == {ids[0]: story.id, ids[1]: story.id, ids[2]: None}
    store.save_story(Story(id=story.id, label="Renamed", score=1.0))
    assert store.get_story(story.id)[0].label == "Renamed"  # type: ignore[index]
    assert store.get_story(9999) is None


def test_merge_and_top_stories(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    ids = articles(store)
    a = store.save_story(Story(label="A", score=1.0, last_update=T0))
    b = store.save_story(Story(label="B", score=3.0, last_update=T0 + timedelta(days=2)))
    assert a.id is not None and b.id is not None
    store.assign_articles({ids[0]: a.id, ids[1]: b.id, ids[2]: b.id})
    assert [s.label for s in store.top_stories()] == ["B", "A"]
    assert [s.label for s in store.top_stories(since=T0 + timedelta(days=1))] == ["B"]
    store.merge_stories(a.id, b.id)
    assert store.count_stories() == 1
    assert store.get_story(b.id)[1][0].id == ids[0]  # type: ignore[index]


def test_recent_articles_oldest_first(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = make_store(tmp_path)
    ids = articles(store)
    assert [a.id for a in store.recent_articles(T0 + timedelta(hours=1))] == ids[1:]
