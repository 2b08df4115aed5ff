"""The reader pages and their JSON twins on SQLite and PostgreSQL: home, story, article, entity, feeds."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from newsdesk.store import Store
from tests.web_fixtures import Seeded, make_client, seed_site


@pytest.fixture
def site(store: Store) -> tuple[TestClient, Seeded]:
    """A client over a seeded store."""
    return make_client(store), seed_site(store)


def test_home_lists_top_stories_or_latest_news(site: tuple[TestClient, Seeded]) -> None:
    client, _seeded = site
    page = client.get("/")
    assert page.status_code == 200
    assert "Iwaya visits Kyiv" in page.text and "Latest news" in page.text
    assert '<link rel="alternate" type="application/rss+xml"' in page.text
    assert 'href="/feeds/top.atom"' in page.text
    data = client.get("/index.json").json()
    assert data["ok"] is True and len(data["articles"]) == 4
    assert "text" not in data["articles"][0]  # listings carry no bodies


def test_home_filters_and_pagination(site: tuple[TestClient, Seeded]) -> None:
    client, _ = site
    assert [a["domain"] for a in client.get("/index.json?domain=kyodo.jp").json()["articles"]] == ["kyodo.jp"]
    assert client.get("/index.json?lang=xx").json()["articles"] == []
    assert client.get("/index.json?page=2").json()["articles"] == []
    assert client.get("/index.json?page=0").status_code == 400


def test_story_page_folds_copies_and_shows_entities_quotes_timeline(site: tuple[TestClient, Seeded]) -> None:
    client, seeded = site
    page = client.get(f"/story/{seeded.story_id}")
    assert page.status_code == 200
    assert "also published by 1 outlet" in page.text
    assert f'href="/entity/{seeded.entity_id}"' in page.text
    assert "We strongly condemn it" in page.text and "Timeline" in page.text
    assert f'href="/story/{seeded.story_id}.rss"' in page.text
    data = client.get(f"/story/{seeded.story_id}.json").json()
    assert data["story"]["label"] == "Iwaya visits Kyiv" and data["article_count"] == 3
    folds = [fold for _outlet, group in data["outlets"] for fold in group]
    assert len(folds) == 2 and sum(len(f["copies"]) for f in folds) == 1


def test_article_page_has_sources_chips_jsonld_og(site: tuple[TestClient, Seeded]) -> None:
    client, seeded = site
    page = client.get(f"/article/{seeded.original_id}")
    assert page.status_code == 200
    assert "TASR, citing AP" in page.text
    assert f'href="/entity/{seeded.entity_id}"' in page.text
    assert '<meta property="og:title" content="Iwaya visits Kyiv — newsdesk">' in page.text
    assert '<meta property="og:image" content="https://tasr.sk/img.jpg">' in page.text
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page.text, re.S).group(1))
    assert ld["@type"] == "NewsArticle" and ld["headline"] == "Iwaya visits Kyiv"
    assert ld["author"] == [{"@type": "Person", "name": "Jana Novak"}] and ld["commentCount"] == 0
    assert "You may also like" in page.text
    data = client.get(f"/article/{seeded.original_id}.json").json()
    assert data["article"]["text"].startswith("Japanese foreign minister")
    assert data["sources"] == ["TASR, citing AP"] and data["comment_count"] == 0
    copy = client.get(f"/article/{seeded.copy_id}").text
    assert "Republished from" in copy


def test_article_page_lists_the_related_articles_the_story_stage_kept(store: Store) -> None:
    seeded = seed_site(store)
    client = make_client(store)
    # the hostile page belongs to no story: what it may also like comes from the kept list, copies folded
    store.save_related({seeded.hostile_id: [(seeded.copy_id, 0.6), (seeded.original_id, 0.5), (seeded.other_id, 0.4)]})
    page = client.get(f"/article/{seeded.hostile_id}").text
    related = page[page.index("You may also like") :]
    assert related.count("Iwaya visits Kyiv") == 1 and "Japan pledges support to Ukraine" in related
    data = client.get(f"/article/{seeded.hostile_id}.json").json()
    assert [a["id"] for a in data["related"]] == [seeded.copy_id, seeded.other_id]


def test_article_page_shows_quotes_with_a_speaker_and_the_json_keeps_all(store: Store) -> None:
    from dataclasses import replace

    from newsdesk.model import Quote

    seeded = seed_site(store)
    article = store.get_article(seeded.other_id)
    assert article is not None
    quotes = (Quote("The talks are expected to continue", "", "expected"), Quote("We stand by Kyiv", "Iwaya", "said"))
    store.save_analysis(seeded.other_id, replace(article, quotes=quotes), [])
    client = make_client(store)
    page = client.get(f"/article/{seeded.other_id}").text
    assert "We stand by Kyiv" in page and "The talks are expected to continue" not in page
    data = client.get(f"/article/{seeded.other_id}.json").json()
    assert {q["speaker"] for q in data["quotes"]} == {"", "Iwaya"}


def test_entity_page_names_role_articles_quotes(site: tuple[TestClient, Seeded]) -> None:
    client, seeded = site
    page = client.get(f"/entity/{seeded.entity_id}")
    assert page.status_code == 200
    assert "Takeshi Iwaya" in page.text and "Takeshi Iwaja" in page.text and "foreign minister" in page.text
    assert "We strongly condemn it" in page.text and "Iwaya visits Kyiv" in page.text
    assert f'href="/entity/{seeded.entity_id}.atom"' in page.text
    data = client.get(f"/entity/{seeded.entity_id}.json").json()
    assert {a["id"] for a in data["articles"]} == {seeded.original_id, seeded.other_id}
    assert [s["id"] for s in data["stories"]] == [seeded.story_id]


@pytest.mark.parametrize("path", ["/feeds/top.rss", "/feeds/top.atom", "/story/{story}.rss", "/entity/{entity}.atom"])
def test_feeds_are_well_formed(site: tuple[TestClient, Seeded], path: str) -> None:
    client, seeded = site
    reply = client.get(path.format(story=seeded.story_id, entity=seeded.entity_id))
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith(("application/rss+xml", "application/atom+xml"))
    root = ET.fromstring(reply.content)
    assert root.tag in ("rss", "{http://www.w3.org/2005/Atom}feed")
    assert "Iwaya" in reply.text


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/story/999999.json", 404),
        ("/article/0.json", 400),
        ("/entity/abc.json", 400),
        ("/article/99999999999999999999999.json", 400),
        ("/search.json?page=-1", 400),
        ("/api/articles/5555555", 404),
        ("/story/999999.rss", 404),
    ],
)
def test_json_errors_have_one_shape(site: tuple[TestClient, Seeded], path: str, status: int) -> None:
    client, _ = site
    reply = client.get(path)
    assert reply.status_code == status
    if path.endswith(".rss"):
        return
    body = reply.json()
    assert set(body) == {"ok", "error", "errors", "status"} and body["ok"] is False and body["status"] == status


def test_html_errors_are_pages(site: tuple[TestClient, Seeded]) -> None:
    client, _ = site
    reply = client.get("/story/424242")
    assert reply.status_code == 404 and "<h1>404</h1>" in reply.text


def test_pages_are_accessible_landmarks(site: tuple[TestClient, Seeded]) -> None:
    client, seeded = site
    for path in ["/", f"/article/{seeded.original_id}", f"/story/{seeded.story_id}", "/search?q=kyiv", "/login"]:
        text = client.get(path).text
        assert '<main id="main"' in text and "<header" in text and "<footer" in text and 'lang="en"' in text
        assert 'class="skip" href="#main"' in text
        images = re.findall(r"<img [^>]*>", text)
        assert all(" alt=" in tag for tag in images)
