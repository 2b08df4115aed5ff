"""Speed of ``newsdesk extract`` on the 115 dev pages against bare trafilatura, each as one process, same run.

    python bench/extract.py [--corpus DIR]

Both processes read the same .html.gz files and print one result per page; start-up time is included.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "article-extraction" / "dev"
BARE = """
import gzip, json, sys, trafilatura
for path in sys.argv[1:]:
    html = gzip.open(path, "rt", encoding="utf-8").read()
    print(json.dumps({"input": path, "text": trafilatura.extract(html, include_comments=False) or ""}))
"""


def run(command: list[str]) -> float:
    """Return the seconds a command takes, failing loudly if it fails."""
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    """Print pages/s of both and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    files = sorted(str(p) for p in (parser.parse_args().corpus / "html").glob("*.html.gz"))
    ours = run([sys.executable, "-m", "newsdesk", "extract", *files, "--format", "jsonl"])
    bare = run([sys.executable, "-c", BARE, *files])
    print(f"pages: {len(files)}")
    print(f"newsdesk extract  {len(files) / ours:6.1f} pages/s")
    print(f"bare trafilatura  {len(files) / bare:6.1f} pages/s")
    print(f"ratio newsdesk/trafilatura: {bare / ours:.2f}")


if __name__ == "__main__":
    main()
