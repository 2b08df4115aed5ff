"""Backfill progress in the database: one row per WARC byte range, checkpointed after each written batch."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from newsdesk.errors import StoreError
from newsdesk.store.tables import backfill_jobs

if TYPE_CHECKING:
    from sqlalchemy import Engine

DONE = "done"
PENDING = "pending"


@dataclass(frozen=True, slots=True)
class JobCounts:
    """What a backfill job found so far, or what one of its batches adds."""

    seen: int = 0
    stored: int = 0
    already_stored: int = 0
    skipped: int = 0
    errors: int = 0
    skip_reasons: dict[str, int] = field(default_factory=dict)
    error_kinds: dict[str, int] = field(default_factory=dict)

    def plus(self, other: JobCounts) -> JobCounts:
        """Return the sum of these counts and other's."""
        return JobCounts(
            self.seen + other.seen,
            self.stored + other.stored,
            self.already_stored + other.already_stored,
            self.skipped + other.skipped,
            self.errors + other.errors,
            _merge(self.skip_reasons, other.skip_reasons),
            _merge(self.error_kinds, other.error_kinds),
        )

    def minus(self, other: JobCounts) -> JobCounts:
        """Return these counts less other's (what was added since other was read)."""
        return JobCounts(
            self.seen - other.seen,
            self.stored - other.stored,
            self.already_stored - other.already_stored,
            self.skipped - other.skipped,
            self.errors - other.errors,
            _merge(self.skip_reasons, other.skip_reasons, -1),
            _merge(self.error_kinds, other.error_kinds, -1),
        )


def _merge(a: dict[str, int], b: dict[str, int], sign: int = 1) -> dict[str, int]:
    merged = dict(a)
    for key, count in b.items():
        merged[key] = merged.get(key, 0) + sign * count
    return {key: count for key, count in merged.items() if count}


@dataclass(frozen=True, slots=True)
class BackfillJob:
    """One byte range of a WARC file: records starting in [start_offset, end_offset) belong to it."""

    path: str
    start_offset: int
    end_offset: int
    next_offset: int
    status: str = PENDING
    counts: JobCounts = JobCounts()

    @property
    def done(self) -> bool:
        """Return whether every record of the range has been written."""
        return self.status == DONE


def _job(row: Any) -> BackfillJob:
    details = json.loads(row.details or "{}")
    counts = JobCounts(
        row.seen,
        row.stored,
        row.already_stored,
        row.skipped,
        row.errors,
        details.get("skip_reasons", {}),
        details.get("error_kinds", {}),
    )
    return BackfillJob(row.path, row.start_offset, row.end_offset, row.next_offset, row.status, counts)


class BackfillStore:
    """Methods of Store for backfill progress."""

    engine: Engine
    reader: Engine  # the same database, for reads only (autocommit on PostgreSQL)

    def backfill_jobs(self, paths: list[str] | None = None) -> list[BackfillJob]:
        """Return the jobs of these WARC paths (every job when None), in path and offset order."""
        query = select(backfill_jobs).order_by(backfill_jobs.c.path, backfill_jobs.c.start_offset)
        if paths is not None:
            query = query.where(backfill_jobs.c.path.in_(paths))
        with self.reader.connect() as connection:
            return [_job(row) for row in connection.execute(query)]

    def add_backfill_jobs(self, jobs: list[BackfillJob]) -> None:
        """Register new jobs (pending, nothing found yet)."""
        if not jobs:
            return
        now = datetime.now(UTC)
        rows = [
            {
                "path": j.path,
                "start_offset": j.start_offset,
                "end_offset": j.end_offset,
                "next_offset": j.next_offset,
                "status": PENDING,
                "seen": 0,
                "stored": 0,
                "already_stored": 0,
                "skipped": 0,
                "errors": 0,
                "details": "{}",
                "updated_at": now,
            }
            for j in jobs
        ]
        with self.engine.begin() as connection:
            connection.execute(backfill_jobs.insert(), rows)

    def checkpoint_backfill_job(
        self, job: BackfillJob, next_offset: int, added: JobCounts, *, done: bool
    ) -> BackfillJob:
        """Move job's checkpoint from job.next_offset to next_offset, adding counts; return the new job.

        The update only applies while the stored checkpoint is still job's, so two runners of one
        range (a worker thought dead that is not) cannot both advance it: the second gets a StoreError.
        """
        counts = job.counts.plus(added)
        status = DONE if done else PENDING
        details = json.dumps({"skip_reasons": counts.skip_reasons, "error_kinds": counts.error_kinds})
        key = (
            (backfill_jobs.c.path == job.path)
            & (backfill_jobs.c.start_offset == job.start_offset)
            & (backfill_jobs.c.next_offset == job.next_offset)
            & (backfill_jobs.c.status == PENDING)
        )
        values = {
            "next_offset": next_offset,
            "status": status,
            "seen": counts.seen,
            "stored": counts.stored,
            "already_stored": counts.already_stored,
            "skipped": counts.skipped,
            "errors": counts.errors,
            "details": details,
            "updated_at": datetime.now(UTC),
        }
        with self.engine.begin() as connection:
            updated = connection.execute(backfill_jobs.update().where(key).values(**values)).rowcount
        if updated != 1:
            raise StoreError("backfill job was advanced by another runner", input=f"{job.path}@{job.start_offset}")
        return BackfillJob(job.path, job.start_offset, job.end_offset, next_offset, status, counts)


__all__ = ["DONE", "PENDING", "BackfillJob", "BackfillStore", "JobCounts"]
