"""Polling feeds end to end against a real HTTP server on 127.0.0.1: new articles stored once, 304s,
dead feeds reported and backed off, sitemaps followed, `newsdesk fetch` and `newsdesk ingest URL`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from typer.testing import CliRunner

from newsdesk import pipeline
from newsdesk.cli import app
from newsdesk.ingest.fetch import Fetcher, FetchOptions
from newsdesk.model import Feed
from newsdesk.store import Store
from tests.conftest import need_shared, served

HITS: dict[str, int] = {}


def _pages() -> dict[str, bytes]:
    seed = need_shared("seed")
    return {
        "kyiv": (seed / "kyiv-visit-article.html").read_bytes(),
        "wire": (seed / "story" / "wire-original.html").read_bytes(),
        "other": (seed / "story" / "other-story.html").read_bytes(),
    }


def _rss(base: str) -> bytes:
    items = "".join(
        f"<item><title>{name}</title><link>{base}/page/{name}</link><guid>{name}</guid></item>"
        for name in ("kyiv", "wire", "missing")
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Test feed</title>{items}</channel></rss>'.encode()


def _sitemap(base: str) -> bytes:
    return (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{base}/page/other</loc></url></urlset>"
    ).encode()


def _feed(request: Request) -> Response:
    HITS["feed"] = HITS.get("feed", 0) + 1
    if request.headers.get("if-none-match") == '"v1"':
        return Response(status_code=304)
    base = str(request.base_url).rstrip("/")
    return Response(_rss(base), media_type="application/rss+xml", headers={"ETag": '"v1"'})


def _page(request: Request) -> Response:
    name = request.path_params["name"]
    pages = _pages()
    if name not in pages:
        return Response("gone", status_code=404)
    return Response(pages[name], media_type="text/html; charset=utf-8")


ROUTES = [
    Route("/feed.xml", _feed),
    Route("/broken.xml", lambda r: Response(b"<rss><channel><item>", media_type="application/rss+xml")),
    Route("/sitemap.xml", lambda r: Response(_sitemap(str(r.base_url).rstrip("/")), media_type="application/xml")),
    Route("/page/{name}", _page),
]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A uvicorn server on 127.0.0.1 in a thread; yields its base URL."""
    with served(Starlette(routes=ROUTES)) as url:
        yield url


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FetchOptions(allowed_hosts=("127.0.0.1",), per_host_delay=0, timeout=5)) as opened:
        yield opened


def test_poll_stores_new_articles_once_and_uses_conditional_get(store: Store, fetcher: Fetcher, server: str) -> None:
    feed = store.add_feed(Feed(url=f"{server}/feed.xml"))
    report = pipeline.poll_feed(store, fetcher, feed)
    assert report.stored == 2
    assert [str(e.input) for e in report.errors] == [f"{server}/page/missing"]
    assert store.count_articles() == 2
    (polled,) = store.list_feeds()
    assert polled.etag == '"v1"' and polled.title == "Test feed" and polled.error_count == 0
    again = pipeline.poll_feed(store, fetcher, polled)
    assert again.seen == 0 and store.count_articles() == 2


def test_a_broken_feed_is_reported_and_backed_off_not_fatal(store: Store, fetcher: Fetcher, server: str) -> None:
    store.add_feed(Feed(url=f"{server}/broken.xml"))
    store.add_feed(Feed(url=f"{server}/feed.xml"))
    reports = pipeline.poll_due_feeds(store, fetcher)
    assert reports[f"{server}/broken.xml"].failed
    assert reports[f"{server}/feed.xml"].stored == 2
    broken = next(f for f in store.list_feeds() if f.url.endswith("broken.xml"))
    assert broken.error_count == 1 and broken.last_error and "broken.xml" in broken.last_error
    assert [f.url for f in store.due_feeds()] == []


def test_news_sitemap_is_followed(store: Store, fetcher: Fetcher, server: str) -> None:
    feed = store.add_feed(Feed(url=f"{server}/sitemap.xml", kind="sitemap"))
    report = pipeline.poll_feed(store, fetcher, feed)
    assert report.stored == 1, report.errors


def test_cli_fetch_and_ingest_url(tmp_path: Path, server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_ALLOWED_HOSTS", "127.0.0.1")
    monkeypatch.setenv("NEWSDESK_PER_HOST_DELAY", "0")
    db = f"sqlite:///{tmp_path / 'n.db'}"
    runner = CliRunner()
    assert runner.invoke(app, ["feeds", "add", f"{server}/feed.xml", "--db", db]).exit_code == 0
    result = runner.invoke(app, ["fetch", "--db", db])
    assert result.exit_code == 1  # one linked page is missing: reported, the rest stored
    assert f"{server}/page/missing" in result.output
    result = runner.invoke(app, ["ingest", "--db", db, f"{server}/page/other"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["articles", "count", "--db", db]).output.strip() == "3"
    exported = runner.invoke(app, ["feeds", "export", "--db", db]).output
    assert f"{server}/feed.xml" in exported


def test_private_addresses_are_refused_by_default(tmp_path: Path, server: str) -> None:
    result = CliRunner().invoke(app, ["ingest", "--db", f"sqlite:///{tmp_path / 'n.db'}", f"{server}/page/kyiv"])
    assert result.exit_code == 1
    assert f"{server}/page/kyiv" in result.output
