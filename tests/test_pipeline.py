"""The pipeline as one recipe: site templates learned as pages stream in, analysis stored with articles."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from newsdesk import pipeline
from newsdesk.model import RawPage
from newsdesk.store import Store
from tests.conftest import need_shared

SITE = Path(__file__).parent / "testdata" / "extract" / "site-a"
PROMO = "owned by its readers through a cooperative"


def _site_page(path: Path) -> RawPage:
    return RawPage(url=f"https://harbourgazette.example/{path.stem}", html=path.read_text(), input=str(path))


def test_site_template_is_learned_from_earlier_pages_and_strips_later_ones(store: Store) -> None:
    pages = [_site_page(p) for p in sorted(SITE.glob("*.html"))]
    first = pipeline.process_items(store, pages[:3])
    assert first.stored == 3
    record = store.site_record("harbourgazette.example")
    assert record is not None and record.pages_seen == 3 and record.blocks
    pipeline.process_items(store, pages[3:])
    last = store.list_articles(domain="harbourgazette.example", limit=10)
    assert len(last) == 4
    stored = next(a for a in last if "Forecasters issued a storm warning" in a.text)
    assert PROMO not in stored.text


def test_analysis_is_stored_with_canonical_names_across_the_story(store: Store) -> None:
    seed = need_shared("seed")
    paths = [seed / "kyiv-visit-article.html", *sorted((seed / "story").glob("*.html"))]
    pages = [RawPage(url=f"https://site{i}.example/a", html=p.read_text(), input=str(p)) for i, p in enumerate(paths)]
    report = pipeline.process_items(store, pages)
    assert report.stored == 4, report.errors
    kyiv = next(a for a in store.list_articles(limit=10) if "Iwaja" in a.title)
    assert kyiv.id is not None
    mentions, quotes, sources = store.article_analysis(kyiv.id)
    people = {m.entity for m in mentions if m.label == "PER"}
    assert "Takeshi Iwaya" in people
    assert any(q.speaker == "Takeshi Iwaya" and "This will not only deepen" in q.text for q in quotes)
    assert any(s.source == "TASR" and s.cites == "AP" for s in sources)


def _seed_pages() -> list[RawPage]:
    seed = need_shared("seed")
    paths = [seed / "kyiv-visit-article.html", *sorted((seed / "story").glob("*.html"))]
    return [RawPage(url=f"https://site{i}.example/a", html=p.read_text(), input=str(p)) for i, p in enumerate(paths)]


def test_seed_story_is_deduped_clustered_and_ranked(store: Store) -> None:
    pages = _seed_pages()
    kyiv, other, copy, wire = pages
    # two calls in order of publication: the second warms its story state from what the first stored
    pipeline.process_items(store, [kyiv, wire])
    pipeline.process_items(store, [copy, other])
    articles = {a.title: a for a in store.list_articles(limit=10)}
    seed = next(a for t, a in articles.items() if "Iwaja" in t)
    wire = next(a for t, a in articles.items() if t.startswith("Japan's foreign minister visits Kyiv,"))
    copy = next(a for t, a in articles.items() if t == "Japan's foreign minister visits Kyiv")
    other = next(a for t, a in articles.items() if "intelligence" in t)
    assert copy.duplicate_of == wire.id and seed.duplicate_of is None
    assert seed.story_id == wire.story_id == copy.story_id != other.story_id
    top = store.top_stories()
    assert top[0].id == seed.story_id
    assert (top[0].article_count, top[0].outlet_count) == (3, 2)
    assert "Kyiv" in top[0].label


def test_pages_without_an_article_are_counted_per_site_and_shown(store: Store) -> None:
    from fastapi.testclient import TestClient

    from newsdesk import settings
    from newsdesk.web.app import create_app

    walls = Path(__file__).parent / "testdata" / "extract"
    pages = [
        RawPage(url=f"https://walls.example/{name}", html=(walls / f"{name}.html").read_text(), input=name)
        for name in ("consent", "bot-wall", "index")
    ]
    report = pipeline.process_items(store, [*pages, *_seed_pages()[:1]])
    assert report.stored == 1 and len(report.errors) == 3
    (site,) = store.extraction_health()
    assert site.name == "walls.example" and site.failed == 3 and site.stored == 0
    assert set(site.by_status) == {"consent", "bot_wall", "not_article"}
    client = TestClient(create_app(store, settings.load({})))
    page = client.get("/health")
    assert page.status_code == 200 and "walls.example" in page.text
    assert client.get("/health.json").json()["sites"][0]["failed"] == 3


def test_entity_mention_counts_follow_the_stored_mentions(store: Store) -> None:
    pipeline.process_items(store, _seed_pages())
    known = store.known_entities()
    counts = {}
    for article in store.list_articles(limit=10):
        assert article.id is not None
        for mention in store.article_analysis(article.id)[0]:
            counts[mention.entity] = counts.get(mention.entity, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    assert known[0].name == ranked[0][0]
    # analysing an article again replaces its mentions and leaves the counts as they were
    article = store.list_articles(limit=1)[0]
    pipeline.analyze_new(store, [article], pipeline.PipelineOptions().analyze)  # type: ignore[arg-type]
    assert [e.name for e in store.known_entities()][:3] == [e.name for e in known][:3]
    with store.engine.connect() as connection:
        total = connection.execute(text("SELECT SUM(mention_count) FROM entities")).scalar_one()
        linked = connection.execute(text("SELECT COUNT(*) FROM mentions WHERE entity_id IS NOT NULL")).scalar_one()
    assert total == linked


def test_related_articles_from_other_stories_are_kept_as_articles_arrive(store: Store) -> None:
    kyiv, other, copy, wire = _seed_pages()
    pipeline.process_items(store, [kyiv, wire])
    pipeline.process_items(store, [copy, other])  # a fresh desk, warmed from what the first call stored
    articles = store.list_articles(limit=10)
    original = next(a for a in articles if a.title.startswith("Japan's foreign minister visits Kyiv,"))
    copy_of_it = next(a for a in articles if a.duplicate_of == original.id)
    korea = next(a for a in articles if "intelligence" in a.title)
    assert original.id and copy_of_it.id and korea.id and korea.story_id != original.story_id
    # five days later, the North Korea story finds the Kyiv visit (which condemns North Korea) first as its original,
    # the copy folded under it; the other outlet's report of the visit may follow
    found = [a.id for a in store.related_of(korea.id)]
    assert found[0] == original.id and copy_of_it.id not in found
    assert {a.story_id for a in store.related_of(korea.id)} == {original.story_id}
    # and is offered to the earlier articles, whose lists the first call stored
    assert [a.id for a in store.related_of(original.id)] == [korea.id]
    assert [a.id for a in store.related_of(copy_of_it.id)] == [korea.id]


def test_a_fresh_desk_finds_related_articles_older_than_the_story_window(store: Store) -> None:
    kyiv, other, copy, wire = _seed_pages()
    pipeline.process_items(store, [kyiv, wire, copy])
    # five days later, past the 72 h story window: a new desk replays the Kyiv articles into the related index only
    pipeline.process_items(store, [other])
    articles = store.list_articles(limit=10)
    original = next(a for a in articles if a.title.startswith("Japan's foreign minister visits Kyiv,"))
    korea = next(a for a in articles if "intelligence" in a.title)
    assert original.id and korea.id
    found = store.related_of(korea.id)
    assert found[0].id == original.id and {a.story_id for a in found} == {original.story_id}
    assert [a.id for a in store.related_of(original.id)] == [korea.id]
