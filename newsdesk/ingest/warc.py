"""WARC archives (Common Crawl CC-NEWS and friends) → RawPage, streamed record by record."""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newsdesk.errors import InputError, TruncatedError
from newsdesk.ingest.decode import decode_body
from newsdesk.model import RawPage

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record that was read but holds no page to extract, with why."""

    input: str
    reason: str


def iter_warc(
    path: str, *, start_offset: int = 0, max_bytes: int = 5_000_000
) -> Iterator[RawPage | Skipped | InputError]:
    """Yield a RawPage for each HTML 200 response of the archive, Skipped for the other records.

    A damaged or truncated archive ends the iteration with one InputError naming the offset.
    """
    offset = start_offset
    try:
        with open(path, "rb") as stream:
            if start_offset:
                stream.seek(start_offset)
            records = ArchiveIterator(stream, arc2warc=True)
            for record in records:
                found = _page_or_skip(record, max_bytes)
                missing = _drain(record)
                # warcio knows a record's offset only once its content has been read
                offset = records.get_record_offset()  # warcio counts from the start of the file
                if missing:
                    yield TruncatedError(f"record ends {missing} bytes early", input=f"{path}@{offset}")
                    return
                yield replace(found, input=f"{path}@{offset}")
    except (ArchiveLoadFailed, zlib.error, EOFError, ValueError, OSError) as exc:
        truncated = isinstance(exc, EOFError | zlib.error) or "truncated" in str(exc).lower()
        kind = TruncatedError if truncated else InputError
        yield kind(f"damaged WARC record ({exc.__class__.__name__}: {exc})", input=f"{path}@{offset}")


def _page_or_skip(record, max_bytes: int) -> RawPage | Skipped:  # type: ignore[no-untyped-def]
    where = ""
    if record.rec_type != "response":
        return Skipped(where, f"{record.rec_type} record")
    http = record.http_headers
    if http is None:
        return Skipped(where, "response without HTTP headers")
    status = int(http.get_statuscode() or 0)
    if status != 200:
        return Skipped(where, f"HTTP status {status}")
    content_type = http.get_header("Content-Type") or ""
    if not content_type.lower().startswith(HTML_TYPES):
        return Skipped(where, f"not HTML ({content_type or 'no content type'})")
    body = record.content_stream().read(max_bytes + 1)
    if len(body) > max_bytes:
        return Skipped(where, f"larger than {max_bytes} bytes")
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    return RawPage(
        url=url,
        html=decode_body(body, content_type),
        input=where,
        fetched_at=_warc_date(record.rec_headers.get_header("WARC-Date")),
        status=status,
    )


def _drain(record) -> int:  # type: ignore[no-untyped-def]
    """Read what is left of a record; return how many of its declared bytes were missing."""
    raw = record.raw_stream
    while raw.read(65536):
        pass
    return int(getattr(raw, "limit", 0) or 0)


def _warc_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
