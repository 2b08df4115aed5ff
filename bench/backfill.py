"""Backfill speed and memory: records/s of one plain process, and of Dask with 1 and 2 workers, on PostgreSQL.

    python bench/backfill.py [--records 2000] [--big-mb 1024] [--pg URL]

Builds WARC files under /tmp from the dev pages, repeated under new hosts (and without canonical links)
so that every record is a new article; deletes them after. Cluster start-up is timed apart from the
run itself, and every process loads the spaCy models before the clock starts. CPU time is summed over
the workers and this process, which runs the client, the scheduler and the workers' nannies. With
--big-mb, a 2-worker backfill of a file that large reports each worker's peak RSS.
"""

from __future__ import annotations

import argparse
import gzip
import io
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
from distributed import Client
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsdesk import pipeline
from newsdesk.analyze import AnalyzeOptions, analyze_articles
from newsdesk.backfill import BackfillOptions, backfill
from newsdesk.backfill.run import local_cluster
from newsdesk.ingest.warc import iter_warc
from newsdesk.model import Article
from newsdesk.pipeline import PipelineOptions
from newsdesk.store import open_store

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "article-extraction" / "dev" / "html"
PG = os.environ.get("NEWSDESK_TEST_PG", "postgresql+psycopg://newsdesk:newsdesk@127.0.0.1:5432/newsdesk")


def make_warc(path: Path, *, records: int | None = None, megabytes: int | None = None, new_sites: bool = True) -> int:
    """Write a gzipped WARC of dev pages, each copy under new hosts (else the same 115); return its record count."""
    pages = [
        gzip.decompress(p.read_bytes()).replace(b"canonical", b"canonicx").replace(b"og:url", b"og:urx")
        for p in sorted(CORPUS.glob("*.html.gz"))
    ]
    headers = [("Content-Type", "text/html; charset=utf-8")]
    count = 0
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        while (records is None or count < records) and (megabytes is None or stream.tell() < megabytes << 20):
            body = pages[count % len(pages)]
            copy = count // len(pages) if new_sites else 0  # same host and text again: stored once, read every time
            url = f"https://copy{copy}.site{count % len(pages)}.example/news/{count}"
            http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
            payload = io.BytesIO(body)
            record = writer.create_warc_record(url, "response", payload=payload, length=len(body), http_headers=http)
            writer.write_record(record)
            count += 1
    return count


@contextmanager
def fresh_db(name: str) -> Iterator[str]:
    """Yield the URL of a new, migrated PostgreSQL database, dropped afterwards."""
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG).set(database=name).render_as_string(hide_password=False)
    open_store(url).close()
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def warm() -> None:
    """Load what the first analysis would (the spaCy models), so that no timed run pays for it."""
    text = '"We are ready," Alice Smith said in Paris on Monday. She said the talks would go on.'
    analyze_articles([Article(url="https://warm.example/a", text=text)], AnalyzeOptions())


def plain(path: Path) -> tuple[float, float]:
    """Return records per second and per CPU second of the pipeline in this process, without Dask."""
    with fresh_db("bench_plain") as url:
        store = open_store(url, upgrade=False)
        pipeline.process_items(store, [])  # the imports a first batch would pay for
        warm()
        start, cpu = time.perf_counter(), time.process_time()
        report = pipeline.process_items(store, iter_warc(str(path)))
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        store.close()
    return report.seen / seconds, report.seen / cpu


def _cpu() -> float:
    times = psutil.Process().cpu_times()
    return float(times.user + times.system)


def _peak_rss() -> int:
    # VmHWM, not ru_maxrss: a spawned worker inherits its parent's ru_maxrss across fork and exec
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def _rss() -> int:
    return int(psutil.Process().memory_info().rss)


def on_dask(
    path: Path,
    workers: int,
    chunk_bytes: int,
    watch: bool = False,
    stages: PipelineOptions | None = None,
    dask_defaults: bool = False,
) -> dict[str, object]:
    """Return records/s, start-up seconds and worker memory of a backfill on a local cluster of workers.

    The cluster is the backfill's own (local_cluster), or with dask_defaults one with Dask's default settings.
    """
    started = time.perf_counter()
    with local_cluster(workers, quiet=not dask_defaults) as cluster, Client(cluster) as client:
        client.run(lambda: __import__("newsdesk.backfill.task"))  # the imports a first task would pay for
        client.run(warm)
        startup = time.perf_counter() - started
        samples: list[int] = []
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(2.0):
                samples.append(max(client.run(_rss).values()))

        sampler = threading.Thread(target=sample, daemon=True)
        if watch:
            sampler.start()
        with fresh_db(f"bench_dask{workers}") as url:
            store = open_store(url, upgrade=False)
            options = BackfillOptions(scheduler=cluster.scheduler_address, chunk_bytes=chunk_bytes, stages=stages)
            before, client_cpu = client.run(_cpu), time.process_time()
            start = time.perf_counter()
            summary = backfill(store, url, [str(path)], options)
            seconds = time.perf_counter() - start
            # this process: the client, the scheduler, and the nannies (a LocalCluster runs them here too)
            client_cpu = time.process_time() - client_cpu
            worker_cpu = sorted(cpu - before[worker] for worker, cpu in client.run(_cpu).items())
            stop.set()
            store.close()
        peaks = sorted(client.run(_peak_rss).values())
    assert summary.complete, summary.failures
    return {
        "rate": summary.this_run.seen / seconds,
        "startup": startup,
        "seconds": seconds,
        "worker_cpu": worker_cpu,
        "client_cpu": client_cpu,
        "records": summary.this_run.seen,
        "stored": summary.this_run.stored,
        "peaks": peaks,
        "samples": samples,
    }


def mib(value: int) -> str:
    """Return bytes as MiB."""
    return f"{value / 2**20:.0f} MiB"


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--big-mb", type=int, default=0, help="also backfill a WARC this large on 2 workers")
    parser.add_argument("--big-without-analysis", action="store_true", help="skip analysis in the big run")
    parser.add_argument("--big-same-sites", action="store_true", help="repeat the 115 sites instead of new ones")
    parser.add_argument("--skip-small", action="store_true", help="only the big run")
    parser.add_argument("--dask-defaults", action="store_true", help="also 1 worker with Dask's default settings")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as folder:
        if not args.skip_small:
            small_runs(Path(folder), args.records, args.dask_defaults)
        if args.big_mb:
            big_run(Path(folder), args)


def small_runs(folder: Path, records: int, dask_defaults: bool) -> None:
    """Print records/s (wall and CPU) of the plain process and of 1 and 2 Dask workers on the same small WARC."""
    small = folder / "small.warc.gz"
    count = make_warc(small, records=records)
    print(f"WARC: {count} records, {mib(small.stat().st_size)}")
    base, base_cpu = plain(small)
    print(f"plain process: {base:.2f} records/s wall, {base_cpu:.2f} records per CPU second", flush=True)
    # eight tasks: enough to keep two workers busy to the end, and each about one pipeline batch (50 records)
    chunk = small.stat().st_size // 8 + 1
    runs = {"1 worker": on_dask(small, 1, chunk)}
    _print_run("1 worker", runs["1 worker"], count, base_cpu)
    if dask_defaults:
        runs["1 worker, Dask defaults"] = on_dask(small, 1, chunk, dask_defaults=True)
        _print_run("1 worker, Dask defaults", runs["1 worker, Dask defaults"], count, base_cpu)
    runs["2 workers"] = on_dask(small, 2, chunk)
    _print_run("2 workers", runs["2 workers"], count, base_cpu)
    one, two = runs["1 worker"], runs["2 workers"]
    two_cpu: list[float] = two["worker_cpu"]  # type: ignore[assignment]
    print(
        f"wall: 2 workers / 1 worker {two['rate'] / one['rate']:.2f}x,"  # type: ignore[operator]
        f" 2 workers / plain {two['rate'] / base:.2f}x, 1 worker / plain {one['rate'] / base:.2f}x"
    )  # type: ignore[operator]
    print(
        f"CPU: 2-worker balance (all work / busiest worker: the speed-up 2 idle cores would give)"
        f" {sum(two_cpu) / max(two_cpu):.2f}x"
    )
    print(f"load average after small runs: {os.getloadavg()}")
    small.unlink()


def _print_run(name: str, run: dict[str, object], count: int, base_cpu: float) -> None:
    cpu: list[float] = run["worker_cpu"]  # type: ignore[assignment]
    total = sum(cpu) + run["client_cpu"]  # type: ignore[operator]
    overhead, workers_only = 100 * (total * base_cpu / count - 1), 100 * (sum(cpu) * base_cpu / count - 1)
    print(
        f"dask {name}: {run['rate']:.2f} records/s wall ({run['records']} in {run['seconds']:.1f}s,"
        f" start-up {run['startup']:.1f}s); CPU s per worker {[round(c, 1) for c in cpu]},"
        f" client+scheduler+nannies {run['client_cpu']:.1f};"
        f" {count / total:.2f} records per CPU second, Dask overhead vs plain {overhead:.1f}%"
        f" (workers alone {workers_only:.1f}%);"
        f" peak RSS per worker {[mib(p) for p in run['peaks']]}",
        flush=True,
    )  # type: ignore[attr-defined]


def big_run(folder: Path, args: argparse.Namespace) -> None:
    """Print the speed and the worker memory over a 2-worker backfill of a large WARC."""
    big = folder / "big.warc.gz"
    count = make_warc(big, megabytes=args.big_mb, new_sites=not args.big_same_sites)
    stages = PipelineOptions(analyze=None) if args.big_without_analysis else None
    print(
        f"big WARC: {count} records, {mib(big.stat().st_size)}, analysis {'off' if stages else 'on'},"
        f" {'the same 115 sites' if args.big_same_sites else 'new sites in every copy'}"
    )
    run = on_dask(big, 2, 64 << 20, watch=True, stages=stages)
    samples: list[int] = run["samples"]  # type: ignore[assignment]
    at = [mib(samples[int(len(samples) * f)]) for f in (0.1, 0.5, 0.9)] if samples else "n/a"
    print(
        f"big, 2 workers: {run['rate']:.1f} records/s, {run['records']} records in {run['seconds']:.0f}s;"
        f" peak RSS per worker {[mib(p) for p in run['peaks']]};"  # type: ignore[attr-defined]
        f" largest worker RSS at 10/50/90% of the run: {at}"
    )
    print(f"load average after big run: {os.getloadavg()}")


if __name__ == "__main__":
    main()
