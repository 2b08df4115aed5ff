"""RSS/Atom feeds → Links with stable ids (GUID, else URL), via feedparser, with DTDs stripped or refused first."""

from __future__ import annotations

import calendar
import codecs
import io
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from newsdesk.errors import InputError
from newsdesk.ingest.sitemaps import is_sitemap, parse_sitemap
from newsdesk.model import Link

log = logging.getLogger(__name__)

_ENTITY = re.compile(rb"<!ENTITY", re.I)
# A DOCTYPE with an optional internal subset in brackets.
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*(\[.*?\]\s*)?>", re.I | re.S)
_XML_DECL_ENCODING = re.compile(rb"^(\s*<\?xml[^>]*?)\sencoding\s*=\s*[\"'][^\"']*[\"']")
_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Bozo reasons feedparser reports for feeds that are fine to use.
_BENIGN = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed's title and entries; sitemaps lists child sitemaps when parse_any met a sitemap index."""

    title: str
    links: list[Link]
    sitemaps: list[str] = field(default_factory=list)


def parse_any(data: bytes, url: str) -> ParsedFeed:
    """Parse data as a sitemap if it is one, else as an RSS/Atom feed."""
    if is_sitemap(data):
        parsed = parse_sitemap(data, url)
        return ParsedFeed(title="", links=parsed.links, sitemaps=parsed.sitemaps)
    return parse_feed(data, url)


def parse_feed(data: bytes, url: str) -> ParsedFeed:
    """Parse an RSS or Atom feed fetched from url; raise InputError(input=url) if it is broken or not a feed."""
    safe = strip_doctype(_as_utf8(data), url)
    result = feedparser.parse(io.BytesIO(safe), response_headers={"content-location": url}, sanitize_html=True)
    links = _dedupe([link for entry in result.entries if (link := entry_link(entry, url))])
    _reject_broken(result, links, url)
    title = str(result.feed.get("title", "")).strip()
    log.debug("%s: feed %r with %d entries", url, title, len(links))
    return ParsedFeed(title=title, links=links)


def strip_doctype(data: bytes, url: str) -> bytes:
    """Return data without its DOCTYPE; raise InputError if it declares entities (entity bombs, XXE)."""
    if _ENTITY.search(data):
        raise InputError("feed refused: it declares XML entities (<!ENTITY>), a billion-laughs/XXE risk", input=url)
    return _DOCTYPE.sub(b"", data, count=1)


def entry_link(entry: Any, feed_url: str) -> Link | None:
    """Return the Link of one feedparser entry, or None when it has no URL at all."""
    guid = _clean(entry.get("id"))
    href = _clean(entry.get("link")) or _alternate(entry)
    if href is None and guid and guid.startswith(("http://", "https://")):
        href = guid
    if href is None:
        log.debug("%s: skipping an entry without a link (%r)", feed_url, entry.get("title"))
        return None
    url = urljoin(feed_url, href)
    title = _clean(entry.get("title"))
    summary = _clean(entry.get("summary"))
    published = _time(entry.get("published_parsed") or entry.get("updated_parsed"))
    return Link(
        url=url,
        guid=guid or url,
        title=title,
        published=published,
        summary=summary,
        feed_url=feed_url,
    )


def _as_utf8(data: bytes) -> bytes:
    """Re-encode UTF-16/32 feeds as UTF-8 so the byte-level DOCTYPE checks see them."""
    if not data.startswith(_WIDE_BOMS):
        return data
    text = data.decode("utf-32" if data.startswith(_WIDE_BOMS[:2]) else "utf-16", "replace")
    return _XML_DECL_ENCODING.sub(rb"\1", text.encode("utf-8"), count=1)


def _reject_broken(result: Any, links: list[Link], url: str) -> None:
    """Raise InputError unless the feed is well-formed or its damage still left usable links."""
    broken = bool(result.bozo) and not isinstance(result.bozo_exception, _BENIGN)
    if not links and not result.get("version"):
        raise InputError("not an RSS or Atom feed (no <rss>, <feed> or <rdf:RDF> found)", input=url)
    if broken and not links:
        raise InputError(f"broken feed: {_reason(result.bozo_exception)}", input=url)
    if broken:
        log.info("%s: feed has errors but was read (%s)", url, _reason(result.bozo_exception))


def _reason(exc: BaseException) -> str:
    message = getattr(exc, "getMessage", None)
    return str(message() if callable(message) else exc) or type(exc).__name__


def _alternate(entry: Any) -> str | None:
    for link in entry.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link["href"]).strip()
    return None


def _clean(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _time(value: time.struct_time | None) -> datetime | None:
    # feedparser normalises dates to UTC struct_time.
    return datetime.fromtimestamp(calendar.timegm(value), UTC) if value else None


def _dedupe(links: list[Link]) -> list[Link]:
    seen: set[str] = set()
    unique = []
    for link in links:
        if (link.guid or link.url) not in seen:
            seen.add(link.guid or link.url)
            unique.append(link)
    return unique
