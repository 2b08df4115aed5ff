"""Full-text search (SQLite FTS5, PostgreSQL tsvector): matching, highlighting, filters, hostile queries."""

from __future__ import annotations

import pytest

from newsdesk.store import Store
from newsdesk.store.search import MARK_END, MARK_START, Filters, fts5_query
from tests.web_fixtures import make_client, seed_site


@pytest.mark.parametrize(
    ("typed", "query"),
    [
        ("kyiv", '"kyiv"'),
        ('"foreign minister" -Tokyo', '"foreign minister" NOT "Tokyo"'),
        ("iwa* OR sybiha", '"iwa"* OR "sybiha"'),
        ("AND NOT NEAR( ) ^", '"AND" "NOT" "NEAR"'),
        ("-only", ""),
        ('" ) ( :', ""),
    ],
)
def test_fts5_query_is_always_valid(typed: str, query: str) -> None:
    assert fts5_query(typed) == query


def test_search_finds_highlights_and_counts(store: Store) -> None:
    seed_site(store)
    page = store.search_articles("Kyiv")
    assert page.total >= 3
    assert any(f"{MARK_START}Kyiv{MARK_END}" in hit.title for hit in page.hits)
    assert all(MARK_START in hit.title + hit.snippet for hit in page.hits)
    assert store.search_articles("Kyiv", Filters(domain="kyodo.jp")).total == 1
    assert store.search_articles('"foreign minister" -sanctions').total == 0
    assert store.search_articles("nothingmatchesthis").total == 0


def test_search_index_follows_updates_and_deletes(store: Store) -> None:
    seeded = seed_site(store)
    article = store.get_article(seeded.other_id)
    assert article is not None
    with store.engine.begin() as connection:
        from newsdesk.store.tables import articles

        connection.execute(articles.update().where(articles.c.id == seeded.other_id).values(title="Zanzibar"))
    assert store.search_articles("zanzibar").total == 1
    with store.engine.begin() as connection:
        connection.execute(articles.delete().where(articles.c.id == seeded.other_id))
    assert store.search_articles("zanzibar").total == 0


HOSTILE_QUERIES = [
    "\x00",
    "a\x00b",
    "' OR 1=1 --",
    "(((",
    '"',
    "*",
    "OR",
    "-",
    "^a",
    "NEAR(a b)",
    "ä" * 500,
    "<script>alert(1)</script>",
    "a:b",
    "title:kyiv",
    "😀",
    "a" * 501,
]


def test_hostile_queries_never_fail(store: Store) -> None:
    seed_site(store)
    client = make_client(store)
    for q in HOSTILE_QUERIES:
        reply = client.get("/search.json", params={"q": q})
        assert reply.status_code == (400 if len(q) > 500 else 200), (q, reply.text)
        page = client.get("/search", params={"q": q})
        assert page.status_code in (200, 400) and "<script>alert" not in page.text, q


def test_search_page_marks_matches(store: Store) -> None:
    seed_site(store)
    client = make_client(store)
    page = client.get("/search?q=kyiv")
    assert "<mark>Kyiv</mark>" in page.text and "results" in page.text
    data = client.get("/search.json?q=kyiv").json()
    assert data["total"] >= 3 and MARK_START not in data["hits"][0]["title"]


def test_counts_stop_at_the_cap_and_say_there_are_more(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsdesk.store import search

    seed_site(store)
    exact = store.search_articles("Kyiv")
    assert exact.total >= 3 and not exact.more
    monkeypatch.setattr(search, "COUNT_CAP", 2)
    capped = store.search_articles("Kyiv")
    assert (capped.total, capped.more) == (2, True) and len(capped.hits) == len(exact.hits)
    page = make_client(store).get("/search?q=Kyiv")
    assert "More than 2 results" in page.text


def test_ranking_the_newest_matches_first_among_the_newest_ids_changes_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsdesk.store import search

    seed_site(store)
    monkeypatch.setattr(search, "RANK_WINDOW", 2)
    monkeypatch.setattr(search, "RECENT_IDS", 1_000_000)  # the newest ids hold every match
    wide = [hit.article.id for hit in store.search_articles("Kyiv", limit=2).hits]
    monkeypatch.setattr(search, "RECENT_IDS", 1)  # too few: all matches are ranked
    narrow = [hit.article.id for hit in store.search_articles("Kyiv", limit=2).hits]
    assert wide == narrow and len(wide) == 2
