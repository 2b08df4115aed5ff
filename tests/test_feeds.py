"""RSS/Atom parsing: stable ids, relative links, dates, and one clear error per hostile feed."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.errors import InputError
from newsdesk.ingest.feeds import ParsedFeed, parse_any, parse_feed

DATA = Path(__file__).parent / "testdata" / "feeds"
URL = "https://news.example.org/feed.xml"


def feed(name: str) -> ParsedFeed:
    return parse_feed((DATA / name).read_bytes(), URL)


def test_rss_entries_become_links_with_stable_ids() -> None:
    parsed = feed("rss.xml")  # also carries an old Netscape DOCTYPE, which is stripped
    assert parsed.title == "World News"
    first, relative = parsed.links  # the duplicate GUID and the link-less item are dropped
    assert (first.url, first.guid, first.title) == (
        "https://news.example.org/world/kyiv-meeting",
        "urn:example:1001",
        "Leaders meet in Kyiv",
    )
    assert first.published == datetime(2025, 6, 10, 6, 30, tzinfo=UTC)
    assert first.feed_url == URL
    assert "<script" not in (first.summary or "")
    assert (relative.url, relative.guid) == ("https://news.example.org/world/relative",) * 2


def test_atom_entries_and_an_id_that_is_a_url() -> None:
    parsed = feed("atom.xml")
    assert parsed.title == "Atom Desk"
    assert [(link.url, link.guid) for link in parsed.links] == [
        ("https://example.org/summit-ends", "tag:example.org,2025:1"),
        ("https://example.org/id-is-url", "https://example.org/id-is-url"),
    ]


def test_an_empty_but_valid_feed_has_no_links() -> None:
    parsed = parse_feed(b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>', URL)
    assert parsed == ParsedFeed(title="Quiet", links=[])


def test_utf16_feed_is_read() -> None:
    data = '<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel><title>Wide</title>'
    data += "<item><title>Ünï</title><link>https://example.org/wide</link></item></channel></rss>"
    parsed = parse_feed(data.encode("utf-16"), URL)
    assert (parsed.title, parsed.links[0].title) == ("Wide", "Ünï")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("broken.xml", "broken feed: not well-formed"),
        ("billion-laughs.xml", "declares XML entities"),
        ("xxe-file.xml", "declares XML entities"),
        ("not-a-feed.html", "not an RSS or Atom feed"),
        ("misdeclared-charset.html", "not an RSS or Atom feed"),
    ],
)
def test_hostile_feeds_give_one_clear_error_naming_the_input(name: str, reason: str) -> None:
    started = time.monotonic()
    with pytest.raises(InputError, match=reason) as err:
        feed(name)
    assert err.value.input == URL
    assert str(err.value).startswith(URL + ": ")
    assert time.monotonic() - started < 2  # no entity expansion


def test_external_dtd_is_ignored_not_fetched() -> None:
    parsed = feed("external-dtd.xml")  # the DTD points at a closed local port; nothing is fetched
    assert [link.url for link in parsed.links] == ["https://example.org/external"]
    assert "passwd" not in (parsed.links[0].title or "")


def test_empty_input_is_not_a_feed() -> None:
    with pytest.raises(InputError, match="not an RSS or Atom feed"):
        parse_feed(b"", URL)


def test_parse_any_dispatches_sitemaps_and_feeds() -> None:
    assert parse_any((DATA / "rss.xml").read_bytes(), URL).title == "World News"
    sitemap = parse_any((DATA / "news-sitemap.xml").read_bytes(), URL)
    assert sitemap.links[0].title == "Summit opens in Geneva"
    index = parse_any((DATA / "sitemap-index.xml").read_bytes(), URL)
    assert index.links == [] and len(index.sitemaps) == 2
