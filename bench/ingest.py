"""Ingest throughput: articles/s into SQLite and PostgreSQL, and database size per article.

The 115 dev pages of ../shared/corpora/article-extraction are extracted once, then stored 10 times
under distinct URLs and outlets (so nothing is deduplicated away), through the same Store.save_articles
the pipeline uses, in batches of 50.

    python bench/ingest.py [--copies 10] [--pg postgresql+psycopg://newsdesk:newsdesk@127.0.0.1:5432/newsdesk]
"""

from __future__ import annotations

import argparse
import gzip
import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from sqlalchemy import create_engine, text

from newsdesk.extract import extract_article
from newsdesk.model import Article, RawPage
from newsdesk.store import open_store

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "article-extraction" / "dev" / "html"
DEFAULT_PG = "postgresql+psycopg://newsdesk:newsdesk@127.0.0.1:5432/newsdesk"


def load_articles() -> tuple[list[Article], float]:
    """Extract every dev page once; return the articles and the seconds it took."""
    start = time.perf_counter()
    found = []
    for path in sorted(CORPUS.glob("*.html.gz")):
        html = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        article = extract_article(RawPage(url=f"https://bench.example/{path.stem}", html=html, input=str(path)))
        if article.text:
            found.append(article)
    return found, time.perf_counter() - start


def copies(articles: list[Article], count: int) -> list[Article]:
    """Return count copies of articles, each copy under its own URLs and outlet."""
    return [
        replace(a, url=f"{a.url}?copy={i}", canonical_url="", domain=f"copy{i}.{a.domain or 'bench.example'}")
        for i in range(count)
        for a in articles
    ]


def store_all(url: str, articles: list[Article]) -> float:
    """Store articles in batches of 50; return articles per second."""
    store = open_store(url)
    start = time.perf_counter()
    for i in range(0, len(articles), 50):
        store.save_articles(articles[i : i + 50])
    elapsed = time.perf_counter() - start
    assert store.count_articles() == len(articles), "every copy should be stored once"
    store.save_articles(articles[:50])  # a second ingest stores nothing new
    assert store.count_articles() == len(articles)
    store.close()
    return len(articles) / elapsed


def pg_database(admin: str) -> tuple[str, callable]:  # type: ignore[valid-type]
    """Create a scratch PostgreSQL database; return its URL and a function that drops it."""
    name = f"newsdesk_bench_{os.getpid()}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    from sqlalchemy.engine import make_url

    url = make_url(admin).set(database=name).render_as_string(hide_password=False)

    def size_and_drop() -> int:
        with engine.connect() as c:
            size = int(c.execute(text(f"SELECT pg_database_size('{name}')")).scalar_one())
            c.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        return size

    return url, size_and_drop


def main() -> None:
    """Print articles/s and bytes per article for SQLite and PostgreSQL."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--pg", default=os.environ.get("NEWSDESK_TEST_PG", DEFAULT_PG))
    args = parser.parse_args()
    articles, extract_s = load_articles()
    batch = copies(articles, args.copies)
    print(f"extracted {len(articles)} dev pages in {extract_s:.1f} s ({len(articles) / extract_s:.1f} pages/s)")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        rate = store_all(f"sqlite:///{path}", batch)
        size = sum(p.stat().st_size for p in Path(folder).glob("bench.db*"))
        print(f"sqlite:     {len(batch)} articles, {rate:,.0f} articles/s, {size / len(batch) / 1024:.1f} KiB/article")
    try:
        url, size_and_drop = pg_database(args.pg)
    except Exception as exc:  # noqa: BLE001
        print(f"postgresql: skipped ({exc.__class__.__name__}: {exc})")
        return
    rate = store_all(url, batch)
    size = size_and_drop()
    print(f"postgresql: {len(batch)} articles, {rate:,.0f} articles/s, {size / len(batch) / 1024:.1f} KiB/article")


if __name__ == "__main__":
    main()
