"""Extraction benchmark: body F1/P/R and pages/s of newsdesk and bare trafilatura, same run; metadata accuracy.

    python bench/extraction.py [--corpus DIR] [--gold bench/gold/extraction-metadata.json]

Body scores come from ../shared/tools/eval_extraction.py (4-token shingles, as upstream). Metadata accuracy
is measured on the hand-made gold file: title (same words), byline (same set of surnames), published (same day).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from newsdesk.extract import extract_article  # noqa: E402
from newsdesk.model import Article, RawPage  # noqa: E402

WORD = re.compile(r"\w+")


def load_pages(corpus: Path) -> dict[str, tuple[str, str]]:
    """Return {id: (url, html)} for the corpus."""
    truth = json.loads((corpus / "ground-truth.json").read_text())
    return {
        i: (truth[i]["url"], gzip.decompress((corpus / "html" / f"{i}.html.gz").read_bytes()).decode()) for i in truth
    }


def timed(
    runs: list[Callable[[str, str], Any]], pages: dict[str, tuple[str, str]]
) -> list[tuple[dict[str, Any], float]]:
    """Return each run's results and pages/s; runs alternate page by page so machine load hits all alike."""
    results: list[dict[str, Any]] = [{} for _ in runs]
    seconds = [0.0 for _ in runs]
    for page_id, (url, html) in pages.items():
        for n, run in enumerate(runs):
            start = time.perf_counter()
            results[n][page_id] = run(url, html)
            seconds[n] += time.perf_counter() - start
    return [(r, len(pages) / s) for r, s in zip(results, seconds, strict=True)]


def score(bodies: dict[str, str], corpus: Path) -> dict[str, float]:
    """Return F1, precision and recall of bodies from the shared evaluation script."""
    with tempfile.TemporaryDirectory() as folder:
        pred, out = Path(folder) / "pred.json", Path(folder) / "out.json"
        pred.write_text(json.dumps({i: {"articleBody": t} for i, t in bodies.items()}))
        tool = SHARED / "tools" / "eval_extraction.py"
        subprocess.run(
            [sys.executable, str(tool), str(pred), str(corpus / "ground-truth.json"), "--json", str(out)],
            check=True,
            capture_output=True,
        )
        return json.loads(out.read_text())


def _words(text: str | None) -> list[str]:
    return WORD.findall((text or "").lower())


def _surnames(names: list[str]) -> set[str]:
    return {n.split()[-1].lower() for n in names if n.split()}


def metadata_accuracy(gold: dict[str, dict], found: dict[str, dict]) -> dict[str, float]:
    """Return the share of gold pages whose title, byline and published date are right."""
    hits = {"title": 0, "byline": 0, "published": 0}
    for page_id, want in gold.items():
        got = found.get(page_id, {})
        hits["title"] += _words(got.get("title")) == _words(want["title"])
        hits["byline"] += _surnames(got.get("byline") or []) == _surnames(want["byline"])
        hits["published"] += (got.get("published") or "")[:10] == (want["published"] or "")[:10]
    return {k: v / max(1, len(gold)) for k, v in hits.items()}


def bare_trafilatura(url: str, html: str) -> dict:
    """Run trafilatura 2.3.1 as a user would: extract() for the body, metadata and htmldate for the rest."""
    import trafilatura
    from htmldate import find_date

    body = trafilatura.extract(html, include_comments=False) or ""
    meta = trafilatura.extract_metadata(html, default_url=url)
    authors = re.split(r"\s*;\s*", meta.author) if meta and meta.author else []
    return {
        "text": body,
        "title": meta.title if meta else "",
        "byline": authors,
        "published": find_date(html, original_date=True) or "",
    }


def newsdesk(url: str, html: str) -> Article:
    """Run newsdesk's extract stage on one page."""
    return extract_article(RawPage(url=url, html=html, input=url))


def main() -> None:
    """Print the benchmark figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpora" / "article-extraction" / "dev")
    parser.add_argument("--gold", type=Path, default=ROOT / "bench" / "gold" / "extraction-metadata.json")
    args = parser.parse_args()
    pages = load_pages(args.corpus)
    import trafilatura

    trafilatura.extract("<html><body><p>warm up</p></body></html>")
    newsdesk("", "<html><body><p>warm up</p></body></html>")
    (bare_bodies, bare_speed), (ours, our_speed) = timed(
        [lambda u, h: trafilatura.extract(h, include_comments=False) or "", newsdesk], pages
    )
    print(f"pages: {len(pages)}")
    for name, bodies, speed in (
        ("newsdesk", {i: a.text for i, a in ours.items()}, our_speed),
        ("trafilatura", bare_bodies, bare_speed),
    ):
        s = score(bodies, args.corpus)  # type: ignore[arg-type]
        print(f"{name:12} F1 {s['f1']:.3f}  P {s['precision']:.3f}  R {s['recall']:.3f}  {speed:6.1f} pages/s")
    print(f"speed ratio newsdesk/trafilatura: {our_speed / bare_speed:.2f}")
    if args.gold.exists():
        gold = json.loads(args.gold.read_text())["pages"]
        mine = {
            i: {"title": a.title, "byline": list(a.byline), "published": a.published.isoformat() if a.published else ""}
            for i, a in ours.items()
        }
        bare = {i: bare_trafilatura(*pages[i]) for i in gold}
        for name, found in (("newsdesk", mine), ("trafilatura+htmldate", bare)):
            acc = metadata_accuracy(gold, found)
            print(
                f"metadata {name:21} title {acc['title']:.3f}  byline {acc['byline']:.3f}  "
                f"published {acc['published']:.3f}  (n={len(gold)})"
            )


if __name__ == "__main__":
    main()
