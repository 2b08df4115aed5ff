"""The backfill command: WARC archives → articles, on a Dask cluster, with a progress bar and a summary."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, ProgressColumn, Task, TextColumn, TimeRemainingColumn
from rich.text import Text

from newsdesk import settings
from newsdesk.backfill import BackfillOptions, BackfillProgress, BackfillSummary, backfill, warc_paths
from newsdesk.cli.app import DbOption, app, console, fail, setup_logging
from newsdesk.errors import NewsdeskError
from newsdesk.pipeline import PipelineOptions
from newsdesk.store import Store, open_store


class RecordRateColumn(ProgressColumn):
    """Records read so far and records per second in this run."""

    def render(self, task: Task) -> Text:
        """Return 'N records, R/s'."""
        seen, first, since = task.fields["seen"], task.fields["first_seen"], task.fields["since"]
        rate = (seen - first) / max(time.monotonic() - since, 1e-6)
        return Text(f"{seen:,} records {rate:,.1f}/s", style="progress.data.speed")


@app.command("backfill")
def backfill_command(
    inputs: Annotated[list[str], typer.Argument(help="WARC/WARC.gz files or folders of them.")],
    db: DbOption = None,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address (tcp://host:8786).")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Local Dask workers when no scheduler is given.")] = 2,
    chunk_mb: Annotated[float, typer.Option(min=0.01, help="Megabytes of WARC per task.")] = 64,
    batch_size: Annotated[int, typer.Option(min=1, help="Records per database write and checkpoint.")] = 50,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what happens.")] = False,
) -> None:
    """Extract and store every HTML page of WARC archives on Dask; run again to resume after a crash."""
    setup_logging(verbose)
    if not verbose:
        _quiet_dask()
    config = settings.load(db=db)
    missing = [given for given in inputs if not Path(given).exists()]
    if missing:
        raise fail(f"{missing[0]}: no such file or folder", 2)
    paths = warc_paths(inputs)
    if not paths:
        raise fail("no WARC files (.warc, .warc.gz, .arc, .arc.gz) among the inputs", 2)
    try:
        store = open_store(config.db)
    except NewsdeskError as exc:
        raise fail(str(exc)) from exc
    if store.backend == "sqlite" and (workers > 1 or scheduler):
        console.print("SQLite allows one writer: backfilling with one local worker (use PostgreSQL to scale out).")
    stages = PipelineOptions(extract=config.extract_options())
    options = BackfillOptions(scheduler, workers, int(chunk_mb * 1024 * 1024), batch_size, config.max_bytes, stages)
    db_url = store.engine.url.render_as_string(hide_password=False)
    try:
        summary = _run_with_progress(store, db_url, paths, options)
    except NewsdeskError as exc:
        raise fail(str(exc)) from exc
    _print_summary(summary)
    if not summary.complete:
        raise typer.Exit(1)


def _quiet_dask() -> None:
    # Dask logs routine shutdown races (a heartbeat to a closed scheduler) as errors; task failures
    # reach the summary anyway. Worker processes read the environment when they start.
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "critical")
    logging.getLogger("distributed").setLevel(logging.CRITICAL)


def _run_with_progress(store: Store, db_url: str, paths: list[str], options: BackfillOptions) -> BackfillSummary:
    columns = (TextColumn("backfill"), BarColumn(), DownloadColumn(), RecordRateColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = None

        def show(progress: BackfillProgress) -> None:
            nonlocal task
            if task is None:
                task = bar.add_task(
                    "backfill",
                    total=progress.bytes_total,
                    completed=progress.bytes_done,
                    seen=progress.counts.seen,
                    first_seen=progress.counts.seen,
                    since=time.monotonic(),
                )
            bar.update(task, completed=progress.bytes_done, seen=progress.counts.seen)

        return backfill(store, db_url, paths, options, on_progress=show)


def _print_summary(summary: BackfillSummary) -> None:
    done, run = summary.progress.counts, summary.this_run
    rate = run.seen / summary.seconds if summary.seconds else 0.0
    lines = [
        f"{summary.progress.jobs_done}/{summary.progress.jobs_total} tasks done"
        f" ({summary.resumed_jobs} resumed from an earlier run),"
        f" {_workers(summary.workers)}",
        f"this run: {run.seen:,} records in {summary.seconds:.1f}s ({rate:,.1f}/s), {run.stored:,} articles stored",
        f"all runs: {done.seen:,} records seen, {done.stored:,} articles stored, {done.already_stored:,} duplicates,"
        f" {done.skipped:,} skipped, {done.errors:,} errors",
    ]
    lines += [f"  skipped: {count:,} {reason}" for reason, count in sorted(done.skip_reasons.items())]
    lines += [f"  error: {count:,} {kind}" for kind, count in sorted(done.error_kinds.items())]
    lines += [f"[red]failed:[/red] {failure} (run again to resume)" for failure in summary.failures]
    for line in lines:
        console.print(line, highlight=False)


def _workers(count: int) -> str:
    return "nothing left to do" if not count else f"{count} worker" + ("s" if count > 1 else "")
