"""``newsdesk dedupe``, ``cluster`` and ``related``: the story stages over a JSON-lines file of texts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from newsdesk.cli.app import app, console, input_lines
from newsdesk.cluster import ClusterDoc, ClusterOptions, StoryClusterer
from newsdesk.dedupe import DedupeOptions, Deduplicator
from newsdesk.errors import InputError
from newsdesk.rank import RelatedIndex, related_articles

InputOption = Annotated[Path, typer.Option("--input", "-i", help="JSON lines of {id, title, text, date?, source?}.")]
OutputOption = Annotated[Path, typer.Option("--output", "-o", help="Where to write JSON lines.")]


def read_docs(path: Path) -> Iterator[dict[str, Any]]:
    """Yield the JSON objects of a JSON-lines file, in order; a bad file or line is an error naming it."""
    try:
        for number, line in input_lines(path):
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise typer.BadParameter(f"{path}:{number}: not JSON: {exc}") from exc
            if not isinstance(record, dict):
                raise typer.BadParameter(f"{path}:{number}: not a JSON object")
            yield record
    except InputError as exc:
        raise typer.BadParameter(str(exc)) from exc


def _date(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def _write(path: Path, records: Iterator[dict[str, Any]]) -> int:
    count = 0
    try:
        with path.open("w", encoding="utf-8") as out:
            for record in records:
                out.write(json.dumps(record) + "\n")
                count += 1
    except OSError as exc:
        raise typer.BadParameter(f"{path}: cannot write: {exc.strerror or exc}") from exc
    return count


def run_stories(docs: list[dict[str, Any]]) -> tuple[list[int], list[int], RelatedIndex]:
    """Return each doc's original index, final story id, and an index of their vectors."""
    finder, clusterer, index = Deduplicator(DedupeOptions()), StoryClusterer(ClusterOptions()), RelatedIndex()
    originals, assigned, parent = [], [], {}
    for key, doc in enumerate(docs):
        title, text = str(doc.get("title") or ""), str(doc.get("text") or "")
        originals.append(finder.add(title, text)[1])
        story, vector = clusterer.add(ClusterDoc(key, title, text, _date(doc.get("date"))))
        assigned.append(story)
        index.add(key, vector)
        parent.update(clusterer.pop_merges())
    return originals, [_root(parent, story) for story in assigned], index


def _root(parent: dict[int, int], story: int) -> int:
    while story in parent:
        story = parent[story]
    return story


@app.command()
def dedupe(input: InputOption, output: OutputOption) -> None:
    """Group exact and near copies: write {id, cluster} with cluster the id of each text's original."""
    docs = list(read_docs(input))
    finder = Deduplicator(DedupeOptions())
    roots = [finder.add(str(d.get("title") or ""), str(d.get("text") or ""))[1] for d in docs]
    count = _write(output, ({"id": d["id"], "cluster": docs[root]["id"]} for d, root in zip(docs, roots, strict=True)))
    console.print(f"{count} texts, {len(set(roots))} originals")


@app.command()
def cluster(input: InputOption, output: OutputOption) -> None:
    """Cluster articles into stories one at a time, in file order: write {id, cluster}."""
    docs = list(read_docs(input))
    _, stories, _ = run_stories(docs)
    count = _write(output, ({"id": d["id"], "cluster": f"story-{s}"} for d, s in zip(docs, stories, strict=True)))
    console.print(f"{count} articles, {len(set(stories))} stories")


@app.command()
def related(
    input: InputOption,
    output: OutputOption,
    k: Annotated[int, typer.Option("--k", min=1, help="How many per article.")] = 5,
) -> None:
    """Write {id, related: [ids]}: each article's k related articles, own story first, no copies."""
    docs = list(read_docs(input))
    originals, stories, index = run_stories(docs)
    members: dict[int, list[int]] = {}
    for key, story in enumerate(stories):
        members.setdefault(story, []).append(key)
    story_of = dict(enumerate(stories))
    original_of = dict(enumerate(originals))
    density = index.density

    def records() -> Iterator[dict[str, Any]]:
        for key, doc in enumerate(docs):
            pool = index.candidates(key, members[stories[key]])
            found = related_articles(key, index.vectors, story_of, original_of, k, pool, density=density)
            yield {"id": doc["id"], "related": [docs[other]["id"] for other in found]}

    console.print(f"{_write(output, records())} articles")
