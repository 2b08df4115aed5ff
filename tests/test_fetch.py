"""Fetcher against a real HTTP server on 127.0.0.1: guard, redirects, caps, robots, conditional GET, charsets."""

from __future__ import annotations

import asyncio
import gzip
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from newsdesk.errors import BlockedAddressError, FetchError, InputError, RobotsDisallowedError, TooLargeError
from newsdesk.ingest.addresses import AddressGuard, is_blocked_ip, literal_ip
from newsdesk.ingest.decode import decode_body
from newsdesk.ingest.fetch import Fetcher, FetchOptions
from tests.conftest import served

DATA = Path(__file__).parent / "testdata" / "feeds"
HTML = "<!DOCTYPE html><html><head><title>Hello</title></head><body><p>Café ünïcödé</p></body></html>"
STATE: dict[str, object] = {"robots": None, "robots_hits": 0}


def _html(request: Request) -> Response:
    return Response(HTML, media_type="text/html")


def _redirect(request: Request) -> Response:
    n = int(request.path_params["n"])
    return RedirectResponse("/page" if n == 0 else f"/redirect/{n - 1}", status_code=302)


def _to(location: str):  # noqa: ANN202
    return lambda request: RedirectResponse(location.replace("PORT", str(request.url.port)), status_code=301)


def _encoded(coding: str, payload: bytes) -> Response:
    return Response(payload, media_type="text/html", headers={"content-encoding": coding})


def _big(request: Request) -> StreamingResponse:
    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b"x" * 65536

    return StreamingResponse(chunks(), media_type="text/html")


def _etag(request: Request) -> Response:
    headers = {"etag": '"v1"', "last-modified": "Wed, 01 Jan 2025 00:00:00 GMT"}
    if request.headers.get("if-none-match") == '"v1"' or request.headers.get("if-modified-since"):
        return Response(status_code=304, headers=headers)
    return Response("<rss/>", media_type="application/rss+xml", headers=headers)


def _robots(request: Request) -> Response:
    STATE["robots_hits"] = int(STATE["robots_hits"]) + 1  # type: ignore[call-overload]
    if STATE["robots"] is None:
        return PlainTextResponse("not found", status_code=404)
    return PlainTextResponse(str(STATE["robots"]))


async def _slow(request: Request) -> Response:
    await asyncio.sleep(1.5)
    return _html(request)


ROUTES = [
    Route("/page", _html),
    Route("/robots.txt", _robots),
    Route("/private/secret", _html),
    Route("/slow", _slow),
    Route("/redirect/{n:int}", _redirect),
    Route("/to-metadata", _to("http://169.254.169.254/latest/meta-data/")),
    Route("/to-decimal-loopback", _to("http://2130706433:PORT/page")),
    Route("/status/{code:int}", lambda r: PlainTextResponse("no", status_code=r.path_params["code"])),
    Route("/json", lambda r: Response(b'{"a": 1}', media_type="application/json")),
    Route("/untyped", lambda r: Response(HTML.encode(), media_type=None)),
    Route("/gzip", lambda r: _encoded("gzip", gzip.compress(HTML.encode()))),
    Route("/deflate", lambda r: _encoded("deflate", zlib.compress(HTML.encode()))),
    Route("/raw-deflate", lambda r: _encoded("deflate", zlib.compress(HTML.encode(), wbits=-15))),
    Route("/br", lambda r: _encoded("br", brotli.compress(HTML.encode()))),
    Route("/bomb", lambda r: _encoded("gzip", (DATA / "gzip-bomb.html.gz").read_bytes())),
    Route("/zstd", lambda r: _encoded("zstd", b"whatever")),
    Route("/big", _big),
    Route("/big-declared", lambda r: Response(b"x" * 2_000_000, media_type="text/html")),
    Route("/etag", _etag),
    Route(
        "/misdeclared",
        lambda r: Response((DATA / "misdeclared-charset.html").read_bytes(), headers={"content-type": "text/html"}),
    ),
]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A uvicorn server on 127.0.0.1 in a thread; yields its base URL."""
    with served(Starlette(routes=ROUTES)) as url:
        yield url


@pytest.fixture()
def fetcher() -> Iterator[Fetcher]:
    STATE.update(robots=None, robots_hits=0)
    with Fetcher(FetchOptions(allowed_hosts=("127.0.0.1",), per_host_delay=0, timeout=5)) as f:
        yield f


def test_fetches_a_page_and_decodes_it(server: str, fetcher: Fetcher) -> None:
    result = fetcher.fetch(f"{server}/page")
    assert (result.status, result.content_type, result.final_url) == (200, "text/html", f"{server}/page")
    assert "Café ünïcödé" in result.text
    assert result.body == HTML.encode()
    page = fetcher.fetch_page(f"{server}/page")
    assert (page.url, page.input, page.status) == (f"{server}/page", f"{server}/page", 200)
    assert "<title>Hello</title>" in page.html


@pytest.mark.parametrize("path", ["/gzip", "/deflate", "/raw-deflate", "/br"])
def test_decompresses_content_encodings(server: str, fetcher: Fetcher, path: str) -> None:
    assert fetcher.fetch(server + path).body == HTML.encode()


def test_follows_redirects_up_to_the_limit(server: str) -> None:
    with Fetcher(FetchOptions(allowed_hosts=("127.0.0.1",), per_host_delay=0, max_redirects=3)) as f:
        assert f.fetch(f"{server}/redirect/2").final_url == f"{server}/page"
        with pytest.raises(FetchError, match="more than 3 redirects") as err:
            f.fetch(f"{server}/redirect/3")
    assert err.value.input == f"{server}/redirect/3"


def test_redirect_to_a_private_address_is_refused(server: str, fetcher: Fetcher) -> None:
    # 127.0.0.1 is allowed, so the first hop is fetched; the metadata address it redirects to is not.
    with pytest.raises(BlockedAddressError, match="169.254.169.254") as err:
        fetcher.fetch(f"{server}/to-metadata")
    assert err.value.input == f"{server}/to-metadata"
    # Another spelling of the allowed 127.0.0.1 is allowed too.
    assert fetcher.fetch(f"{server}/to-decimal-loopback").text == HTML


def test_loopback_is_refused_without_allowed_hosts(server: str) -> None:
    with Fetcher(FetchOptions(per_host_delay=0)) as f, pytest.raises(BlockedAddressError) as err:
        f.fetch(f"{server}/page")
    assert err.value.input == f"{server}/page"
    with Fetcher(FetchOptions(per_host_delay=0, allow_private=True)) as f:
        assert f.fetch(f"{server}/page").status == 200


@pytest.mark.parametrize(
    "host",
    ["localhost", "0.0.0.0", "[::ffff:127.0.0.1]", "2130706433", "0x7f000001", "127.1", "[::1]",
     "10.0.0.1", "192.168.1.1", "172.16.0.1", "169.254.169.254", "100.64.0.1", "[fe80::1]", "[fc00::1]", "[::]",
     "224.0.0.1", "[2002:7f00:1::]"],
)  # fmt: skip
def test_private_address_spellings_are_blocked(host: str) -> None:
    with Fetcher(FetchOptions(per_host_delay=0, respect_robots=False)) as f, pytest.raises(BlockedAddressError):
        f.fetch(f"http://{host}:9/")


def test_address_helpers() -> None:
    assert str(literal_ip("0x7f000001")) == "127.0.0.1"
    assert str(literal_ip("0177.0.0.1")) == "127.0.0.1"  # httpx refuses this spelling; the guard would too
    assert literal_ip("example.com") is None
    assert not is_blocked_ip(literal_ip("93.184.216.34"))  # type: ignore[arg-type]
    guard = AddressGuard(allowed_hosts=("127.0.0.1",))
    assert guard.check("127.1", 80, "http://127.1/")
    with pytest.raises(BlockedAddressError):
        guard.check("10.1.2.3", 80, "http://10.1.2.3/")


def test_http_errors_carry_status_and_input(server: str, fetcher: Fetcher) -> None:
    for code in (404, 500):
        with pytest.raises(FetchError) as err:
            fetcher.fetch(f"{server}/status/{code}")
        assert (err.value.status, err.value.input) == (code, f"{server}/status/{code}")
        assert f"HTTP {code}" in str(err.value)


def test_network_failures_are_fetch_errors(server: str) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    with Fetcher(FetchOptions(allowed_hosts=("127.0.0.1",), per_host_delay=0, timeout=0.3)) as f:
        with pytest.raises(FetchError, match="ConnectError") as err:
            f.fetch(f"http://127.0.0.1:{port}/")
        assert err.value.input == f"http://127.0.0.1:{port}/"
        with pytest.raises(FetchError, match="Timeout"):
            f.fetch(f"{server}/slow")
        with pytest.raises(InputError, match="not an http"):
            f.fetch("file:///etc/passwd")


def test_size_cap_holds_for_plain_chunked_and_compressed_bodies(server: str) -> None:
    opts = FetchOptions(allowed_hosts=("127.0.0.1",), per_host_delay=0, max_bytes=1_000_000)
    with Fetcher(opts) as f:
        for path in ("/big", "/big-declared", "/bomb"):
            started = time.monotonic()
            with pytest.raises(TooLargeError, match="cap of 1000000 bytes") as err:
                f.fetch(server + path)
            assert err.value.input == server + path
            assert time.monotonic() - started < 5
        with pytest.raises(InputError, match="Content-Encoding"):
            f.fetch(f"{server}/zstd")


def test_conditional_get_reports_not_modified(server: str, fetcher: Fetcher) -> None:
    first = fetcher.fetch(f"{server}/etag")
    assert (first.etag, first.not_modified) == ('"v1"', False)
    again = fetcher.fetch(f"{server}/etag", etag=first.etag, last_modified=first.last_modified)
    assert (again.status, again.not_modified, again.body) == (304, True, b"")
    assert (again.etag, again.last_modified) == ('"v1"', "Wed, 01 Jan 2025 00:00:00 GMT")


def test_fetch_page_refuses_non_html(server: str, fetcher: Fetcher) -> None:
    with pytest.raises(InputError, match="not an HTML page.*application/json") as err:
        fetcher.fetch_page(f"{server}/json")
    assert err.value.input == f"{server}/json"
    assert "Hello" in fetcher.fetch_page(f"{server}/untyped").html  # sniffed when the type is missing


def test_robots_txt_is_obeyed_and_cached(server: str, fetcher: Fetcher) -> None:
    STATE["robots"] = "User-agent: *\nDisallow: /private/\n"
    with pytest.raises(RobotsDisallowedError) as err:
        fetcher.fetch(f"{server}/private/secret")
    assert err.value.input == f"{server}/private/secret"
    fetcher.fetch(f"{server}/page")
    assert STATE["robots_hits"] == 1


def test_missing_robots_txt_allows_all(server: str, fetcher: Fetcher) -> None:
    assert fetcher.fetch(f"{server}/private/secret").status == 200
    assert STATE["robots_hits"] == 1


def test_per_host_delay_spaces_requests_across_threads(server: str) -> None:
    opts = FetchOptions(allowed_hosts=("127.0.0.1",), per_host_delay=0.15, respect_robots=False)
    with Fetcher(opts) as f:
        started = time.monotonic()
        threads = [threading.Thread(target=f.fetch, args=(f"{server}/page",)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert time.monotonic() - started >= 0.45


def test_misdeclared_charset_is_detected(server: str, fetcher: Fetcher) -> None:
    text = fetcher.fetch(f"{server}/misdeclared").text
    assert "Президент відвідав Київ" in text


def test_decode_body_charsets() -> None:
    body = "<p>Le président a déclaré qu’il viendrait à Genève.</p>"
    assert decode_body(body.encode("utf-8"), "text/html; charset=iso-8859-1") == body  # valid UTF-8 wins
    assert decode_body(body.encode("cp1252"), "text/html; charset=utf-8") == body  # the lie is caught
    assert decode_body(b'<meta charset="windows-1252"><p>caf\xe9</p>').endswith("café</p>")
    assert decode_body(codecs_bom("utf-16") + "hé".encode("utf-16-le")) == "hé"
    assert decode_body(b"ok", "text/html; charset=no-such-charset") == "ok"
    damaged = b"caf\xc3\xa9 \xff na\xc3\xafve"
    assert decode_body(damaged, "text/html; charset=utf-8") == "café \ufffd naïve"


def codecs_bom(name: str) -> bytes:
    import codecs

    return codecs.BOM_UTF16_LE if name == "utf-16" else codecs.BOM_UTF8
