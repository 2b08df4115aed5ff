"""Local inputs → pages and articles: HTML files (.html, .html.gz), folders, WARC archives, JSONL of articles."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

from newsdesk.errors import InputError, TooLargeError, TruncatedError
from newsdesk.ingest.decode import decode_body
from newsdesk.ingest.warc import Skipped, iter_warc
from newsdesk.model import Article, RawPage
from newsdesk.text import content_hash, domain_of

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz")
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson")

Item = RawPage | Article | Skipped | InputError


def is_url(value: str) -> bool:
    """Return whether value is an http(s) URL rather than a path."""
    return value.startswith(("http://", "https://"))


def expand_paths(inputs: Iterable[str]) -> Iterator[str]:
    """Yield every file an input names: the file itself, or the readable files under a folder (recursively)."""
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.name.lower().endswith(HTML_SUFFIXES + WARC_SUFFIXES + JSONL_SUFFIXES):
                    yield str(child)
        else:
            yield given


def iter_file(path: str, *, max_bytes: int = 5_000_000) -> Iterator[Item]:
    """Yield what one local file holds: a page, the records of a WARC, or the articles of a JSONL file."""
    name = path.lower()
    if not Path(path).exists():
        yield InputError("no such file or folder", input=path)
    elif name.endswith(WARC_SUFFIXES):
        yield from iter_warc(path, max_bytes=max_bytes)
    elif name.endswith(JSONL_SUFFIXES):
        yield from iter_jsonl(path)
    else:
        try:
            yield read_html_file(path, max_bytes=max_bytes)
        except InputError as exc:
            yield exc


def read_html_file(path: str, *, max_bytes: int = 5_000_000) -> RawPage:
    """Return the page in an HTML file (gzip-compressed when it ends in .gz)."""
    try:
        if path.lower().endswith(".gz"):
            with gzip.open(path, "rb") as stream:
                body = stream.read(max_bytes + 1)
        else:
            with open(path, "rb") as stream:
                body = stream.read(max_bytes + 1)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise TruncatedError(f"damaged gzip data ({exc})", input=path) from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", input=path) from exc
    if len(body) > max_bytes:
        raise TooLargeError(f"larger than the {max_bytes}-byte cap", input=path)
    if _looks_binary(body):
        raise InputError("binary data, not HTML", input=path)
    html = decode_body(body, None)
    if "<" not in html[:4096]:
        raise InputError("not HTML (no markup at the start)", input=path)
    return RawPage(url=Path(path).resolve().as_uri(), html=html, input=path)


def _looks_binary(body: bytes) -> bool:
    head = body[:2048]
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    return b"\x00" in head or controls > len(head) // 20


def iter_jsonl(path: str) -> Iterator[Article | InputError]:
    """Yield the articles of a JSONL file, one object per line with at least url and text."""
    opener = gzip.open if path.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8", errors="replace") as stream:
            for number, line in enumerate(stream, 1):
                if line.strip():
                    yield _article_from_json(line, f"{path}:{number}")
    except (OSError, EOFError, zlib.error) as exc:
        yield InputError(f"cannot read: {exc}", input=path)


def _article_from_json(line: str, where: str) -> Article | InputError:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return InputError(f"invalid JSON ({exc.msg})", input=where)
    if not isinstance(data, dict) or not data.get("url") or not data.get("text"):
        return InputError("an article needs at least 'url' and 'text'", input=where)
    published = data.get("published") or data.get("date")
    try:
        when = datetime.fromisoformat(published) if published else None
    except (TypeError, ValueError):
        return InputError(f"invalid published date {published!r}", input=where)
    byline = data.get("byline") or ()
    text = str(data["text"])
    return Article(
        url=str(data["url"]),
        title=str(data.get("title") or ""),
        text=text,
        byline=tuple(byline) if isinstance(byline, list) else (str(byline),),
        published=when,
        lead=str(data.get("lead") or ""),
        lang=str(data.get("lang") or ""),
        site_name=str(data.get("site_name") or data.get("source") or ""),
        domain=domain_of(str(data["url"])),
        canonical_url=str(data.get("canonical_url") or ""),
        content_hash=content_hash(text),
    )
