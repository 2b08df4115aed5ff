"""Website latency under load: median/p99 and requests/s of home, story, article and search pages.

    python bench/web.py [--articles 100000] [--duration 15] [--connections 16] [--backend sqlite|postgresql|both]
                        [--pg URL]

Fills a fresh database with the dev corpora (story clusters and near-duplicates) replayed under new URLs,
outlets and dates (one story row per replayed gold story, copies marked duplicate_of their original),
serves it with uvicorn on 127.0.0.1 in a separate process, and drives it with an httpx load generator.
PostgreSQL runs in a database of its own (newsdesk_bench_web) on the server of NEWSDESK_TEST_PG.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from newsdesk.store import open_store
from newsdesk.store.tables import articles, stories
from newsdesk.text import content_hash

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
PG = os.environ.get("NEWSDESK_TEST_PG", "postgresql+psycopg://newsdesk:newsdesk@127.0.0.1:5432/newsdesk")
PG_DB = "newsdesk_bench_web"
KINDS = ("home", "story", "article", "search")
SEARCH_WORDS = ["trump", "senate", "covid vaccine", "ukraine", "supreme court", "biden", "election", "police",
                "climate", "\"white house\"", "tax", "border", "china", "iran", "economy", "fed"]


def corpus_rows() -> list[dict[str, str]]:
    """Return the dev texts: story clusters (with gold story labels) then near-duplicate groups."""
    rows: list[dict[str, str]] = []
    for name in ("story-clusters", "near-duplicates"):
        with open(CORPORA / name / "dev.jsonl", encoding="utf-8") as lines:
            rows.extend({**json.loads(line), "corpus": name} for line in lines if line.strip())
    return rows


def fill(url: str, count: int) -> tuple[int, int]:
    """Store count replayed articles (and their stories); return (articles, stories)."""
    store = open_store(url)
    rows = corpus_rows()
    start = datetime(2024, 1, 1, tzinfo=UTC)
    story_ids: dict[tuple[int, str], int] = {}
    originals: dict[tuple[int, str], int] = {}
    batch: list[dict[str, object]] = []
    story_batch: list[dict[str, object]] = []
    for i in range(count):
        row, replay = rows[i % len(rows)], i // len(rows)
        outlet = (row.get("source") or f"outlet{hash(row['id']) % 90}").lower().replace(" ", "-")[:40]
        domain = f"{outlet}.r{replay}.example"
        published = start + timedelta(seconds=i * 26)  # 100,000 articles over a month
        key = (replay, row["label"])
        story_id = None
        if row["corpus"] == "story-clusters":
            if key not in story_ids:
                story_ids[key] = len(story_ids) + 1
                story_batch.append({"id": story_ids[key], "label": row["title"], "summary": row["text"][:300],
                                    "first_seen": published, "last_update": published, "article_count": 3,
                                    "outlet_count": 3, "score": random.random()})
            story_id = story_ids[key]
        duplicate_of = originals.get(key) if row["corpus"] == "near-duplicates" else None
        if row["corpus"] == "near-duplicates" and key not in originals:
            originals[key] = i + 1
        batch.append({
            "id": i + 1, "url": f"https://{domain}/news/{i}", "canonical_url": "", "title": row["title"],
            "text": row["text"], "content_hash": content_hash(f"{row['text']}#{i}"), "byline": "[]",
            "published": published, "lead": row["text"][:200], "subheadings": "[]", "lang": "en",
            "site_name": row.get("source") or outlet, "domain": domain, "source_links": "[]", "section": "news",
            "status": "ok", "reason": "", "ingested_at": published, "story_id": story_id, "duplicate_of": duplicate_of,
        })
    with store.engine.begin() as connection:
        for chunk in range(0, len(story_batch), 5000):
            connection.execute(insert(stories), story_batch[chunk : chunk + 5000])
        for chunk in range(0, len(batch), 2000):
            connection.execute(insert(articles), batch[chunk : chunk + 2000])
        if connection.dialect.name == "postgresql":
            for table in ("articles", "stories"):
                connection.execute(text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))
    store.close()
    return len(batch), len(story_batch)


def serve(url: str, port: int) -> None:
    """Serve the site of url on 127.0.0.1:port (runs in the child process)."""
    import uvicorn

    from newsdesk.settings import load
    from newsdesk.web.app import create_app

    app = create_app(open_store(url, upgrade=False), load(env={}, secret_key="bench"))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def path_for(kind: str, rng: random.Random, n_articles: int, n_stories: int) -> str:
    """Return a random page of one kind."""
    if kind == "home":
        return "/" if rng.random() < 0.8 else f"/?page={rng.randint(2, 20)}"
    if kind == "story":
        return f"/story/{rng.randint(1, n_stories)}"
    if kind == "article":
        return f"/article/{rng.randint(1, n_articles)}"
    return f"/search?q={rng.choice(SEARCH_WORDS)}"


async def load(base: str, kind: str, seconds: float, connections: int, sizes: tuple[int, int]) -> dict[str, float]:
    """Hit one page kind with `connections` concurrent clients for `seconds`; return latency figures."""
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        deadline = time.perf_counter() + seconds

        async def worker(seed: int) -> None:
            nonlocal errors
            rng = random.Random(seed)
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                reply = await client.get(path_for(kind, rng, *sizes))
                latencies.append(time.perf_counter() - began)
                errors += reply.status_code >= 500

        began = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(connections)))
        elapsed = time.perf_counter() - began
    ordered = sorted(latencies)
    return {
        "requests": len(ordered), "errors": errors, "req_s": round(len(ordered) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
    }


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


def bench(url: str, label: str, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    """Fill url, serve it, and measure every page kind."""
    began = time.perf_counter()
    sizes = fill(url, args.articles)
    print(f"{label}: stored {sizes[0]} articles, {sizes[1]} stories in {time.perf_counter() - began:.0f} s", flush=True)
    port = free_port()
    child = subprocess.Popen([sys.executable, __file__, "--serve", url, str(port)])
    results: dict[str, dict[str, float]] = {}
    try:
        base = f"http://127.0.0.1:{port}"
        wait_up(base, child)
        for kind in KINDS:
            asyncio.run(load(base, kind, 2, args.connections, sizes))  # warm caches
            results[kind] = asyncio.run(load(base, kind, args.duration, args.connections, sizes))
            r = results[kind]
            print(f"{label:10} {kind:8} p50 {r['p50_ms']:7.1f} ms  p99 {r['p99_ms']:7.1f} ms  {r['req_s']:7.1f} req/s"
                  f"  ({r['requests']} requests, {r['errors']} errors)", flush=True)
    finally:
        child.terminate()
        child.wait(10)
    return results


def pg_url(admin: str) -> str:
    """Create a fresh PostgreSQL database for the bench and return its URL."""
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{PG_DB}"'))
    engine.dispose()
    return make_url(admin).set(database=PG_DB).render_as_string(hide_password=False)


def main() -> None:
    """Run the bench and print (and save) its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds of load per page kind")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--pg", default=PG)
    parser.add_argument("--serve", nargs=2, metavar=("URL", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return
    figures: dict[str, object] = {"articles": args.articles, "connections": args.connections,
                                  "duration_s": args.duration}
    with tempfile.TemporaryDirectory() as folder:
        if args.backend in ("sqlite", "both"):
            figures["sqlite"] = bench(f"sqlite:///{folder}/bench.db", "sqlite", args)
    if args.backend in ("postgresql", "both"):
        url = pg_url(args.pg)
        figures["postgresql"] = bench(url, "postgresql", args)
        engine = create_engine(args.pg, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)'))
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "web.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
