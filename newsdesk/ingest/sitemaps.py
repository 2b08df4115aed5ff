"""Sitemaps (plain, Google News, and sitemap indexes) → Links, parsed without entities or network."""

from __future__ import annotations

import logging
import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin
from xml.etree.ElementTree import Element

from newsdesk.errors import InputError, TooLargeError
from newsdesk.ingest.safexml import parse_xml
from newsdesk.model import Link

log = logging.getLogger(__name__)

MAX_SITEMAP_BYTES = 50_000_000  # the sitemaps.org limit for one uncompressed file
_ROOT = re.compile(rb"<(?:[\w.-]+:)?(urlset|sitemapindex)[\s>]")


@dataclass(frozen=True, slots=True)
class ParsedSitemap:
    """The pages a sitemap lists, and the child sitemaps a sitemap index points to."""

    links: list[Link] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)


def is_sitemap(data: bytes) -> bool:
    """Return whether data looks like a sitemap or sitemap index (gzipped or not)."""
    if data[:2] == b"\x1f\x8b":
        data = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(data, 4096)
    return _ROOT.search(data[:4096]) is not None


def parse_sitemap(data: bytes, url: str) -> ParsedSitemap:
    """Parse a sitemap or sitemap index at url; raise InputError(input=url) if it is not one."""
    root = parse_xml(_gunzip(data, url), url, "sitemap XML")
    kind = _local(root.tag)
    if kind == "sitemapindex":
        children = [urljoin(url, loc) for entry in _children(root, "sitemap") if (loc := _text(entry, "loc"))]
        log.debug("%s: sitemap index of %d sitemaps", url, len(children))
        return ParsedSitemap(sitemaps=children)
    if kind != "urlset":
        raise InputError(f"not a sitemap (root element <{kind}>)", input=url)
    links = [link for entry in _children(root, "url") if (link := _link(entry, url))]
    log.debug("%s: sitemap of %d links", url, len(links))
    return ParsedSitemap(links=links)


def parse_date(value: str | None) -> datetime | None:
    """Return a W3C datetime (2024-05-01, 2024-05-01T10:00:00Z, …) as an aware UTC datetime, or None."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    # A date without a zone is taken as UTC so that all published times compare.
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _gunzip(data: bytes, url: str) -> bytes:
    if data[:2] != b"\x1f\x8b":
        return data
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        out = inflater.decompress(data, MAX_SITEMAP_BYTES + 1)
    except zlib.error as exc:
        raise InputError(f"corrupt gzipped sitemap: {exc}", input=url) from exc
    if len(out) > MAX_SITEMAP_BYTES:
        raise TooLargeError(f"sitemap larger than {MAX_SITEMAP_BYTES} bytes uncompressed", input=url)
    return out


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def _find(element: Element, *path: str) -> Element | None:
    for name in path:
        found = _children(element, name)
        if not found:
            return None
        element = found[0]
    return element


def _text(element: Element, *path: str) -> str | None:
    found = _find(element, *path)
    text = (found.text or "").strip() if found is not None else ""
    return text or None


def _link(entry: Element, sitemap_url: str) -> Link | None:
    loc = _text(entry, "loc")
    if loc is None:
        return None
    published = parse_date(_text(entry, "news", "publication_date")) or parse_date(_text(entry, "lastmod"))
    url = urljoin(sitemap_url, loc)
    return Link(url=url, guid=url, title=_text(entry, "news", "title"), published=published, feed_url=sitemap_url)
