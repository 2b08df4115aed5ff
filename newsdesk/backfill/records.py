"""The records of one WARC byte range, each with its offset, in batches that end on a record boundary."""

from __future__ import annotations

import os
from collections.abc import Iterator

from newsdesk.backfill.ranges import next_record
from newsdesk.errors import InputError
from newsdesk.ingest.files import Item
from newsdesk.ingest.warc import iter_warc


def record_offset(item: Item) -> int:
    """Return the offset in the ``path@offset`` input of a record read from a WARC file."""
    return int(item.input.rpartition("@")[2])  # type: ignore[union-attr]


def iter_range(path: str, offset: int, end: int, *, max_bytes: int) -> Iterator[tuple[int, Item]]:
    """Yield (offset, item) for each record that starts in [offset, end); a damaged record is one error.

    Reading goes on after damage from the next record start, so a broken record costs only itself.
    """
    size = os.path.getsize(path)
    offset = next_record(path, offset)
    while offset < end:
        resume, last = size, None
        for at, item in _read_from(path, offset, max_bytes):
            if not isinstance(item, InputError):
                if at >= end:
                    return
                last = at
                yield at, item
                continue
            if at == last:  # the error names the good record before the damage
                resume = next_record(path, at + 1)
                if resume < size:
                    break  # the damaged record starts there, and reports itself when read
                at += 1  # no record follows the damage: count it here, and resume at the end of the file
            elif at >= end:
                return  # the damaged record is the next range's
            yield at, item
            resume = next_record(path, at + 1)
        offset = resume


def _read_from(path: str, offset: int, max_bytes: int) -> Iterator[tuple[int, Item]]:
    shift = None
    for item in iter_warc(path, start_offset=offset, max_bytes=max_bytes):
        # offset is a record start, so the first item is there; iter_warc may report offsets shifted by it
        shift = record_offset(item) - offset if shift is None else shift
        yield record_offset(item) - shift, item


def iter_batches(
    path: str, offset: int, end: int, *, size: int, max_bytes: int
) -> Iterator[tuple[list[Item], int, bool]]:
    """Yield batches of up to size records of the range, each with the offset to resume after it and if it is last."""
    batch: list[Item] = []
    for at, item in iter_range(path, offset, end, max_bytes=max_bytes):
        if len(batch) == size:
            yield batch, at, False
            batch = []
        batch.append(item)
    yield batch, end, True
