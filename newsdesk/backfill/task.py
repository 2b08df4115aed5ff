"""One backfill task, as a Dask worker runs it: the unwritten records of one job, batch by batch, checkpointed."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from newsdesk import pipeline
from newsdesk.backfill.records import iter_batches
from newsdesk.errors import InputError, NewsdeskError, StoreError
from newsdesk.ingest.files import Item
from newsdesk.model import ExtractionStatus
from newsdesk.pipeline.batch import StageCache
from newsdesk.store import Store, open_store
from newsdesk.store.backfill import BackfillJob, JobCounts

_stores: dict[str, Store] = {}
_caches: dict[str, StageCache] = {}
_stores_lock = threading.Lock()
_STATUSES = {str(status) for status in ExtractionStatus}


@dataclass(frozen=True, slots=True)
class TaskOptions:
    """What every task of a backfill needs: where to write, how many records per batch, which stages run how."""

    db_url: str
    batch_size: int = 50
    max_bytes: int = 5_000_000
    stages: pipeline.PipelineOptions | None = None


def worker_store(db_url: str) -> Store:
    """Return this process's Store for db_url, opened on first use and kept for the next tasks."""
    with _stores_lock:
        if db_url not in _stores:
            _stores[db_url] = open_store(db_url, upgrade=False)
        return _stores[db_url]


def worker_cache(db_url: str) -> StageCache:
    """Return this process's site templates and known entities for db_url, shared by its tasks and refreshed."""
    with _stores_lock:
        return _caches.setdefault(db_url, StageCache())


def run_job(path: str, start_offset: int, options: TaskOptions) -> JobCounts:
    """Extract and store the records of one job not written yet, checkpointing after each batch; return the counts."""
    store = worker_store(options.db_url)
    cache = worker_cache(options.db_url)
    job = _load_job(store, path, start_offset)
    added = JobCounts()
    if job.done:
        return added
    batches = iter_batches(
        job.path, job.next_offset, job.end_offset, size=options.batch_size, max_bytes=options.max_bytes
    )
    for batch, next_offset, last in batches:
        counts = counts_of(process_batch(store, batch, options.stages, cache))
        job = store.checkpoint_backfill_job(job, next_offset, counts, done=last)
        added = added.plus(counts)
    return added


def process_batch(
    store: Store, batch: list[Item], options: pipeline.PipelineOptions | None, cache: StageCache | None = None
) -> pipeline.Report:
    """Run the pipeline on a batch; when the database refuses it, on each record alone, so one bad row costs itself."""
    try:
        return pipeline.process_items(store, batch, options=options, cache=cache)
    except StoreError:
        if not _database_answers(store):
            raise  # the database is down: fail the task, and a rerun resumes at the last checkpoint
    report = pipeline.Report()
    for item in batch:
        try:
            report.add(pipeline.process_items(store, [item], options=options, cache=cache))
        except StoreError as exc:
            report.seen += 1
            report.errors.append(exc)
    return report


def _database_answers(store: Store) -> bool:
    try:
        store.is_current()
    except SQLAlchemyError:
        return False
    return True


def _load_job(store: Store, path: str, start_offset: int) -> BackfillJob:
    for job in store.backfill_jobs([path]):
        if job.start_offset == start_offset:
            return job
    raise StoreError("no such backfill job", input=f"{path}@{start_offset}")


def counts_of(report: pipeline.Report) -> JobCounts:
    """Return the counts of a pipeline report, with errors grouped by kind."""
    kinds: dict[str, int] = {}
    for error in report.errors:
        kinds[error_kind(error)] = kinds.get(error_kind(error), 0) + 1
    return JobCounts(
        report.seen,
        report.stored,
        report.already_stored,
        report.skipped,
        len(report.errors),
        dict(report.skip_reasons),
        kinds,
    )


def error_kind(error: NewsdeskError) -> str:
    """Return a short name for what went wrong: the error class, or the extraction status that failed."""
    status = error.reason.partition(":")[0]
    if type(error) is InputError and status in _STATUSES:
        return f"extraction {status}"
    return type(error).__name__
