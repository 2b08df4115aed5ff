"""Splitting WARC files into byte ranges that workers read independently, and finding record starts.

A record belongs to the range its first byte falls in. In a gzipped WARC written one gzip member
per record (CC-NEWS, warcio, wget), a worker finds the first record of its range by scanning for a
gzip header that inflates to ``WARC/``, so nothing has to read the file before the tasks start.
Other archives (plain WARC, ARC, one gzip stream for the whole file) are one range per file.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path

from newsdesk.ingest.files import WARC_SUFFIXES, expand_paths
from newsdesk.store.backfill import BackfillJob

GZIP_MAGIC = b"\x1f\x8b\x08"
WINDOW = 1 << 20
LOOKAHEAD = 4096  # enough compressed bytes after a gzip header to inflate the start of a record
DEFAULT_CHUNK = 64 << 20


def warc_paths(inputs: list[str]) -> list[str]:
    """Return the absolute paths of the WARC files that inputs name (files, or folders searched recursively)."""
    return [str(Path(path).resolve()) for path in expand_paths(inputs) if path.lower().endswith(WARC_SUFFIXES)]


def plan_jobs(path: str, chunk_bytes: int = DEFAULT_CHUNK) -> list[BackfillJob]:
    """Return the jobs that cover path: ranges of about chunk_bytes, or the whole file when it cannot be split."""
    size = os.path.getsize(path)
    if size <= chunk_bytes or not is_splittable(path):
        return [BackfillJob(path, 0, size, 0)]
    starts = range(0, size, chunk_bytes)
    return [BackfillJob(path, start, min(start + chunk_bytes, size), start) for start in starts]


def is_splittable(path: str) -> bool:
    """Return whether path is a gzipped WARC with one gzip member per record (so ranges can start anywhere)."""
    if not path.lower().endswith(".warc.gz"):
        return False
    with open(path, "rb") as stream:
        head = stream.read(WINDOW)
    inflater = zlib.decompressobj(wbits=31)
    try:
        first = inflater.decompress(head)
    except zlib.error:
        return False
    # the first member must end inside the window, and another member must follow it
    return first.startswith(b"WARC/") and inflater.eof and inflater.unused_data.startswith(GZIP_MAGIC)


def next_record(path: str, offset: int) -> int:
    """Return the offset of the first record starting at or after offset (the file size when there is none)."""
    if offset == 0 or not path.lower().endswith(".warc.gz"):
        return offset
    with open(path, "rb") as stream:
        while True:
            stream.seek(offset)
            window = stream.read(WINDOW + LOOKAHEAD)
            found = _record_start(window, min(len(window), WINDOW))
            if found is not None:
                return offset + found
            if len(window) <= WINDOW:
                return offset + len(window)
            offset += WINDOW


def _record_start(window: bytes, limit: int) -> int | None:
    limit += len(GZIP_MAGIC) - 1  # a header may start on the window's last byte
    position = window.find(GZIP_MAGIC, 0, limit)
    while position != -1:
        if _inflates_to_warc(window[position : position + LOOKAHEAD]):
            return position
        position = window.find(GZIP_MAGIC, position + 1, limit)
    return None


def _inflates_to_warc(data: bytes) -> bool:
    try:
        return zlib.decompressobj(wbits=31).decompress(data, 16).startswith(b"WARC/")
    except zlib.error:
        return False
