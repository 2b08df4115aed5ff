"""``newsdesk analyze``: entities, quotes, sources, places and dates of the texts in a JSON Lines file."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from newsdesk.analyze import AnalyzeOptions, Document, analyze_documents
from newsdesk.analyze.record import analysis_record
from newsdesk.cli.app import app, console, fail, input_lines
from newsdesk.errors import InputError


def _published(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _document(row: Any) -> Document:
    if not isinstance(row, dict) or not isinstance(row.get("text"), str) or "id" not in row:
        raise TypeError("needs a string 'text' and an 'id'")
    return Document(
        str(row["id"]), row["text"], row.get("title") or "", _published(row.get("published") or row.get("date"))
    )


def _read(path: Path) -> list[Document]:
    docs = []
    try:
        for n, line in input_lines(path):
            try:
                docs.append(_document(json.loads(line)))
            except (json.JSONDecodeError, TypeError) as exc:
                raise fail(f"{path}:{n}: not a {{id, text}} JSON line ({exc})") from exc
    except InputError as exc:
        raise fail(str(exc)) from exc
    return docs


@app.command()
def analyze(
    input: Annotated[Path, typer.Option("--input", "-i", help="JSON Lines of {id, text, title?, published?}.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="JSON Lines to write; - for stdout.")],
    full: Annotated[bool, typer.Option("--full", help="Also run spaCy's tagger and parser (slower).")] = False,
) -> None:
    """Find entities, quotes, reporting sources, places and relative dates in each text."""
    docs = _read(input)
    results, entities = analyze_documents(docs, AnalyzeOptions(fast=not full))
    lines = [json.dumps(analysis_record(d, r), ensure_ascii=False) + "\n" for d, r in zip(docs, results, strict=True)]
    if str(output) == "-":
        sys.stdout.writelines(lines)
    else:
        try:
            output.write_text("".join(lines), encoding="utf-8")
        except OSError as exc:
            raise fail(f"{output}: cannot write: {exc.strerror or exc}") from exc
    console.print(f"analysed {len(docs)} documents: {len(entities)} entities", highlight=False)
