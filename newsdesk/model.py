"""The shared data model: plain, frozen, typed classes that every stage reads and returns.

Stages never mutate an instance; they return a new one with ``dataclasses.replace``.
Everything here is picklable so that a distributed executor (Dask) can ship batches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class ExtractionStatus(StrEnum):
    """Outcome of extracting an article from a page."""

    OK = "ok"
    EMPTY = "empty"
    TOO_SHORT = "too_short"
    PAYWALL = "paywall"
    CONSENT = "consent"
    BOT_WALL = "bot_wall"
    NOT_ARTICLE = "not_article"
    TRUNCATED = "truncated"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Feed:
    """An RSS/Atom feed or news sitemap that newsdesk polls."""

    url: str
    title: str = ""
    kind: str = "feed"  # "feed" or "sitemap"
    id: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_checked_at: datetime | None = None
    next_check_at: datetime | None = None
    error_count: int = 0
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """One entry found in a feed or sitemap: a page to fetch."""

    url: str
    guid: str | None = None
    title: str | None = None
    published: datetime | None = None
    summary: str | None = None
    feed_url: str | None = None


@dataclass(frozen=True, slots=True)
class RawPage:
    """A fetched or read page before extraction."""

    url: str
    html: str
    input: str  # the path, URL or WARC offset as the user gave it, for error messages
    fetched_at: datetime | None = None
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    feed_url: str | None = None
    guid: str | None = None


@dataclass(frozen=True, slots=True)
class Outlet:
    """A publisher (site) that articles come from."""

    domain: str
    name: str = ""
    id: int | None = None


Source = Outlet


@dataclass(frozen=True, slots=True)
class Image:
    """An image of an article with its caption."""

    url: str
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of an article's text that names an entity."""

    start: int
    end: int
    text: str
    label: str  # PER, ORG, LOC, MISC
    entity: str = ""  # canonical name


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, organisation or place under one canonical name."""

    name: str
    label: str
    variants: tuple[str, ...] = ()
    role: str = ""
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    """Something said, with who said it and the verb that introduces it."""

    text: str
    speaker: str = ""
    cue: str = ""
    kind: str = "direct"  # direct, partial, indirect
    start: int = -1
    end: int = -1


@dataclass(frozen=True, slots=True)
class Attribution:
    """A reporting source of an article, optionally citing another (TASR citing AP)."""

    source: str
    cites: str = ""


@dataclass(frozen=True, slots=True)
class Article:
    """An extracted news article, as every stage after extraction sees it."""

    url: str
    title: str = ""
    text: str = ""
    byline: tuple[str, ...] = ()
    published: datetime | None = None
    updated: datetime | None = None
    lead: str = ""
    subheadings: tuple[str, ...] = ()
    lang: str = ""
    site_name: str = ""
    domain: str = ""
    canonical_url: str = ""
    source_links: tuple[str, ...] = ()
    section: str = ""
    image: Image | None = None
    status: ExtractionStatus = ExtractionStatus.OK
    reason: str = ""
    content_hash: str = ""
    fetched_at: datetime | None = None
    feed_url: str | None = None
    # filled by analysis
    mentions: tuple[Mention, ...] = ()
    quotes: tuple[Quote, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    places: tuple[str, ...] = ()
    # filled by dedupe / cluster
    duplicate_of: int | None = None
    story_id: int | None = None
    id: int | None = None

    @property
    def key_url(self) -> str:
        """The URL that identifies this article: canonical if known, else the fetched one."""
        return self.canonical_url or self.url


@dataclass(frozen=True, slots=True)
class Story:
    """Coverage of one event: articles from many outlets grouped together."""

    id: int | None = None
    label: str = ""
    summary: str = ""
    first_seen: datetime | None = None
    last_update: datetime | None = None
    article_count: int = 0
    outlet_count: int = 0
    score: float = 0.0
    article_ids: tuple[int, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class Comment:
    """A reader's comment on an article."""

    article_id: int
    user_id: int
    body: str
    id: int | None = None
    created_at: datetime | None = None
    hidden: bool = False
    author: str = ""


@dataclass(frozen=True, slots=True)
class User:
    """A reader account."""

    name: str
    password_hash: str = ""
    is_admin: bool = False
    blocked: bool = False
    id: int | None = None
