"""A shared response cache for anonymous readers of the pages, their `.json` twins and the feeds.

A page is served from the cache only to a request without a session cookie (whoever has one may be signed
in, and gets pages with their name and CSRF token), and only if it was rendered without setting a cookie.
An entry of the home page or the top-stories feed goes stale when the store's content version (newest article,
story, comment, and article given its story) moves on, which workers poll at most every ``poll`` seconds. Other
pages (a story, an article, an entity, a search) go stale on a new version only once they are ``grace`` seconds
old: on a live desk the version moves with every article, and re-rendering every page each time made the cache
useless (bench/web.py with an article a second: article p99 220 ms, 48% hits). Every entry goes stale after
``ttl`` seconds in any case (what the version cannot see, such as a comment hidden through another worker), and
at once when this worker handles a form post.
Cached replies carry an ETag and are revalidated by browsers (``no-cache``): a matching If-None-Match gets 304.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from anyio import CapacityLimiter, to_thread
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsdesk.web.security import SESSION_COOKIE

# pages that follow every new version at once: the front page and its feeds
STRICT = re.compile(r"^/(?:|index\.json|feeds/top\.(?:rss|atom))$")
# the reader pages, their JSON twins and the feeds: what anonymous readers see the same way
CACHEABLE = re.compile(
    r"^/(?:|index\.json|search(?:\.json)?|(?:story|article|entity)/\d+(?:\.json|\.rss|\.atom)?|feeds/[\w.-]+)$"
)
CACHE_CONTROL = b"public, no-cache"
PRIVATE = b"private, no-store"


@dataclass(frozen=True, slots=True)
class Entry:
    """One cached reply: status, headers (with its ETag) and body, and what it was rendered from."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes
    version: Hashable
    generation: int
    stored_at: float
    strict: bool = True  # stale as soon as the version moves (else only past the cache's grace)


@dataclass
class PageCache:
    """Rendered replies by host, path and query, least recently used dropped first beyond ``max_bytes``."""

    version_of: Callable[[], Hashable]
    ttl: float = 30.0
    poll: float = 1.0
    grace: float = 30.0
    max_bytes: int = 64 * 1024 * 1024
    max_entry: int = 1024 * 1024
    hits: int = 0
    misses: int = 0
    shared: int = 0  # replies that waited for the same page being rendered for another reader
    _entries: OrderedDict[Hashable, Entry] = field(default_factory=OrderedDict)
    _size: int = 0
    _generation: int = 0
    _version: Hashable = None
    _polled_at: float = float("-inf")
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _polling: asyncio.Lock | None = None
    # its own thread, so that a version poll never queues behind page renders for the shared thread pool
    _poller: CapacityLimiter | None = None

    async def version(self) -> Hashable:
        """Return the store's content version, asking the store at most every ``poll`` seconds."""
        if time.monotonic() - self._polled_at < self.poll:
            return self._version
        if self._polling is None:
            self._polling = asyncio.Lock()
        if self._polling.locked() and self._version is not None:
            return self._version  # another request is asking: the last answer is at most a poll old
        async with self._polling:
            if time.monotonic() - self._polled_at >= self.poll:
                self._poller = self._poller or CapacityLimiter(1)
                self._version = await to_thread.run_sync(self.version_of, limiter=self._poller)
                self._polled_at = time.monotonic()
        return self._version

    @property
    def generation(self) -> int:
        """Return a number that grows each time the cache is cleared."""
        return self._generation

    def get(self, key: Hashable, version: Hashable) -> Entry | None:
        """Return the fresh entry of key, or None (and forget a stale one)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            age = time.monotonic() - entry.stored_at
            stale = (
                entry.generation != self._generation
                or age > self.ttl
                or (entry.version != version and (entry.strict or age > self.grace))
            )
            if stale:
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: Hashable, entry: Entry) -> None:
        """Keep entry unless it is too big or the cache was cleared while it was being rendered."""
        if len(entry.body) > self.max_entry:
            return
        with self._lock:
            if entry.generation != self._generation:
                return
            self._drop(key)
            self._entries[key] = entry
            self._size += len(entry.body)
            while self._size > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def clear(self) -> None:
        """Forget every entry, and any reply being rendered now."""
        with self._lock:
            self._entries.clear()
            self._size = 0
            self._generation += 1
            self._polled_at = float("-inf")

    def _drop(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._size -= len(entry.body)


def etag_of(body: bytes) -> bytes:
    """Return a strong ETag for a body."""
    return b'"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'


def etag_matches(if_none_match: bytes | None, etag: bytes) -> bool:
    """Return whether an If-None-Match header names etag (weak comparison, as RFC 9110 asks for GET)."""
    if not if_none_match:
        return False
    wanted = [tag.strip().removeprefix(b"W/") for tag in if_none_match.split(b",")]
    return b"*" in wanted or etag in wanted


def has_session_cookie(headers: list[tuple[bytes, bytes]]) -> bool:
    """Return whether a request carries a newsdesk session cookie (read as the app reads it) or credentials."""
    for name, value in headers:
        if name == b"authorization":
            return True
        if name == b"cookie" and SESSION_COOKIE in cookie_parser(value.decode("latin-1")):
            return True
    return False


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    return next((value for key, value in headers if key.lower() == name), None)


class PageCacheMiddleware:
    """ASGI middleware serving anonymous readers' GETs of reader pages from a PageCache."""

    def __init__(self, app: ASGIApp, cache: PageCache) -> None:
        self.app = app
        self.cache = cache
        self._rendering: dict[Hashable, asyncio.Future[Entry | None]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request from the cache when allowed, else render it (and keep it when allowed)."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, self._clearing(send))
            return
        headers: list[tuple[bytes, bytes]] = scope["headers"]
        if scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        session = has_session_cookie(headers)
        if scope["method"] != "GET" or session or not CACHEABLE.match(scope["path"]):
            await self.app(scope, receive, self._private(send, always=session))
            return
        key = (scope["scheme"], _header(headers, b"host"), scope["path"], scope["query_string"])
        version = await self.cache.version()
        entry = self.cache.get(key, version)
        if entry is not None:
            self.cache.hits += 1
            await self._reply(entry, headers, send, b"hit")
            return
        waiting = self._rendering.get(key)
        if waiting is not None:  # the same page is being rendered for another reader: share it
            entry = await asyncio.shield(waiting)
            if entry is not None:
                self.cache.shared += 1
                await self._reply(entry, headers, send, b"shared")
                return
            await self.app(scope, receive, send)
            return
        self.cache.misses += 1
        future: asyncio.Future[Entry | None] = asyncio.get_running_loop().create_future()
        self._rendering[key] = future
        try:
            entry = await self._render(scope, receive, send, version)
            if entry is not None:
                self.cache.put(key, entry)
                await self._reply(entry, headers, send, b"miss")
        finally:
            del self._rendering[key]
            if not future.done():
                future.set_result(entry)

    async def _render(self, scope: Scope, receive: Receive, send: Send, version: Hashable) -> Entry | None:
        """Run the app; return its reply as an entry if it may be shared, else pass it through and return None."""
        generation = self.cache.generation
        start: Message | None = None
        chunks: list[bytes] = []
        passed = False

        async def capture(message: Message) -> None:
            nonlocal start, passed
            if passed:
                await send(message)
            elif message["type"] == "http.response.start":
                start = message
                shared = message["status"] == 200 and _header(message["headers"], b"set-cookie") is None
                if not shared:
                    passed = True
                    await send(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            else:
                await send(message)

        await self.app(scope, receive, capture)
        if passed or start is None:
            return None
        body = b"".join(chunks)
        etag = etag_of(body)
        kept = [
            (k, v)
            for k, v in start["headers"]
            if k.lower() not in (b"etag", b"cache-control", b"vary", b"content-length")
        ]
        kept += [(b"etag", etag), (b"cache-control", CACHE_CONTROL), (b"vary", b"Cookie")]
        strict = STRICT.match(scope["path"]) is not None
        return Entry(200, kept, body, etag, version, generation, time.monotonic(), strict)

    async def _reply(self, entry: Entry, request_headers: list[tuple[bytes, bytes]], send: Send, how: bytes) -> None:
        """Send a cached reply, or 304 Not Modified when the reader already holds it."""
        if etag_matches(_header(request_headers, b"if-none-match"), entry.etag):
            headers = [(b"etag", entry.etag), (b"cache-control", CACHE_CONTROL), (b"vary", b"Cookie")]
            await send({"type": "http.response.start", "status": 304, "headers": [*headers, (b"x-cache", how)]})
            await send({"type": "http.response.body", "body": b""})
            return
        headers = [*entry.headers, (b"content-length", str(len(entry.body)).encode()), (b"x-cache", how)]
        await send({"type": "http.response.start", "status": entry.status, "headers": headers})
        await send({"type": "http.response.body", "body": entry.body})

    def _private(self, send: Send, *, always: bool) -> Send:
        """Wrap send so that replies for one reader (all, or those setting a cookie) are never stored elsewhere."""

        async def private(message: Message) -> None:
            if message["type"] == "http.response.start":
                mine = always or _header(message["headers"], b"set-cookie") is not None
                if mine and _header(message["headers"], b"cache-control") is None:
                    message = {**message, "headers": [*message["headers"], (b"cache-control", PRIVATE)]}
            await send(message)

        return private

    def _clearing(self, send: Send) -> Send:
        """Wrap send so that a form post that succeeded clears the cache: it may have changed any page.

        Refused posts (a forged form, a wrong password) clear nothing, so that they cannot be used to empty it.
        """

        async def clearing(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] < 400:
                self.cache.clear()
            await send(message)

        return clearing


__all__ = ["CACHEABLE", "Entry", "PageCache", "PageCacheMiddleware", "etag_matches", "etag_of", "has_session_cookie"]
