"""Running a backfill: plan jobs, hand the unfinished ones to Dask, follow their checkpoints, sum up.

Writes go where the database allows them. PostgreSQL takes many writers, so every worker writes its
own batches. SQLite allows one writer at a time, so a SQLite backfill runs its tasks in this process
on a single worker thread, the only writer; a remote scheduler is refused, as its workers could not
reach the file anyway.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import dask
from distributed import Client, Future, LocalCluster, wait

from newsdesk.backfill.ranges import DEFAULT_CHUNK, plan_jobs
from newsdesk.backfill.task import TaskOptions, run_job
from newsdesk.errors import InputError
from newsdesk.pipeline import PipelineOptions, assign_stories
from newsdesk.store import Store
from newsdesk.store.backfill import BackfillJob, JobCounts

POLL_SECONDS = 0.5
# Dask's statistical profiler samples the running task's stack every 10 ms and its event loops tick every
# 20 ms: measured, about 10 % of a backfill worker's CPU (0.2 s instead of 2.9 s per 26 s of work without
# them), spent on a dashboard nobody reads here. Remote workers take the same settings from their environment.
QUIET_DASK = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
}


@dataclass(frozen=True, slots=True)
class BackfillOptions:
    """How to run a backfill: where the Dask scheduler is (or how many local workers), and task sizes."""

    scheduler: str | None = None
    workers: int = 2
    chunk_bytes: int = DEFAULT_CHUNK
    batch_size: int = 50
    max_bytes: int = 5_000_000
    stages: PipelineOptions | None = None
    retries: int = 2


@dataclass(frozen=True, slots=True)
class BackfillProgress:
    """Where a backfill stands: bytes and jobs done (earlier runs included) and what was found so far."""

    bytes_total: int
    bytes_done: int
    jobs_total: int
    jobs_done: int
    counts: JobCounts


@dataclass
class BackfillSummary:
    """What a backfill did, over every run of the same files, and what it did in this run."""

    progress: BackfillProgress
    this_run: JobCounts
    resumed_jobs: int
    workers: int
    seconds: float
    failures: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Return whether every job is done."""
        return self.progress.jobs_done == self.progress.jobs_total


def prepare_jobs(store: Store, paths: list[str], chunk_bytes: int) -> list[BackfillJob]:
    """Return the jobs of paths: those registered by an earlier run, planned and registered for new files."""
    known = {job.path for job in store.backfill_jobs(paths)}
    store.add_backfill_jobs([job for path in paths if path not in known for job in plan_jobs(path, chunk_bytes)])
    return store.backfill_jobs(paths)


def measure(jobs: list[BackfillJob]) -> BackfillProgress:
    """Return the progress that these job rows show."""
    counts = JobCounts()
    done_bytes = 0
    for job in jobs:
        counts = counts.plus(job.counts)
        reached = job.end_offset if job.done else min(job.next_offset, job.end_offset)
        done_bytes += max(0, reached - job.start_offset)
    total = sum(job.end_offset - job.start_offset for job in jobs)
    return BackfillProgress(total, done_bytes, len(jobs), sum(job.done for job in jobs), counts)


@contextmanager
def dask_client(store: Store, options: BackfillOptions) -> Iterator[Client]:
    """Yield a Dask client: on the given scheduler, else on a local cluster sized for the database's writers."""
    if options.scheduler:
        if store.backend == "sqlite":
            raise InputError(
                "SQLite allows one writer: use PostgreSQL (--db postgresql://...) with a scheduler",
                input=options.scheduler,
            )
        with Client(options.scheduler) as client:
            yield client
        return
    sqlite = store.backend == "sqlite"
    with local_cluster(1 if sqlite else options.workers, processes=not sqlite) as cluster, Client(cluster) as client:
        yield client


def local_cluster(workers: int, *, processes: bool = True, quiet: bool = True) -> LocalCluster:
    """Return a local Dask cluster of single-threaded workers, without the profiling a backfill does not need.

    quiet=False keeps Dask's defaults (profiler, 20 ms ticks), for comparison.
    """
    with dask.config.set(QUIET_DASK if quiet else {}):  # workers copy the configuration when created, here
        return LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=":0",  # a free port: the default 8787 may be taken by another cluster
        )


def backfill(
    store: Store,
    db_url: str,
    paths: list[str],
    options: BackfillOptions,
    on_progress: Callable[[BackfillProgress], None] | None = None,
) -> BackfillSummary:
    """Extract and store every record of the WARC files at paths on Dask, resuming where earlier runs stopped."""
    started = time.monotonic()
    jobs = prepare_jobs(store, paths, options.chunk_bytes)
    pending = [job for job in jobs if not job.done]
    # parallel tasks store and analyse; stories need one streaming state, so they are one pass afterwards
    stages = replace(options.stages or PipelineOptions(), stories=False)
    task_options = TaskOptions(db_url, options.batch_size, options.max_bytes, stages)
    workers = 0
    failures: list[str] = []
    if pending:
        with dask_client(store, options) as client:
            workers = len(client.scheduler_info()["workers"])
            futures = {
                client.submit(
                    run_job,
                    job.path,
                    job.start_offset,
                    task_options,
                    retries=options.retries,
                    pure=False,
                    key=f"backfill-{job.path}@{job.start_offset}",
                ): job
                for job in pending
            }
            for future in _follow(store, paths, list(futures), on_progress):
                if future.status != "finished":
                    job = futures[future]
                    failures.append(f"{job.path}@{job.start_offset}: {future.exception()!r}")
    if not failures and (options.stages or PipelineOptions()).stories:
        assign_stories(store)
    progress = measure(store.backfill_jobs(paths))
    if on_progress:
        on_progress(progress)
    # from the job rows, not the task results: a task retried after a crash returns only its last attempt's counts
    this_run = progress.counts.minus(measure(jobs).counts)
    resumed = sum(1 for job in pending if job.next_offset != job.start_offset)
    return BackfillSummary(
        progress, this_run, resumed + len(jobs) - len(pending), workers, time.monotonic() - started, failures
    )


def _follow(
    store: Store, paths: list[str], futures: list[Future], on_progress: Callable[[BackfillProgress], None] | None
) -> Iterator[Future]:
    """Yield futures as they end, reporting progress from the job rows meanwhile."""
    waiting = set(futures)
    while waiting:
        try:
            ended = wait(list(waiting), timeout=POLL_SECONDS, return_when="FIRST_COMPLETED").done
        except TimeoutError:
            ended = set()
        waiting -= ended
        yield from ended
        if on_progress:
            on_progress(measure(store.backfill_jobs(paths)))
