"""Unit tests of the analysis stage's rule-based parts (no model, no shared data)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from newsdesk.analyze.canonical import link_people
from newsdesk.analyze.casing import recase
from newsdesk.analyze.dates import find_dates
from newsdesk.analyze.gazetteer import find_names, place_name
from newsdesk.analyze.quotes import find_quotes
from newsdesk.analyze.roles import ministry_name, role_of
from newsdesk.analyze.sources import find_sources
from newsdesk.model import Attribution, Mention


def test_relative_weekday_is_the_latest_such_day():
    found = find_dates("He arrived on Saturday and left yesterday.", date(2024, 11, 16))
    assert [(d.text, d.day) for d in found] == [("on Saturday", date(2024, 11, 16)), ("yesterday", date(2024, 11, 15))]


def test_aliases_resolve_to_one_place():
    assert place_name("DPRK") == "North Korea"
    assert place_name("Kiev") == place_name("Kyjev") == "Kyiv"
    assert [(h.label, h.name) for h in find_names("the Associated Press and NATO")] == [("ORG", "AP"), ("ORG", "NATO")]


def test_recase_keeps_offsets_and_acronyms():
    text = "NATO WARNS RUSSIA OVER UKRAINE\nbody"
    assert recase(text) == "NATO Warns Russia over Ukraine\nbody"


def test_transliterations_link_but_namesakes_stay_apart():
    names = link_people([{"Takeshi Iwaja"}, {"Takeshi Iwaya"}, {"Takeshi Iwaya"}, {"Takeshi Ishiba"}], {})
    assert names["Takeshi Iwaja"] == "Takeshi Iwaya"
    assert names["Takeshi Ishiba"] == "Takeshi Ishiba"


def test_only_pairs_with_a_fresh_name_are_compared():
    known = [{"Takeshi Iwaya"}, {"Takeshi Iwaya"}, {"Takeshi Iwaye"}]
    names = link_people([*known, {"Takeshi Iwaja"}], {}, fresh={"Takeshi Iwaja"})
    assert names["Takeshi Iwaja"] == "Takeshi Iwaya"
    # two known spellings met before stay as they were stored: only the batch's own names are new work
    linked_before = link_people(known, {}, fresh=set())
    assert linked_before["Takeshi Iwaye"] == "Takeshi Iwaye"
    assert link_people(known, {})["Takeshi Iwaye"] == "Takeshi Iwaya"


def test_roles_and_ministries():
    text = "Japanese Foreign Minister Takeshi Iwaya arrived."
    assert role_of(text, Mention(26, 39, "Takeshi Iwaya", "PER")) == "Foreign Minister of Japan"
    assert ministry_name("Japanese Ministry of Diplomacy") == "Ministry of Foreign Affairs of Japan"
    assert ministry_name("Japan's Foreign Ministry") == "Ministry of Foreign Affairs of Japan"


def test_quotes_with_trailing_and_leading_cues():
    text = (
        '"We will win this," she said. "It is certain."\n\nOfficials said the talks would resume next week in Geneva.'
    )
    quotes = find_quotes(text)
    assert [(q.kind, text[q.source[0] : q.source[1]]) for q in quotes] == [("direct", "she"), ("indirect", "Officials")]
    assert len(quotes[0].content) == 2


def test_agency_chain():
    text = "TASR informs according to the AP agency. After arriving, according to the AFP agency, he spoke."
    assert find_sources(text, [], {}) == [Attribution("TASR", "AP"), Attribution("AFP")]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "missing.jsonl: No such file or directory"),
        (b'{"id": "a", "text": "fine"}\n{broken\n', "bad.jsonl:2: not a {id, text} JSON line"),
        (b'{"id": "a", "text": "fine"}\n\xff\xfe\n', "bad.jsonl:2: not UTF-8"),
        (b'{"id": "a", "text": 5}\n', "bad.jsonl:1: not a {id, text} JSON line"),
        (b"[1, 2]\n", "bad.jsonl:1: not a {id, text} JSON line"),
    ],
)
def test_analyze_command_names_a_bad_input(tmp_path: Path, content: bytes | None, expected: str) -> None:
    from typer.testing import CliRunner

    from newsdesk.cli import app

    source = tmp_path / ("missing.jsonl" if content is None else "bad.jsonl")
    if content is not None:
        source.write_bytes(content)
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["analyze", "--input", str(source), "--output", str(out)])
    assert result.exit_code == 1
    assert expected in " ".join(result.output.split())
    assert not out.exists()
