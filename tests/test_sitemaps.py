"""Sitemaps: news sitemaps, plain sitemaps, indexes, gzip, and refusal of entities."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.errors import InputError, TooLargeError
from newsdesk.ingest import sitemaps
from newsdesk.ingest.sitemaps import is_sitemap, parse_date, parse_sitemap

DATA = Path(__file__).parent / "testdata" / "feeds"
URL = "https://news.example.org/sitemap.xml"


def test_news_sitemap_links_carry_title_and_publication_date() -> None:
    parsed = parse_sitemap((DATA / "news-sitemap.xml").read_bytes(), URL)
    assert parsed.sitemaps == []
    news, plain = parsed.links  # the <url> without <loc> is skipped
    assert (news.url, news.title) == ("https://news.example.org/2025/06/10/summit", "Summit opens in Geneva")
    assert news.published == datetime(2025, 6, 10, 6, 30, tzinfo=UTC)
    assert (plain.title, plain.published) == (None, datetime(2025, 6, 9, tzinfo=UTC))
    assert news.guid == news.url and news.feed_url == URL


def test_sitemap_index_lists_child_sitemaps_resolved() -> None:
    parsed = parse_sitemap((DATA / "sitemap-index.xml").read_bytes(), URL)
    assert parsed.links == []
    assert parsed.sitemaps == [
        "https://news.example.org/sitemap-news.xml",
        "https://news.example.org/sitemap-2025-06.xml.gz",
    ]


def test_gzipped_sitemap_is_read_and_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    data = gzip.compress((DATA / "news-sitemap.xml").read_bytes())
    assert is_sitemap(data)
    assert len(parse_sitemap(data, URL).links) == 2
    monkeypatch.setattr(sitemaps, "MAX_SITEMAP_BYTES", 100)
    with pytest.raises(TooLargeError) as err:
        parse_sitemap(data, URL)
    assert err.value.input == URL


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ((DATA / "sitemap-bomb.xml").read_bytes(), "declares XML entities"),
        (b"<urlset><url><loc>https://x.org/</loc>", "broken sitemap XML"),
        ((DATA / "rss.xml").read_bytes(), "not a sitemap"),
        (b"\x1f\x8b\x08garbage", "corrupt gzipped sitemap"),
    ],
)
def test_hostile_sitemaps_give_one_clear_error(data: bytes, reason: str) -> None:
    with pytest.raises(InputError, match=reason) as err:
        parse_sitemap(data, URL)
    assert err.value.input == URL


def test_is_sitemap() -> None:
    assert is_sitemap((DATA / "sitemap-index.xml").read_bytes())
    assert not is_sitemap((DATA / "rss.xml").read_bytes())
    assert not is_sitemap((DATA / "not-a-feed.html").read_bytes())


def test_parse_date_forms() -> None:
    assert parse_date("2025-06-10T08:30:00Z") == datetime(2025, 6, 10, 8, 30, tzinfo=UTC)
    assert parse_date("2025-06-10T08:30:00.5+02:00") == datetime(2025, 6, 10, 6, 30, 0, 500000, tzinfo=UTC)
    assert parse_date("yesterday") is None
    assert parse_date(None) is None
