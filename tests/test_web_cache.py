"""The shared page cache: anonymous readers get cached pages that stay fresh; signed-in readers never do."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from newsdesk.store import Store
from newsdesk.store.tables import stories
from newsdesk.web.cache import PageCache, etag_matches, has_session_cookie
from tests.web_fixtures import (
    Seeded,
    add_admin,
    article,
    csrf_of,
    login,
    make_client,
    post_comment,
    register,
    seed_site,
)


@pytest.fixture
def seeded(store: Store) -> Seeded:
    """A seeded store."""
    return seed_site(store)


def fresh_cache(store: Store, ttl: float = 30.0, grace: float = 0.0) -> PageCache:
    """Return a page cache that asks the store for its content version on every request."""
    return PageCache(store.content_version, ttl=ttl, poll=0, grace=grace)


def test_anonymous_pages_are_cached_with_validators(store: Store, seeded: Seeded) -> None:
    cache = fresh_cache(store)
    reader = make_client(store, page_cache=cache)
    for path in (
        "/",
        f"/story/{seeded.story_id}",
        f"/article/{seeded.original_id}",
        "/search?q=kyiv",
        f"/article/{seeded.original_id}.json",
        "/feeds/top.rss",
    ):
        first, second = reader.get(path), reader.get(path)
        assert first.status_code == second.status_code == 200, path
        assert (first.headers["x-cache"], second.headers["x-cache"]) == ("miss", "hit"), path
        assert first.content == second.content and first.headers["etag"] == second.headers["etag"]
        assert second.headers["cache-control"] == "public, no-cache" and second.headers["vary"] == "Cookie"
        assert "set-cookie" not in second.headers
        if not path.startswith("/feeds/"):
            assert "Content-Security-Policy" in second.headers  # the security headers are kept with the page
    assert cache.hits == 6


def test_if_none_match_gets_304(store: Store, seeded: Seeded) -> None:
    reader = make_client(store, page_cache=fresh_cache(store))
    path = f"/article/{seeded.original_id}"
    etag = reader.get(path).headers["etag"]
    again = reader.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert reader.get(path, headers={"If-None-Match": f'W/{etag}, "other"'}).status_code == 304
    changed = reader.get(path, headers={"If-None-Match": '"not-this-one"'})
    assert changed.status_code == 200 and changed.headers["etag"] == etag


def test_a_new_article_shows_up_at_once(store: Store, seeded: Seeded) -> None:
    reader = make_client(store, page_cache=fresh_cache(store))
    assert "Volcano erupts" not in reader.get("/").text
    assert reader.get("/").headers["x-cache"] == "hit"
    store.save_articles([article(90, "Volcano erupts in Iceland", "Lava reached the road.", "ruv.is")])
    home = reader.get("/")
    assert home.headers["x-cache"] == "miss" and "Volcano erupts" in home.text


def test_an_article_joining_its_story_shows_up_at_once(store: Store, seeded: Seeded) -> None:
    reader = make_client(store, page_cache=fresh_cache(store))
    saved = store.save_articles([article(91, "Iwaya meets Zelensky", "Talks in Kyiv went on late.", "ukrinform.ua")])
    new_id = saved[0].id
    assert new_id is not None
    path = f"/article/{new_id}"
    assert "Iwaya visits Kyiv" not in reader.get(path).text  # stored, its story not yet assigned
    assert reader.get(path).headers["x-cache"] == "hit"
    store.assign_articles({new_id: seeded.story_id})  # the story stage runs just after the articles are stored
    page = reader.get(path)
    assert page.headers["x-cache"] == "miss" and "Iwaya visits Kyiv" in page.text


def test_item_pages_outlive_a_new_version_for_the_grace_the_front_page_does_not(store: Store, seeded: Seeded) -> None:
    reader = make_client(store, page_cache=fresh_cache(store, grace=0.5))
    paths = ["/", f"/article/{seeded.original_id}", f"/story/{seeded.story_id}", "/search?q=kyiv"]
    for path in paths:
        reader.get(path)
    store.save_articles([article(92, "Kyiv talks go on", "Iwaya stayed in Kyiv.", "ukrinform.ua")])
    outcome = {path: reader.get(path).headers["x-cache"] for path in paths}
    assert outcome == {"/": "miss", paths[1]: "hit", paths[2]: "hit", paths[3]: "hit"}
    time.sleep(0.6)
    search = reader.get("/search?q=kyiv")
    assert search.headers["x-cache"] == "miss" and "talks go on" in search.text


def test_a_new_comment_shows_up_at_once_for_anonymous_readers(store: Store, seeded: Seeded) -> None:
    cache = fresh_cache(store)
    reader, author = make_client(store, page_cache=cache), make_client(store, page_cache=cache)
    path = f"/article/{seeded.original_id}"
    assert "0 comments" in reader.get(path).text and reader.get(path).headers["x-cache"] == "hit"
    register(author, "commenter")
    post_comment(author, seeded.original_id, "Fresh comment from the scene")
    page = reader.get(path)
    assert "Fresh comment from the scene" in page.text and "1 comment" in page.text


def test_changes_the_version_cannot_see_show_up_after_the_ttl(store: Store, seeded: Seeded) -> None:
    reader = make_client(store, page_cache=fresh_cache(store, ttl=0.5))
    path = f"/story/{seeded.story_id}"
    assert "Iwaya visits Kyiv" in reader.get(path).text
    with store.engine.begin() as connection:
        connection.execute(update(stories).where(stories.c.id == seeded.story_id).values(label="Renamed story"))
    assert "Renamed story" not in reader.get(path).text  # within the TTL: the cached page
    time.sleep(0.6)
    assert "Renamed story" in reader.get(path).text


def test_signed_in_readers_never_get_or_fill_cached_pages(store: Store, seeded: Seeded) -> None:
    cache = fresh_cache(store)
    anonymous, member = make_client(store, page_cache=cache), make_client(store, page_cache=cache)
    path = f"/article/{seeded.original_id}"
    register(member, "regular")
    anonymous.get(path)
    for _ in range(2):
        page = member.get(path)
        assert "x-cache" not in page.headers and page.headers["cache-control"] == "private, no-store"
        assert "Signed in as" in page.text and 'name="csrf_token"' in page.text
    shared = anonymous.get(path)
    assert shared.headers["x-cache"] == "hit" and "regular" not in shared.text and "csrf_token" not in shared.text


def test_a_hidden_comment_disappears_for_anonymous_readers_at_once(store: Store, seeded: Seeded) -> None:
    cache = PageCache(store.content_version, ttl=300, poll=300)  # only the moderator's post can clear it
    reader, author, admin = (make_client(store, page_cache=cache) for _ in range(3))
    register(author, "rude")
    comment_id = post_comment(author, seeded.original_id, "Something rude")
    path = f"/article/{seeded.original_id}"
    assert "Something rude" in reader.get(path).text and reader.get(path).headers["x-cache"] == "hit"
    add_admin(store)
    login(admin, "moderator")
    reply = admin.post(f"/comment/{comment_id}/hide", data={"csrf_token": csrf_of(admin, path)})
    assert reply.status_code == 303
    assert "Something rude" not in reader.get(path).text


def test_refused_posts_do_not_empty_the_cache(store: Store, seeded: Seeded) -> None:
    cache = fresh_cache(store)
    reader = make_client(store, page_cache=cache)
    reader.get("/")
    forged = reader.post(f"/article/{seeded.original_id}/comments", data={"body": "x", "csrf_token": "forged"})
    assert forged.status_code in (401, 403)
    assert reader.get("/").headers["x-cache"] == "hit"


def test_the_host_is_part_of_the_key_and_errors_are_not_cached(store: Store, seeded: Seeded) -> None:
    reader = make_client(store, page_cache=fresh_cache(store))
    poisoned = reader.get("/", headers={"Host": "evil.example"})
    assert "evil.example" in poisoned.text
    assert "evil.example" not in reader.get("/").text
    for _ in range(2):
        missing = reader.get("/article/999999")
        assert missing.status_code == 404 and "x-cache" not in missing.headers


def test_no_cache_renders_every_time(store: Store, seeded: Seeded) -> None:
    reader = make_client(store, page_cache=False)
    assert "x-cache" not in reader.get("/").headers and "x-cache" not in reader.get("/").headers


def test_header_helpers() -> None:
    assert has_session_cookie([(b"cookie", b"theme=dark; nd_session=abc")])
    assert not has_session_cookie([(b"cookie", b"theme=dark; not_nd_session=abc")])
    assert has_session_cookie([(b"authorization", b"Bearer x")])
    assert etag_matches(b"*", b'"a"') and not etag_matches(None, b'"a"') and not etag_matches(b'"b"', b'"a"')


def test_a_burst_of_readers_renders_a_page_once(store: Store, seeded: Seeded) -> None:
    import asyncio

    import httpx

    from newsdesk.settings import load
    from newsdesk.web.app import create_app

    cache = fresh_cache(store)
    app = create_app(store, load(env={}, secret_key="k"), page_cache=cache)

    async def burst() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await asyncio.gather(*(client.get(f"/story/{seeded.story_id}") for _ in range(8)))

    replies = asyncio.run(burst())
    assert {r.status_code for r in replies} == {200} and len({r.content for r in replies}) == 1
    assert cache.misses == 1 and cache.shared + cache.hits == 7  # one rendering, shared by the burst


def test_client_fixture_is_cached_by_default(store: Store, seeded: Seeded) -> None:
    client: TestClient = make_client(store)
    client.get("/")
    assert client.get("/").headers["x-cache"] == "hit"


def test_a_stale_facet_menu_is_recomputed_in_the_background_while_requests_show_the_old_one(
    store: Store, seeded: Seeded
) -> None:
    from sqlalchemy import event

    from newsdesk.web.views import _Facets

    facets = _Facets(max_age=0.0)  # always stale
    assert facets.get(store, "lang") == ["en"]  # the very first request computes it
    scans: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if "GROUP BY" in statement:
            scans.append(statement)

    event.listen(store.reader, "before_cursor_execute", count)
    try:
        busy = facets._computing["lang"]
        busy.acquire()  # as if a refresh were running
        try:
            assert facets.get(store, "lang") == ["en"] and scans == []
        finally:
            busy.release()
        other = store.get_article(seeded.other_id)
        assert other is not None
        store.save_articles([replace(other, id=None, url="https://x.sk/1", domain="x.sk", lang="sk")])
        assert facets.get(store, "lang") == ["en"]  # answered at once from the old menu; a refresh starts
        deadline = time.monotonic() + 10
        while (busy.locked() or not scans) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(scans) == 1
        assert sorted(facets._cache["lang"][1]) == ["en", "sk"]
    finally:
        event.remove(store.reader, "before_cursor_execute", count)
