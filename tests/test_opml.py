"""OPML: reading (nested, deduplicated, hostile), writing (escaped, round trip) and the default list."""

from __future__ import annotations

import pytest

from newsdesk.errors import InputError
from newsdesk.ingest.opml import default_feeds, read_opml, write_opml
from newsdesk.model import Feed

OPML = b"""<?xml version="1.0"?>
<opml version="1.0"><head><title>Mine</title></head><body>
  <outline text="Folder">
    <outline text="One" xmlUrl="https://one.example/rss" type="rss"/>
    <outline title="Two" text="ignored" xmlUrl="https://two.example/feed"/>
  </outline>
  <outline text="One again" xmlUrl="https://one.example/rss"/>
  <outline text="News sitemap" type="sitemap" xmlUrl="https://three.example/news-sitemap.xml"/>
  <outline text="Not a feed" xmlUrl="javascript:alert(1)"/>
  <outline text="Just a folder"/>
</body></opml>"""


def test_read_opml_nested_deduplicated() -> None:
    feeds = read_opml(OPML, "mine.opml")
    assert [(f.url, f.title, f.kind) for f in feeds] == [
        ("https://one.example/rss", "One", "feed"),
        ("https://two.example/feed", "Two", "feed"),
        ("https://three.example/news-sitemap.xml", "News sitemap", "sitemap"),
    ]


def test_write_then_read_round_trips_and_escapes() -> None:
    feeds = [
        Feed(url="https://a.example/rss?x=1&y=2", title='A & "B" <c>'),
        Feed(url="https://b.example/s.xml", kind="sitemap"),
    ]
    text = write_opml(feeds, "Export & more")
    assert "<c>" not in text and "Export &amp; more" in text
    assert [(f.url, f.title, f.kind) for f in read_opml(text, "export")] == [
        ("https://a.example/rss?x=1&y=2", 'A & "B" <c>', "feed"),
        ("https://b.example/s.xml", "https://b.example/s.xml", "sitemap"),
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<opml><body><outline", "broken OPML"),
        (b'<!DOCTYPE opml [<!ENTITY a "aaaa">]><opml><body><outline text="&a;"/></body></opml>', "entities"),
        (b'<rss version="2.0"/>', "not an OPML file"),
    ],
)
def test_hostile_opml_gives_one_clear_error(data: bytes, reason: str) -> None:
    with pytest.raises(InputError, match=reason) as err:
        read_opml(data, "bad.opml")
    assert err.value.input == "bad.opml"


def test_default_feeds_are_real_world_news_feeds() -> None:
    feeds = default_feeds()
    assert len(feeds) >= 15
    assert all(f.url.startswith("https://") and f.title for f in feeds)
    hosts = " ".join(f.url for f in feeds)
    for outlet in ("bbci.co.uk", "aljazeera.com", "dw.com", "npr.org", "ukrinform", "kyivindependent", "rferl"):
        assert outlet in hosts
