"""Backfill of WARC archives: byte ranges, a Dask LocalCluster on PostgreSQL, SQLite in one process, restarts."""

from __future__ import annotations

import gzip
import io
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from distributed import Client
from sqlalchemy import select
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsdesk import pipeline
from newsdesk.backfill import BackfillOptions, backfill
from newsdesk.backfill.ranges import is_splittable, next_record, plan_jobs
from newsdesk.backfill.records import iter_range
from newsdesk.backfill.run import local_cluster
from newsdesk.ingest.warc import iter_warc
from newsdesk.model import Entity
from newsdesk.pipeline import PipelineOptions
from newsdesk.pipeline.batch import StageCache
from newsdesk.store import Store, open_store
from newsdesk.store.tables import articles
from tests.conftest import ROOT, need_shared

CHUNK = 48 * 1024  # several tasks per test file
# analysis has its own tests; here it would only slow down the checks of reading, splitting and restarting
STAGES = PipelineOptions(analyze=None)


@dataclass(frozen=True)
class Archives:
    """The test WARC files, and what the plain pipeline stores from them."""

    paths: list[str]
    records: int
    urls: frozenset[str]
    skip_reasons: dict[str, int]
    errors: int


def _response(writer: WARCWriter, url: str, body: bytes, status: str = "200 OK", kind: str = "text/html") -> None:
    headers = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
    # a fixed record id and date (warcio makes new ones each run), so that damaging a record cuts the same bytes
    fixed = {"WARC-Record-ID": f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url)}>", "WARC-Date": "2024-11-16T12:00:00Z"}
    record = writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), length=len(body), http_headers=headers, warc_headers_dict=fixed
    )
    writer.write_record(record)  # with a length, warcio needs no temporary file (which it would leave open)


def _write_warc(path: Path, pages: list[tuple[str, bytes]], extras: bool) -> list[int]:
    """Write one gzip member per record; return the offsets of the records."""
    stream = io.BytesIO()
    writer = WARCWriter(stream, gzip=True)
    starts = []

    def mark() -> None:
        starts.append(stream.tell())

    mark()
    writer.write_record(writer.create_warcinfo_record(path.name, {"software": "newsdesk tests"}))
    for number, (url, body) in enumerate(pages):
        mark()
        _response(writer, url, body)
        if extras and number == 3:
            mark()
            _response(writer, url + ".pdf", b"%PDF-1.4 not a page", kind="application/pdf")
            mark()
            _response(writer, url + "/missing", b"<html>gone</html>", status="404 Not Found")
            mark()
            request = b"GET / HTTP/1.1\r\n\r\n"
            record = writer.create_warc_record(url, "request", payload=io.BytesIO(request), length=len(request))
            writer.write_record(record)
    path.write_bytes(stream.getvalue())
    return starts


def _truncate_record(path: Path, starts: list[int], index: int) -> None:
    """Cut record index short (its gzip member loses its tail), as a broken download would."""
    data = path.read_bytes()
    path.write_bytes(data[: starts[index] + 300] + data[starts[index + 1] :])


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> Archives:
    """Two WARC files of the dev corpus pages, with a PDF, a 404, a request and two damaged records."""
    corpus = need_shared("corpora", "article-extraction", "dev")
    truth = json.loads((corpus / "ground-truth.json").read_text())
    pages = [
        (truth[p.name.split(".")[0]]["url"], gzip.decompress(p.read_bytes()))
        for p in sorted((corpus / "html").glob("*.html.gz"))
    ]
    folder = tmp_path_factory.mktemp("warcs")
    first, second, clean = folder / "a.warc.gz", folder / "b.warc.gz", folder / "clean.warc.gz"
    _write_warc(first, pages[:60], extras=True)
    starts = _write_warc(second, pages[60:], extras=False)
    second.write_bytes(second.read_bytes()[: starts[-1] + 500])  # a last record cut short
    _truncate_record(second, starts, 20)  # and a damaged record in the middle of the file
    # what the damaged files hold that can be read: the reference the plain pipeline stores
    _write_warc(clean, pages[:60] + pages[60:][:19] + pages[60:][20:-1], extras=True)
    paths = [str(first), str(second)]
    store = open_store(str(folder / "plain.db"))
    report = pipeline.process_items(store, iter_warc(str(clean)), options=STAGES)
    with store.engine.connect() as connection:
        urls = frozenset(connection.execute(select(articles.c.url)).scalars())
    store.close()
    damaged = 2
    reasons = {**report.skip_reasons, "warcinfo record": report.skip_reasons["warcinfo record"] + 1}
    return Archives(paths, report.seen + 1 + damaged, urls, reasons, len(report.errors) + damaged)


def _stored_urls(store: Store) -> list[str]:
    with store.engine.connect() as connection:
        return list(connection.execute(select(articles.c.url)).scalars())


def test_test_archives_hold_what_the_tests_expect(archives: Archives) -> None:
    assert archives.skip_reasons == {
        "warcinfo record": 2,
        "request record": 1,
        "HTTP status 404": 1,
        "not HTML (application/pdf)": 1,
    }
    assert archives.errors >= 2  # the two damaged records, and pages that are no articles
    assert len(archives.urls) > 100


@pytest.mark.parametrize("chunk", [1, 5000, CHUNK, 10**9])
def test_ranges_hold_every_record_once(archives: Archives, chunk: int) -> None:
    for path in archives.paths:
        assert is_splittable(path)
        whole = [at for at, _ in iter_range(path, 0, os.path.getsize(path), max_bytes=5_000_000)]
        jobs = plan_jobs(path, chunk) if chunk > 1 else plan_jobs(path, 4096)
        split = [
            at for job in jobs for at, _ in iter_range(path, job.start_offset, job.end_offset, max_bytes=5_000_000)
        ]
        assert split == whole
        assert len(set(whole)) == len(whole)


def test_next_record_finds_record_starts(archives: Archives) -> None:
    path = archives.paths[0]
    starts = [at for at, _ in iter_range(path, 0, os.path.getsize(path), max_bytes=5_000_000)]
    assert next_record(path, 1) == starts[1]
    assert next_record(path, starts[5]) == starts[5]
    assert next_record(path, starts[5] + 1) == starts[6]
    assert next_record(path, starts[-1] + 1) == os.path.getsize(path)


def _check_complete(store: Store, archives: Archives, workers: int) -> None:
    summary = backfill(
        store,
        store.engine.url.render_as_string(hide_password=False),
        archives.paths,
        BackfillOptions(workers=workers, chunk_bytes=CHUNK, batch_size=10, stages=STAGES),
    )
    assert summary.complete and not summary.failures
    assert summary.progress.jobs_total > 4
    counts = summary.progress.counts
    assert counts.seen == archives.records
    assert counts.skip_reasons == archives.skip_reasons
    assert counts.error_kinds["TruncatedError"] == 1 and counts.error_kinds["InputError"] >= 1
    # a row the database refuses (PostgreSQL enforces VARCHAR lengths, SQLite does not) costs only itself
    refused = counts.error_kinds.get("StoreError", 0)
    assert counts.errors == archives.errors + refused
    stored = Counter(_stored_urls(store))
    assert counts.stored == len(archives.urls) - refused == store.count_articles()
    assert set(stored) <= archives.urls and set(stored.values()) == {1}
    # after the parallel tasks, one pass put every stored article in a story
    assert store.unassigned_articles() == [] and 0 < store.count_stories() <= len(stored)
    again = backfill(
        store,
        store.engine.url.render_as_string(hide_password=False),
        archives.paths,
        BackfillOptions(workers=workers, chunk_bytes=CHUNK, stages=STAGES),
    )
    assert again.this_run.seen == 0 and again.resumed_jobs == summary.progress.jobs_total
    assert store.count_articles() == len(archives.urls)


def test_backfill_on_sqlite_runs_one_local_writer(archives: Archives, tmp_path: Path) -> None:
    db = str(tmp_path / "bf.db")
    store = open_store(db)
    _check_complete(store, archives, workers=2)  # two asked for, one used: SQLite has one writer
    store.close()
    run = _start(["-m", "newsdesk", "backfill", *archives.paths, "--db", db, "--workers", "2"])
    output = run.communicate(timeout=60)[0].decode()
    assert run.returncode == 0, output
    assert "SQLite allows one writer" in output and "resumed from an earlier run" in output
    assert f"{archives.records} records seen" in output
    assert "skipped: 1 HTTP status 404" in output and "error: 1 TruncatedError" in output


def test_backfill_on_postgresql_with_two_workers(archives: Archives, pg_url: str) -> None:
    store = open_store(pg_url, upgrade=False)
    _check_complete(store, archives, workers=2)
    store.close()


RUNNER = f"""
import sys
from newsdesk.backfill import BackfillOptions, backfill
from newsdesk.model import Entity
from newsdesk.pipeline import PipelineOptions
from newsdesk.pipeline.batch import StageCache
from newsdesk.store import open_store
db, paths = sys.argv[1], sys.argv[2:]
options = BackfillOptions(workers=2, chunk_bytes={CHUNK}, batch_size=3, stages=PipelineOptions(analyze=None))
if __name__ == "__main__":
    backfill(open_store(db, upgrade=False), db, paths, options)
"""


def _start(args: list[str]) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def test_killed_backfill_resumes_and_stores_every_article_once(archives: Archives, pg_url: str) -> None:
    store = open_store(pg_url, upgrade=False)
    first = _start(["-c", RUNNER, pg_url, *archives.paths])
    deadline = time.monotonic() + 60
    while not any(job.counts.seen for job in store.backfill_jobs()) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)  # the client and its local workers, mid-run
    first.wait()
    assert not all(job.done for job in store.backfill_jobs()), "the first run ended before it could be killed"
    second = _start(["-c", RUNNER, pg_url, *archives.paths])
    output = second.communicate(timeout=120)[0].decode()
    assert second.returncode == 0, output
    jobs = store.backfill_jobs()
    assert all(job.done for job in jobs)
    assert sum(job.counts.seen for job in jobs) == archives.records  # every record read once, over both runs
    stored = Counter(_stored_urls(store))
    assert set(stored) <= archives.urls and set(stored.values()) == {1}
    # after the parallel tasks, one pass put every stored article in a story
    assert store.unassigned_articles() == [] and 0 < store.count_stories() <= len(stored)
    assert len(stored) == len(archives.urls) - sum(job.counts.error_kinds.get("StoreError", 0) for job in jobs)
    store.close()


def test_stage_cache_loads_once_keeps_own_entities_and_reloads_after_refresh(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "cache.db"))
    cache = StageCache(refresh_seconds=3600)
    assert cache.templates(store) == {}
    store.add_site_page("a.example", ["x", "y"])
    store.save_site_blocks("a.example", ["x"])  # as another writer would, after the cache was loaded
    assert "a.example" not in cache.templates(store)  # not reloaded for every batch
    cache.add_entities([Entity("Alice Smith", "PER", ("Alice Smith", "Smith"))])
    assert [entity.name for entity in cache.known_entities(store)] == ["Alice Smith"]
    cache.refresh_seconds = 0
    assert cache.templates(store)["a.example"].blocks == frozenset({"x"})
    assert cache.known_entities(store) == ()  # the database is the truth again: nothing was stored
    store.close()


def test_local_workers_run_without_the_dask_profiler() -> None:
    with local_cluster(1) as cluster, Client(cluster) as client:
        callbacks = client.run(lambda dask_worker: sorted(dask_worker.periodic_callbacks))
    (names,) = callbacks.values()
    assert "heartbeat" in names and "profile" not in names  # the profiler cost about 10 % of a worker's CPU
