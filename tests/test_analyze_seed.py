"""Golden test of the analysis stage on the seed page and its story, plus the analyze command."""

from __future__ import annotations

import html
import json
import os
import re
from datetime import date
from pathlib import Path

import pytest

from newsdesk.analyze import AnalyzeOptions, Document, analyze_documents
from newsdesk.analyze.nlp import load_nlp

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "seed"


def _need_shared() -> None:
    if not (SEED / "expected.json").is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{SEED} is missing; CI must provide ../shared")
        pytest.skip(f"{SEED} is missing (the shared seed data lives next to the repository)")


def _html_text(path: Path) -> str:
    page = path.read_text(encoding="utf-8")
    body = re.search(r'<article>|<div class="(?:article|story-body)">', page)
    text = re.sub(r"<[^>]+>", "\n", page[body.start() if body else 0 :])
    return re.sub(r"\n\s*\n+", "\n\n", html.unescape(text)).strip()


@pytest.fixture(scope="session")
def nlp_loaded():
    return load_nlp(AnalyzeOptions().model, AnalyzeOptions().fast)


@pytest.fixture(scope="session")
def seed_analysis(nlp_loaded):
    _need_shared()
    seed = (SEED / "kyiv-visit-article.txt").read_text(encoding="utf-8")
    docs = [Document("seed", seed, published=date(2024, 11, 16))]
    for name in ("wire-original", "syndicated-copy", "other-story"):
        docs.append(Document(name, _html_text(SEED / "story" / f"{name}.html")))
    results, entities = analyze_documents(docs, AnalyzeOptions())
    return seed, results[0], {e.name: e for e in entities}


def test_people_have_canonical_names_and_roles(seed_analysis):
    seed, result, entities = seed_analysis
    names = {m.text: m.entity for m in result.mentions if m.label == "PER"}
    assert names["Takeshi Iwaja"] == names["Iwaja"] == "Takeshi Iwaya"
    assert names["Andrih Sybih"] == "Andrii Sybiha"
    assert entities["Takeshi Iwaya"].role == "Foreign Minister of Japan"
    assert entities["Andrii Sybiha"].role == "Foreign Minister of Ukraine"
    assert "Takeshi Iwaja" in entities["Takeshi Iwaya"].variants


def test_quotes_have_speakers(seed_analysis):
    seed, result, _ = seed_analysis
    by_start = {seed[q.span.content[0][0] : q.span.content[0][1]].lstrip('“"'): q for q in result.quotes}
    direct = next(q for text, q in by_start.items() if text.startswith("This will not only deepen"))
    assert (direct.speaker, direct.span.kind) == ("Takeshi Iwaya", "direct")
    assert seed[direct.span.cue[0] : direct.span.cue[1]] == "added"
    impact = next(q for text, q in by_start.items() if "extremely significant impact" in text)
    assert (impact.speaker, seed[impact.span.cue[0] : impact.span.cue[1]]) == ("Takeshi Iwaya", "pointed out")
    concerns = next(q for text, q in by_start.items() if "deep concerns" in text)
    assert concerns.speaker == "Ministry of Foreign Affairs of Japan"


def test_sources_places_and_dates(seed_analysis):
    seed, result, _ = seed_analysis
    pairs = [(a.source, a.cites) for a in result.sources]
    assert pairs[:2] == [("TASR", "AP"), ("AFP", "")]
    assert ("Ministry of Foreign Affairs of Japan", "") in pairs
    assert {"Kyiv", "Ukraine", "Japan", "Russia", "North Korea", "East Asia", "Moscow"} <= set(result.places)
    assert [(d.text, d.day) for d in result.dates] == [("on Saturday", date(2024, 11, 16))]
    dprk = next(m for m in result.mentions if m.text == "DPRK")
    assert dprk.entity == "North Korea"


def test_analyze_command_writes_offsets(tmp_path, nlp_loaded):
    from typer.testing import CliRunner

    from newsdesk.cli import app

    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps(
            {"id": "a", "text": '"We are ready," Reuters quoted Boris Johnson as saying.', "published": "2024-11-16"}
        )
        + "\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["analyze", "--input", str(source), "--output", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0, result.output
    row = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    text = json.loads(source.read_text(encoding="utf-8"))["text"]
    assert row["id"] == "a"
    assert {(text[e["start"] : e["end"]], e["label"]) for e in row["entities"]} >= {("Reuters", "ORG")}
