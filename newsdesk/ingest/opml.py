"""OPML subscription lists: read them into Feeds, write Feeds out, and the packaged default list."""

from __future__ import annotations

import logging
from importlib.resources import files
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from newsdesk.errors import InputError
from newsdesk.ingest.safexml import parse_xml
from newsdesk.model import Feed

log = logging.getLogger(__name__)

DEFAULT_FEEDS = "default-feeds.opml"


def read_opml(data: bytes | str, source: str) -> list[Feed]:
    """Return the feeds (outlines with an xmlUrl, at any depth) of an OPML document; source names it in errors."""
    root = parse_xml(data, source, "OPML")
    if root.tag.lower() != "opml":
        raise InputError(f"not an OPML file (root element <{root.tag}>)", input=source)
    feeds: dict[str, Feed] = {}
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url.startswith(("http://", "https://")):
            continue
        title = (outline.get("title") or outline.get("text") or "").strip()
        kind = "sitemap" if (outline.get("type") or "").lower() == "sitemap" else "feed"
        feeds.setdefault(url, Feed(url=url, title=title, kind=kind))
    log.debug("%s: %d feeds", source, len(feeds))
    return list(feeds.values())


def write_opml(feeds: list[Feed], title: str) -> str:
    """Return an OPML 2.0 document listing feeds."""
    root = Element("opml", version="2.0")
    SubElement(SubElement(root, "head"), "title").text = title
    body = SubElement(root, "body")
    for feed in feeds:
        name = feed.title or feed.url
        kind = "sitemap" if feed.kind == "sitemap" else "rss"
        SubElement(body, "outline", type=kind, text=name, title=name, xmlUrl=feed.url)
    indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode") + "\n"


def default_feeds() -> list[Feed]:
    """Return the world and regional news feeds packaged with newsdesk."""
    resource = files("newsdesk") / "data" / DEFAULT_FEEDS
    return read_opml(resource.read_bytes(), f"newsdesk/data/{DEFAULT_FEEDS}")
