"""Polite, guarded HTTP fetching: robots.txt, per-host rate limit, conditional GET, size cap, private-IP guard.

Redirects are followed by hand so that every hop passes the address guard and robots.txt,
and bodies are read raw and decompressed here so that the size cap holds after decompression.
"""

from __future__ import annotations

import logging
import threading
import time
import zlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from types import TracebackType
from typing import Self
from urllib.parse import urljoin

import httpcore
import httpx

from newsdesk.errors import (
    BlockedAddressError,
    FetchError,
    InputError,
    NewsdeskError,
    RobotsDisallowedError,
    TooLargeError,
)
from newsdesk.ingest.addresses import AddressGuard, GuardedBackend
from newsdesk.ingest.decode import decode_body
from newsdesk.ingest.robots import RobotsCache
from newsdesk.model import RawPage

try:
    import brotli
except ImportError:  # pragma: no cover - brotli is a dependency; stay usable without it
    brotli = None

log = logging.getLogger(__name__)

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_ROBOTS_MAX_BYTES = 512_000  # RFC 9309 asks crawlers to read at least 500 KiB
# Only encodings we can decompress under a cap ourselves; httpx would inflate without a limit.
ACCEPT_ENCODING = "gzip, deflate, br" if brotli else "gzip, deflate"


@dataclass(frozen=True, kw_only=True)
class FetchOptions:
    """How the fetcher behaves: limits, politeness and which private hosts it may contact."""

    timeout: float = 20
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    user_agent: str = "newsdesk/0.1 (+https://github.com/newsdesk)"
    allow_private: bool = False
    allowed_hosts: tuple[str, ...] = ()
    per_host_delay: float = 1.0
    respect_robots: bool = True


@dataclass(frozen=True)
class FetchResult:
    """One fetched URL: the final response after redirects, its raw and decoded body."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    text: str
    etag: str | None
    last_modified: str | None
    not_modified: bool
    content_type: str


def check_size(size: int, max_bytes: int, url: str) -> None:
    """Raise TooLargeError naming url when size exceeds max_bytes."""
    if size > max_bytes:
        log.warning("%s is over the size cap of %d bytes", url, max_bytes)
        raise TooLargeError(f"body larger than the cap of {max_bytes} bytes", input=url)


class Inflater:
    """Decompresses a Content-Encoding stream, refusing to produce more than max_bytes."""

    def __init__(self, encoding: str, max_bytes: int, url: str) -> None:
        codings = [c.strip().lower() for c in encoding.split(",") if c.strip().lower() not in ("", "identity")]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate", "br")):
            raise InputError(f"unsupported Content-Encoding {encoding!r}", input=url)
        if codings == ["br"] and brotli is None:
            raise InputError("Content-Encoding br but brotli is not installed", input=url)
        self._coding = codings[0] if codings else ""
        self._max = max_bytes
        self._url = url
        self._size = 0
        self._zlib: zlib._Decompress | None = None
        self._brotli = brotli.Decompressor() if self._coding == "br" else None

    def feed(self, data: bytes) -> bytes:
        """Return the decompressed bytes of the next chunk of the raw stream."""
        if not data:
            return b""
        try:
            out = self._inflate(data)
        except (zlib.error, getattr(brotli, "error", zlib.error)) as exc:
            raise InputError(f"corrupt {self._coding} body: {exc}", input=self._url) from exc
        return out

    def finish(self) -> bytes:
        """Return whatever the decompressor still holds."""
        if self._zlib is None:
            return b""
        return self._count(self._zlib.flush())

    def _inflate(self, data: bytes) -> bytes:
        if self._brotli is not None:
            return self._unbrotli(data)
        if not self._coding:
            return self._count(data)
        if self._zlib is None:
            self._zlib = zlib.decompressobj(_wbits(self._coding, data))
        out = []
        while data:
            # Ask for one byte more than the room left: getting it means the cap is exceeded.
            out.append(self._count(self._zlib.decompress(data, self._max - self._size + 1)))
            data = self._zlib.unconsumed_tail
        return b"".join(out)

    def _unbrotli(self, data: bytes) -> bytes:
        assert self._brotli is not None
        out = [self._count(self._brotli.process(data, output_buffer_limit=self._max - self._size + 1))]
        while not self._brotli.can_accept_more_data():
            out.append(self._count(self._brotli.process(b"", output_buffer_limit=self._max - self._size + 1)))
        return b"".join(out)

    def _count(self, out: bytes) -> bytes:
        self._size += len(out)
        check_size(self._size, self._max, self._url)
        return out


def _wbits(coding: str, head: bytes) -> int:
    if coding != "deflate":
        return zlib.MAX_WBITS | 16
    # "deflate" should be zlib-wrapped, but some servers send a raw deflate stream.
    is_zlib = len(head) >= 2 and head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0
    return zlib.MAX_WBITS if is_zlib else -zlib.MAX_WBITS


class HostRateLimiter:
    """Spaces requests to one host at least delay seconds apart, across threads."""

    def __init__(self, delay: float) -> None:
        self._delay = delay
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str) -> None:
        """Block until a request to host is allowed, and book the next slot."""
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + self._delay
        if start > now:
            time.sleep(start - now)


class Fetcher:
    """Fetches URLs politely and safely; use as a context manager or call close()."""

    def __init__(self, options: FetchOptions | None = None) -> None:
        self.options = options or FetchOptions()
        self._guard = AddressGuard(self.options.allow_private, self.options.allowed_hosts)
        self._limiter = HostRateLimiter(self.options.per_host_delay)
        self._robots = RobotsCache(self._load_robots, self.options.user_agent) if self.options.respect_robots else None
        self._client = httpx.Client(
            transport=_guarded_transport(self._guard),
            timeout=self.options.timeout,
            follow_redirects=False,
            trust_env=False,  # a proxy from the environment would bypass the address guard
            headers={"User-Agent": self.options.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """Fetch url (conditionally when etag or last_modified is given) and return the final response."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        result = self._get(url, headers, self.options.max_bytes, check_robots=self._robots is not None)
        if result.not_modified:
            return _replace_validators(result, etag, last_modified)
        return result

    def fetch_page(self, url: str) -> RawPage:
        """Fetch url and return it as a RawPage; raise InputError unless the response is HTML."""
        result = self.fetch(url)
        if not _looks_html(result):
            raise InputError(f"not an HTML page (Content-Type {result.content_type or 'missing'})", input=url)
        return RawPage(
            url=result.final_url,
            html=result.text,
            input=url,
            fetched_at=datetime.now(UTC),
            status=result.status,
            headers=tuple(result.headers.items()),
        )

    def _get(self, url: str, headers: dict[str, str], max_bytes: int, *, check_robots: bool) -> FetchResult:
        current = url
        for _ in range(self.options.max_redirects + 1):
            request = _parse_url(current, url)
            self._check(request, url, check_robots=check_robots)
            status, response_headers, body = self._send(request, url, headers, max_bytes)
            location = response_headers.get("location")
            if status in _REDIRECTS and location:
                log.debug("%s redirects to %s", current, location)
                current = urljoin(current, location)
                continue
            return _result(url, current, status, response_headers, body)
        raise FetchError(f"more than {self.options.max_redirects} redirects", input=url)

    def _check(self, request: httpx.URL, url: str, *, check_robots: bool) -> None:
        where = "" if str(request) == url else f"redirect to {request}: "
        try:
            self._guard.check(request.host, request.port or _default_port(request), url)
        except BlockedAddressError as exc:
            raise BlockedAddressError(where + exc.reason, input=url) from exc
        if check_robots and self._robots is not None and not self._robots.allowed(str(request)):
            log.info("robots.txt forbids %s", request)
            raise RobotsDisallowedError(f"{where}robots.txt disallows this URL", input=url)

    def _send(
        self, request: httpx.URL, url: str, headers: dict[str, str], max_bytes: int
    ) -> tuple[int, dict[str, str], bytes]:
        self._limiter.wait(request.host)
        try:
            with self._client.stream("GET", request, headers=headers) as response:
                response_headers = {k.lower(): v for k, v in response.headers.items()}
                status = response.status_code
                if status >= 400:
                    log.info("%s answered HTTP %s", request, status)
                    raise FetchError(f"HTTP {status} {response.reason_phrase}".strip(), input=url, status=status)
                if status in _REDIRECTS or status == 304:
                    return status, response_headers, b""
                return status, response_headers, _read_body(response, url, max_bytes)
        except httpx.HTTPError as exc:
            raise _network_error(exc, url) from exc

    def _load_robots(self, address: str) -> tuple[int, str]:
        try:
            result = self._get(address, {}, _ROBOTS_MAX_BYTES, check_robots=False)
        except FetchError as exc:
            if exc.status is None:
                raise
            return exc.status, ""
        return result.status, result.text


def _guarded_transport(guard: AddressGuard) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport(trust_env=False)
    # httpx offers no public hook for the network backend; this one re-checks each address at
    # connect time, which closes the gap between our DNS check and httpx's own resolution.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(), network_backend=GuardedBackend(guard)
    )
    return transport


def _parse_url(address: str, url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(address)
    except httpx.InvalidURL as exc:
        raise InputError(f"invalid URL {address!r}: {exc}", input=url) from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise InputError(f"not an http(s) URL: {address}", input=url)
    return parsed


def _default_port(url: httpx.URL) -> int:
    return 443 if url.scheme == "https" else 80


def _read_body(response: httpx.Response, url: str, max_bytes: int) -> bytes:
    """Read the raw stream, decompressing it here so that max_bytes caps the decoded size."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit():
        check_size(int(declared), max_bytes, url)
    inflater = Inflater(response.headers.get("content-encoding", ""), max_bytes, url)
    raw = 0
    parts = []
    for chunk in response.iter_raw():
        raw += len(chunk)
        check_size(raw, max_bytes, url)
        parts.append(inflater.feed(chunk))
    parts.append(inflater.finish())
    return b"".join(parts)


def _network_error(exc: httpx.HTTPError, url: str) -> NewsdeskError:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, BlockedAddressError):
            return BlockedAddressError(cause.reason, input=url)
        cause = cause.__cause__
    kind = type(exc).__name__
    log.info("fetching %s failed: %s: %s", url, kind, exc)
    return FetchError(f"{kind}: {exc}" if str(exc) else kind, input=url)


def _result(url: str, final_url: str, status: int, headers: dict[str, str], body: bytes) -> FetchResult:
    content_type = headers.get("content-type", "")
    return FetchResult(
        url=url,
        final_url=final_url,
        status=status,
        headers=headers,
        body=body,
        text=decode_body(body, content_type) if body else "",
        etag=headers.get("etag"),
        last_modified=headers.get("last-modified"),
        not_modified=status == 304,
        content_type=content_type.split(";", 1)[0].strip().lower(),
    )


def _replace_validators(result: FetchResult, etag: str | None, last_modified: str | None) -> FetchResult:
    """On 304 keep the validators the caller sent unless the server sent new ones."""
    return replace(result, etag=result.etag or etag, last_modified=result.last_modified or last_modified)


def _looks_html(result: FetchResult) -> bool:
    if result.content_type in _HTML_TYPES:
        return True
    if result.content_type not in ("", "text/plain", "application/octet-stream"):
        return False
    head = result.text[:1024].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or "<html" in head
