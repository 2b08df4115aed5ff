"""RSS 2.0 and Atom feeds of the top stories, of each story and of each entity."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import Response

from newsdesk.model import Article, Story
from newsdesk.web import stories
from newsdesk.web.render import web_of

router = APIRouter(include_in_schema=False)
ATOM = "http://www.w3.org/2005/Atom"
# characters XML 1.0 cannot carry at all
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
Id = Annotated[int, Path(ge=1, le=2**62)]


@dataclass(frozen=True, slots=True)
class Entry:
    """One item of a feed."""

    title: str
    link: str
    summary: str
    updated: datetime | None


@dataclass(frozen=True, slots=True)
class Channel:
    """A whole feed: its title, the page it mirrors, its entries."""

    title: str
    link: str
    self_link: str
    entries: list[Entry]


def xml_text(value: str, limit: int = 2000) -> str:
    """Return text XML can carry, at most limit characters."""
    return _NOT_XML.sub("", value)[:limit]


def article_entry(base: str, article: Article) -> Entry:
    """Return the feed entry of an article (linking to its page here)."""
    summary = article.lead or article.text[:400]
    return Entry(article.title or article.url, f"{base}/article/{article.id}", summary, article.published)


def story_entry(base: str, story: Story) -> Entry:
    """Return the feed entry of a story."""
    summary = f"{story.summary} ({story.outlet_count} outlets)" if story.outlet_count else story.summary
    return Entry(story.label or f"Story {story.id}", f"{base}/story/{story.id}", summary, story.last_update)


def rss(channel: Channel) -> bytes:
    """Return a channel as RSS 2.0."""
    root = ET.Element("rss", {"version": "2.0", "xmlns:atom": ATOM})
    node = ET.SubElement(root, "channel")
    ET.SubElement(node, "title").text = xml_text(channel.title)
    ET.SubElement(node, "link").text = channel.link
    ET.SubElement(node, "description").text = xml_text(channel.title)
    ET.SubElement(node, "atom:link", {"href": channel.self_link, "rel": "self", "type": "application/rss+xml"})
    for entry in channel.entries:
        item = ET.SubElement(node, "item")
        ET.SubElement(item, "title").text = xml_text(entry.title)
        ET.SubElement(item, "link").text = entry.link
        ET.SubElement(item, "guid", {"isPermaLink": "true"}).text = entry.link
        ET.SubElement(item, "description").text = xml_text(entry.summary)
        if entry.updated:
            ET.SubElement(item, "pubDate").text = format_datetime(entry.updated.astimezone(UTC), usegmt=True)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def atom(channel: Channel) -> bytes:
    """Return a channel as Atom 1.0."""
    root = ET.Element("feed", {"xmlns": ATOM})
    newest = max((e.updated for e in channel.entries if e.updated), default=datetime.now(UTC))
    ET.SubElement(root, "title").text = xml_text(channel.title)
    ET.SubElement(root, "id").text = channel.self_link
    ET.SubElement(root, "updated").text = newest.isoformat()
    ET.SubElement(root, "link", {"href": channel.link, "rel": "alternate"})
    ET.SubElement(root, "link", {"href": channel.self_link, "rel": "self"})
    ET.SubElement(ET.SubElement(root, "author"), "name").text = "newsdesk"
    for entry in channel.entries:
        item = ET.SubElement(root, "entry")
        ET.SubElement(item, "title").text = xml_text(entry.title)
        ET.SubElement(item, "id").text = entry.link
        ET.SubElement(item, "link", {"href": entry.link, "rel": "alternate"})
        ET.SubElement(item, "updated").text = (entry.updated or newest).isoformat()
        ET.SubElement(item, "summary").text = xml_text(entry.summary)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def respond(channel: Channel, kind: str) -> Response:
    """Return a channel as an RSS or Atom response."""
    if kind == "rss":
        return Response(rss(channel), media_type="application/rss+xml; charset=utf-8")
    return Response(atom(channel), media_type="application/atom+xml; charset=utf-8")


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _kind(request: Request) -> str:
    return "rss" if request.url.path.endswith(".rss") else "atom"


@router.get("/feeds/top.rss")
@router.get("/feeds/top.atom")
async def top_feed(request: Request) -> Response:
    """The key stories of the day (the latest articles while there are no stories)."""
    # on the event loop, like the reader pages (see pages.ON_LOOP); the entity feed waits in a thread
    store, base, kind = web_of(request).store, _base(request), _kind(request)
    top = stories.top_stories(store, limit=30)
    entries = [story_entry(base, s) for s in top] or [article_entry(base, a) for a in store.browse_articles(limit=30)]
    return respond(Channel("newsdesk: top stories", f"{base}/", f"{base}/feeds/top.{kind}", entries), kind)


@router.get("/story/{story_id}.rss")
@router.get("/story/{story_id}.atom")
async def story_feed(request: Request, story_id: Id) -> Response:
    """The coverage of one story, newest first."""
    store, base, kind = web_of(request).store, _base(request), _kind(request)
    found = stories.story_with_articles(store, story_id, limit=50)
    if found is None:
        raise HTTPException(404, f"story {story_id} not found")
    story, coverage = found
    entries = [article_entry(base, a) for a in coverage]
    link = f"{base}/story/{story_id}"
    return respond(Channel(f"newsdesk: {story.label}", link, f"{link}.{kind}", entries), kind)


@router.get("/entity/{entity_id}.rss")
@router.get("/entity/{entity_id}.atom")
def entity_feed(request: Request, entity_id: Id) -> Response:
    """The newest articles that mention one entity."""
    store, base, kind = web_of(request).store, _base(request), _kind(request)
    entity = store.get_entity(entity_id)
    if entity is None:
        raise HTTPException(404, f"entity {entity_id} not found")
    entries = [article_entry(base, a) for a in store.entity_articles(entity_id, limit=30)]
    link = f"{base}/entity/{entity_id}"
    return respond(Channel(f"newsdesk: {entity.name}", link, f"{link}.{kind}", entries), kind)
