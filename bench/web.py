"""Website latency under load: median/p99 and requests/s of home, story, article and search pages.

    python bench/web.py [--articles 100000] [--duration 15] [--connections 16] [--backend sqlite|postgresql|both]
                        [--workers 1] [--cache off,on] [--mix zipf|uniform] [--kinds home,story,article,search]
                        [--ingest-every SECONDS] [--pg URL] [--keep DIR]

Fills a fresh database with the dev corpora (story clusters and near-duplicates) replayed under new URLs,
outlets and dates (one story row per replayed gold story, copies marked duplicate_of their original, related
articles from other stories as the story stage keeps them, computed once over the corpus and replayed),
serves it with uvicorn on 127.0.0.1 in a separate process, and drives it with `wrk` (a Lua script picks
each request's path at random from a prepared list; an httpx load generator when wrk is not installed).

The URL mix: home is `/` (80%) or a later page; stories and articles are drawn from every stored one,
uniformly (`--mix uniform`) or with Zipf popularity (`--mix zipf`, s=1, newest most read: the top 100
articles draw 43% of article views, the newest 10,000 81%); searches are one or two words of a random
stored headline (2,000 distinct queries, drawn the same way), sometimes their second page.
`--cache off` measures every page rendered afresh (the response cache disabled), `--cache on` with the
shared response cache for anonymous readers; the hit rate is counted from each reply's X-Cache header.
`--ingest-every S` stores a new article every S seconds while each kind is measured (as a live desk does, so
the cache goes stale as in production) and removes them afterwards.
PostgreSQL runs in a database of its own (newsdesk_bench_web) on the server of NEWSDESK_TEST_PG.
BENCH_TRACE=FILE makes the server append each request's server-side time, path and cache outcome to FILE.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import numpy as np
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from newsdesk.store import open_store
from newsdesk.store.tables import articles, related_articles, stories
from newsdesk.text import content_hash

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
PG = os.environ.get("NEWSDESK_TEST_PG", "postgresql+psycopg://newsdesk:newsdesk@127.0.0.1:5432/newsdesk")
PG_DB = "newsdesk_bench_web"
KINDS = ("home", "story", "article", "search")
PATHS_PER_KIND = 20_000
DISTINCT_QUERIES = 2_000
STOPWORDS = set(
    "about after again their there these those which while would could should where being other under over into from"
    " with that this have were will says said amid what when than then they them your more most just".split()
)


def corpus_rows() -> list[dict[str, str]]:
    """Return the dev texts: story clusters (with gold story labels) then near-duplicate groups."""
    rows: list[dict[str, str]] = []
    for name in ("story-clusters", "near-duplicates"):
        with open(CORPORA / name / "dev.jsonl", encoding="utf-8") as lines:
            rows.extend({**json.loads(line), "corpus": name} for line in lines if line.strip())
    return rows


def related_rows(rows: list[dict[str, str]]) -> list[list[tuple[int, float]]]:
    """Return each corpus row's related rows from other stories, as the story stage keeps them (row, score)."""
    from newsdesk.cluster import ClusterDoc, StoryClusterer
    from newsdesk.pipeline.stories import other_stories_related
    from newsdesk.rank import RelatedIndex

    clusterer, index = StoryClusterer(), RelatedIndex()
    story_of = {key: hash((row["corpus"], row["label"])) for key, row in enumerate(rows)}
    for key, row in enumerate(rows):
        index.add(key, clusterer.vectorise(ClusterDoc(key, row["title"] or "", row["text"] or ""), learn=True))
    return [other_stories_related(index, key, story_of.__getitem__, {}) for key in range(len(rows))]


def fill(url: str, count: int) -> tuple[int, int]:
    """Store count replayed articles (and their stories); return (articles, stories)."""
    store = open_store(url)
    rows = corpus_rows()
    # dated up to now, one article every 26 s (100,000 over a month), so that the key topics of the day are live
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=count * 26)
    story_ids: dict[tuple[int, str], int] = {}
    originals: dict[tuple[int, str], int] = {}
    batch: list[dict[str, object]] = []
    story_batch: list[dict[str, object]] = []
    related_batch: list[dict[str, object]] = []
    related = related_rows(rows)
    for i in range(count):
        row, replay = rows[i % len(rows)], i // len(rows)
        outlet = (row.get("source") or f"outlet{hash(row['id']) % 90}").lower().replace(" ", "-")[:40]
        domain = f"{outlet}.r{replay}.example"
        published = start + timedelta(seconds=i * 26)
        key = (replay, row["label"])
        story_id = None
        if row["corpus"] == "story-clusters":
            if key not in story_ids:
                story_ids[key] = len(story_ids) + 1
                story_batch.append(
                    {
                        "id": story_ids[key],
                        "label": row["title"],
                        "summary": row["text"][:300],
                        "first_seen": published,
                        "last_update": published,
                        "article_count": 3,
                        "outlet_count": 3,
                        "score": random.random(),
                    }
                )
            story_id = story_ids[key]
        duplicate_of = originals.get(key) if row["corpus"] == "near-duplicates" else None
        if row["corpus"] == "near-duplicates" and key not in originals:
            originals[key] = i + 1
        batch.append(
            {
                "id": i + 1,
                "url": f"https://{domain}/news/{i}",
                "canonical_url": "",
                "title": row["title"],
                "text": row["text"],
                "content_hash": content_hash(f"{row['text']}#{i}"),
                "byline": "[]",
                "published": published,
                "lead": row["text"][:200],
                "subheadings": "[]",
                "lang": "en",
                "site_name": row.get("source") or outlet,
                "domain": domain,
                "source_links": "[]",
                "section": "news",
                "status": "ok",
                "reason": "",
                "ingested_at": published,
                "story_id": story_id,
                "duplicate_of": duplicate_of,
            }
        )
        # related within the same replay, as ids of its articles
        base = replay * len(rows)
        for position, (other, score) in enumerate(related[i % len(rows)]):
            if base + other < count:
                related_batch.append(
                    {"article_id": i + 1, "position": position, "related_id": base + other + 1, "score": score}
                )
    with store.engine.begin() as connection:
        for chunk in range(0, len(story_batch), 5000):
            connection.execute(insert(stories), story_batch[chunk : chunk + 5000])
        for chunk in range(0, len(batch), 2000):
            connection.execute(insert(articles), batch[chunk : chunk + 2000])
        for chunk in range(0, len(related_batch), 10000):
            connection.execute(insert(related_articles), related_batch[chunk : chunk + 10000])
        if connection.dialect.name == "postgresql":
            for table in ("articles", "stories"):
                connection.execute(text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))
    store.close()
    return len(batch), len(story_batch)


def queries(rng: random.Random) -> list[str]:
    """Return distinct search queries: one or two content words of random stored headlines."""
    words = [
        [
            w
            for w in (t.strip(".,:;!?'\"()").lower() for t in row["title"].split())
            if len(w) > 3 and w.isalpha() and w not in STOPWORDS
        ]
        for row in corpus_rows()
    ]
    words = [w for w in words if w]
    found: dict[str, None] = {}
    while len(found) < DISTINCT_QUERIES:
        title = rng.choice(words)
        picked = rng.sample(title, min(len(title), rng.choice((1, 1, 2))))
        found[" ".join(picked)] = None
    return list(found)


def ranks(rng: np.random.Generator, n: int, size: int, mix: str) -> np.ndarray:
    """Return size ranks in 1..n: uniform, or Zipf-distributed (s=1) with rank 1 the most popular."""
    if mix == "uniform":
        return rng.integers(1, n + 1, size)
    weights = 1.0 / np.arange(1, n + 1)
    return rng.choice(np.arange(1, n + 1), size=size, p=weights / weights.sum())


def paths_for(kind: str, n_articles: int, n_stories: int, mix: str, seed: int = 7) -> list[str]:
    """Return PATHS_PER_KIND random request paths of one page kind (the newest items the most popular)."""
    rng, draw = random.Random(seed), np.random.default_rng(seed)
    if kind == "home":
        return ["/" if rng.random() < 0.8 else f"/?page={rng.randint(2, 20)}" for _ in range(PATHS_PER_KIND)]
    if kind == "story":
        return [f"/story/{n_stories + 1 - r}" for r in ranks(draw, n_stories, PATHS_PER_KIND, mix)]
    if kind == "article":
        return [f"/article/{n_articles + 1 - r}" for r in ranks(draw, n_articles, PATHS_PER_KIND, mix)]
    pool = queries(rng)
    found = []
    for r in ranks(draw, len(pool), PATHS_PER_KIND, mix):
        query = httpx.QueryParams({"q": pool[r - 1]})
        found.append(f"/search?{query}" + ("&page=2" if rng.random() < 0.1 else ""))
    return found


WRK_SCRIPT = """
local paths = {%s}
local counts = {hits = 0, errors = 0}
local threads = {}
function setup(thread)
  thread:set("seed", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  math.randomseed(seed * 7919)
  hits, errors = 0, 0
end
function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
function response(status, headers, body)
  if headers["x-cache"] == "hit" then hits = hits + 1 end
  if status >= 500 then errors = errors + 1 end
end
function done(summary, latency, requests)
  local h, e = 0, 0
  for _, t in ipairs(threads) do h = h + t:get("hits"); e = e + t:get("errors") end
  local s = summary.errors
  io.write(string.format('WRK {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, "hits": %%d, '
    .. '"errors": %%d, "socket_errors": %%d}\\n', summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(99), h, e, s.connect + s.read + s.write + s.timeout + s.status - e))
end
"""


def load_wrk(base: str, paths: list[str], seconds: float, connections: int) -> dict[str, float]:
    """Drive base with wrk over random paths for `seconds`; return latency figures."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths))
    try:
        command = [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "30s",
            "-s",
            script.name,
            base,
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
    finally:
        os.unlink(script.name)
    line = next(line for line in done.stdout.splitlines() if line.startswith("WRK "))
    raw = json.loads(line[4:])
    seconds_run = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "errors": raw["errors"] + raw["socket_errors"],
        "req_s": round(raw["requests"] / seconds_run, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "hit_rate": round(raw["hits"] / max(1, raw["requests"]), 3),
    }


async def load_httpx(base: str, paths: list[str], seconds: float, connections: int) -> dict[str, float]:
    """Drive base with `connections` concurrent httpx clients over random paths; return latency figures."""
    latencies: list[float] = []
    errors = hits = 0
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        deadline = time.perf_counter() + seconds

        async def worker(seed: int) -> None:
            nonlocal errors, hits
            rng = random.Random(seed)
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                reply = await client.get(rng.choice(paths))
                latencies.append(time.perf_counter() - began)
                errors += reply.status_code >= 500
                hits += reply.headers.get("x-cache") == "hit"

        began = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(connections)))
        elapsed = time.perf_counter() - began
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "errors": errors,
        "req_s": round(len(ordered) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
        "hit_rate": round(hits / max(1, len(ordered)), 3),
    }


def load(base: str, paths: list[str], seconds: float, connections: int) -> dict[str, float]:
    """Drive base over paths with wrk when it is installed, else with httpx."""
    if shutil.which("wrk"):
        return load_wrk(base, paths, seconds, connections)
    return asyncio.run(load_httpx(base, paths, seconds, connections))


def bench_app() -> object:
    """Return the web app of BENCH_WEB_DB, its response cache on or off (BENCH_WEB_CACHE): a uvicorn factory."""
    from newsdesk.settings import load as load_settings
    from newsdesk.web.app import create_app

    store = open_store(os.environ["BENCH_WEB_DB"], upgrade=False)
    cache = os.environ.get("BENCH_WEB_CACHE") == "on"
    app = create_app(store, load_settings(env={}, secret_key="bench"), page_cache=cache)
    trace = os.environ.get("BENCH_TRACE")  # a file to append each request's server-side time to
    return traced(app, trace) if trace else app


def traced(app: object, path: str) -> object:
    """Wrap app to append each request's server-side time, path and cache outcome to a file (a diagnosis aid)."""
    out = open(path, "a", buffering=1)  # noqa: SIM115 - open for the server's lifetime

    async def timed(scope, receive, send):  # type: ignore[no-untyped-def]
        began, outcome = time.perf_counter(), ["-"]

        async def sending(message):  # type: ignore[no-untyped-def]
            if message["type"] == "http.response.start":
                outcome[0] = dict(message["headers"]).get(b"x-cache", b"-").decode()
            await send(message)

        await app(scope, receive, sending)  # type: ignore[operator]
        if scope["type"] == "http":
            out.write(f"{time.perf_counter() - began:.5f} {scope['path']} {outcome[0]}\n")

    return timed


def serve(url: str, port: int, workers: int, cache: str) -> None:
    """Serve the site of url on 127.0.0.1:port with `workers` uvicorn processes (runs in the child process)."""
    import uvicorn

    os.environ |= {"BENCH_WEB_DB": url, "BENCH_WEB_CACHE": cache}
    uvicorn.run(
        "web:bench_app",
        factory=True,
        app_dir=str(Path(__file__).parent),
        host="127.0.0.1",
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_up(base: str, process: subprocess.Popen[bytes]) -> None:
    """Wait until the server answers."""
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            if httpx.get(base + "/index.json", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("server did not start")


def stored(url: str) -> tuple[int, int]:
    """Return how many articles and stories url holds (0, 0 when its schema is missing or not the newest)."""
    try:
        store = open_store(url, upgrade=False)
        current = store.is_current()
        store.close()
    except Exception:  # noqa: BLE001 - a missing database is as good as an empty one here
        return 0, 0
    if not current:
        return 0, 0
    engine = create_engine(url if "://" in url else f"sqlite:///{url}")
    try:
        with engine.connect() as connection:
            return (
                connection.execute(text("SELECT count(*) FROM articles")).scalar_one(),
                connection.execute(text("SELECT count(*) FROM stories")).scalar_one(),
            )
    except SQLAlchemyError:  # a missing database or table means nothing is stored
        return 0, 0
    finally:
        engine.dispose()


class Trickle(threading.Thread):
    """Stores a new article every `every` seconds while the load runs, as a live desk does; removes them after.

    Each new article (one of the stored ones under a new URL, in an existing story) moves the content
    version, so the page cache is measured going stale as it would in production.
    """

    def __init__(self, url: str, every: float) -> None:
        super().__init__(daemon=True)
        self.url, self.every = url, every
        self.stop = threading.Event()
        self.added = 0

    def run(self) -> None:
        """Add articles until stopped."""
        engine = create_engine(self.url)
        with engine.connect() as connection:
            template = dict(
                connection.execute(select(articles).where(articles.c.story_id.is_not(None)).limit(1)).one()._mapping
            )
            self.first = int(connection.execute(text("SELECT max(id) FROM articles")).scalar_one()) + 1
        while not self.stop.wait(self.every):
            row = {**template, "id": self.first + self.added, "url": f"https://live.example/{self.added}"}
            row |= {"content_hash": content_hash(f"live {self.added}"), "published": datetime.now(UTC)}
            row.pop("search_vector", None)
            with engine.begin() as connection:
                connection.execute(insert(articles), [row])
            self.added += 1
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM articles WHERE id >= :first"), {"first": self.first})
        engine.dispose()

    def close(self) -> None:
        """Stop adding and remove what was added."""
        self.stop.set()
        self.join(60)


def bench(url: str, label: str, args: argparse.Namespace) -> dict[str, dict[str, dict[str, float]]]:
    """Fill url (unless it already holds the articles), serve it, and measure every page kind, cache off and on."""
    began = time.perf_counter()
    sizes = stored(url)
    if sizes[0] != args.articles:
        wipe(url, args.pg)
        sizes = fill(url, args.articles)
        print(
            f"{label}: stored {sizes[0]} articles, {sizes[1]} stories in {time.perf_counter() - began:.0f} s",
            flush=True,
        )
    paths = {kind: paths_for(kind, *sizes, args.mix) for kind in args.kinds.split(",")}
    results: dict[str, dict[str, dict[str, float]]] = {}
    for cache in args.cache.split(","):
        port = free_port()
        child = subprocess.Popen(
            [sys.executable, __file__, "--serve", url, str(port), str(args.workers), cache], start_new_session=True
        )
        results[f"cache_{cache}"] = {}
        try:
            base = f"http://127.0.0.1:{port}"
            wait_up(base, child)
            for kind in args.kinds.split(","):
                load(base, paths[kind], 2, args.connections)  # warm the database's and the server's caches
                trickle = Trickle(url, args.ingest_every) if args.ingest_every else None
                if trickle:
                    trickle.start()
                try:
                    r = results[f"cache_{cache}"][kind] = load(base, paths[kind], args.duration, args.connections)
                finally:
                    if trickle:
                        trickle.close()
                        r["ingested"] = trickle.added
                print(
                    f"{label:10} cache {cache:3} {kind:8} p50 {r['p50_ms']:7.1f} ms  p99 {r['p99_ms']:7.1f} ms"
                    f"  {r['req_s']:7.1f} req/s  hits {r['hit_rate']:6.1%}  ({r['requests']} requests,"
                    f" {r['errors']} errors{_meanwhile(r)})",
                    flush=True,
                )
        finally:
            os.killpg(child.pid, signal.SIGTERM)
            child.wait(20)
    return results


def _meanwhile(figures: dict[str, float]) -> str:
    return f", {figures['ingested']:.0f} articles stored meanwhile" if "ingested" in figures else ""


def wipe(url: str, admin: str) -> None:
    """Empty the bench's database (a kept one from an earlier run, perhaps of an older schema)."""
    if url.startswith("sqlite"):
        Path(make_url(url).database or "").unlink(missing_ok=True)
    else:
        pg_url(admin, keep=False)


def pg_url(admin: str, keep: bool) -> str:
    """Return the URL of the bench's PostgreSQL database, created afresh unless kept from an earlier run."""
    url = make_url(admin).set(database=PG_DB).render_as_string(hide_password=False)
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": PG_DB}).first()
        if not (keep and exists):
            connection.execute(text(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{PG_DB}"'))
    engine.dispose()
    return url


def main() -> None:
    """Run the bench and print (and save) its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds of load per page kind")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--cache", default="off,on", help="response cache settings to measure: off, on or off,on")
    parser.add_argument(
        "--ingest-every", type=float, default=0.0, help="store a new article every this many seconds under load"
    )
    parser.add_argument("--kinds", default=",".join(KINDS), help="page kinds to measure, comma-separated")
    parser.add_argument("--mix", choices=["zipf", "uniform"], default="zipf", help="popularity of stories/articles")
    parser.add_argument("--pg", default=PG)
    parser.add_argument(
        "--keep", type=Path, help="folder keeping the filled SQLite file (and the PostgreSQL database) for later runs"
    )
    parser.add_argument("--serve", nargs=4, metavar=("URL", "PORT", "WORKERS", "CACHE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]), int(args.serve[2]), args.serve[3])
        return
    figures: dict[str, object] = {
        "articles": args.articles,
        "connections": args.connections,
        "mix": args.mix,
        "duration_s": args.duration,
        "workers": args.workers,
        "ingest_every_s": args.ingest_every,
        "load_generator": "wrk" if shutil.which("wrk") else "httpx",
    }
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        if args.backend in ("sqlite", "both"):
            figures["sqlite"] = bench(f"sqlite:///{folder}/bench.db", "sqlite", args)
    if args.backend in ("postgresql", "both"):
        url = pg_url(args.pg, keep=args.keep is not None)
        figures["postgresql"] = bench(url, "postgresql", args)
        if args.keep is None:
            engine = create_engine(args.pg, isolation_level="AUTOCOMMIT")
            with engine.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)'))
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "web.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
