"""``newsdesk extract``: print the article found in files, folders or URLs as JSON, storing nothing."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from newsdesk.cli.app import app, console
from newsdesk.errors import NewsdeskError
from newsdesk.extract import ExtractOptions, article_dict, explain_article, extract_article
from newsdesk.model import RawPage

_HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz", ".xhtml")


def read_html(path: Path) -> str:
    """Return the text of an HTML file, gunzipping ``.gz`` files and guessing the encoding."""
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        return str(best) if best is not None else data.decode("latin-1")


def expand_inputs(inputs: list[str]) -> Iterator[str]:
    """Yield each input, replacing a folder by the HTML files under it (sorted, recursive)."""
    for item in inputs:
        path = Path(item)
        if not item.startswith(("http://", "https://")) and path.is_dir():
            files = (p for p in sorted(path.rglob("*")) if p.is_file() and p.name.lower().endswith(_HTML_SUFFIXES))
            yield from (str(p) for p in files)
        else:
            yield item


def load_page(item: str) -> RawPage:
    """Return the page at a path or URL as a RawPage."""
    if item.startswith(("http://", "https://")):
        from newsdesk.ingest.fetch import Fetcher, FetchOptions  # written in parallel; only needed for URLs

        page: RawPage = Fetcher(FetchOptions()).fetch_page(item)
        return page
    path = Path(item)
    if not path.is_file():
        raise NewsdeskError("no such file", input=item)
    try:
        html = read_html(path)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise NewsdeskError(f"cannot read: {exc}", input=item) from exc
    return RawPage(url="", html=html, input=item, fetched_at=datetime.fromtimestamp(path.stat().st_mtime, UTC))


@app.command("extract")
def extract_command(
    inputs: Annotated[list[str], typer.Argument(help="HTML files (.html.gz too), folders or URLs.")],
    format: Annotated[str, typer.Option("--format", "-f", help="json (indented) or jsonl (one line each).")] = "jsonl",
    explain: Annotated[bool, typer.Option("--explain", help="Also list the blocks kept and dropped, and why.")] = False,
) -> None:
    """Print the article extracted from each input as JSON; store nothing."""
    if format not in ("json", "jsonl"):
        raise typer.BadParameter("must be json or jsonl", param_hint="--format")
    options = ExtractOptions()
    failed = False
    for item in expand_inputs(inputs):
        try:
            page = load_page(item)
            record: dict[str, Any] = {"input": item, **article_dict(extract_article(page, options))}
            if explain:
                record["explain"] = explain_article(page, options)
        except NewsdeskError as exc:
            failed = True
            console.print(f"error: {item}: {exc.reason}", highlight=False, markup=False)
            continue
        indent = 2 if format == "json" else None
        typer.echo(json.dumps(record, ensure_ascii=False, indent=indent))
    if failed:
        raise typer.Exit(1)
