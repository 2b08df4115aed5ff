"""Deduplication: syndicated copies fold into their original; same-event rewrites do not."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.dedupe import DedupeOptions, Deduplicator, dedupe_articles, dedupe_groups, fingerprint
from newsdesk.model import Article

ORIGINAL = (
    "Senate Majority Leader Mitch McConnell and Sen. Tim Kaine introduced new legislation on Monday that would raise "
    "the legal age to purchase tobacco products nationwide to 21. The bipartisan pair, who both hail from states that "
    "have relied on tobacco as a cash crop for generations, said their proposal is driven in large part by the "
    "dramatic increase in the use of e-cigarettes and vaping devices by teenagers."
)
REWRITE = (
    "Two senators from tobacco-growing states want the minimum age for buying cigarettes and e-cigarettes raised to "
    "21 across the country, citing a surge in teen vaping; McConnell and Kaine unveiled the bill on Monday."
)
SHARED = Path(__file__).resolve().parents[2] / "shared"


def need_shared() -> Path:
    """Return ../shared, skipping (or failing under CI) when it is missing."""
    if not SHARED.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{SHARED} is missing; CI must have ../shared")
        pytest.skip(f"{SHARED} is missing (the shared corpora sit beside the repo)")
    return SHARED


def test_wire_copies_fold_into_the_original() -> None:
    copies = [
        ("McConnell and Kaine want to end tobacco sales to anyone under 21", ORIGINAL),
        ("McConnell and Kaine want to end tobacco sales - report", "WASHINGTON (Reuters) - " + ORIGINAL),
        (
            "McConnell and Kaine want to end tobacco sales to anyone under 21",
            ORIGINAL.rsplit(".", 2)[0] + ".\nTASR informs according to the AP agency.",
        ),
        (
            "Tobacco age to rise?",
            ORIGINAL.replace("legislation", "a bill").replace("dramatic", "sharp")
            + "\nLocal officials did not immediately respond to a request for comment.",
        ),
        ("McConnell, Kaine team up on tobacco", REWRITE),
    ]
    assert dedupe_groups(copies) == [0, 0, 0, 0, 4]


def test_exact_copy_and_shared_credit_line() -> None:
    finder = Deduplicator(DedupeOptions())
    credit = "The Associated Press contributed to this report."
    texts = [
        ("Floods close schools", "Heavy rain flooded the river valley and closed twelve schools on Tuesday."),
        ("Budget vote delayed", "The city council postponed its budget vote after a dispute over police funding."),
        ("Striker signs for rivals", "The league's top scorer joined the champions on a four-year contract."),
    ]
    roots = [finder.add(title, f"{text}\n{credit}")[1] for title, text in texts]
    assert roots == [0, 1, 2]
    assert finder.add("Floods close schools", f"{texts[0][1]}\n{credit}")[1] == 0


def test_fingerprint_ignores_case_and_punctuation() -> None:
    assert fingerprint("A Title", "Some text, here.")[0] == fingerprint("a title", "some text here")[0]


def test_dedupe_articles_points_copies_at_the_earliest() -> None:
    base = Article(url="https://a.example/1", title="Tobacco age", text=ORIGINAL, domain="a.example")
    early = replace(base, id=1, published=datetime(2024, 1, 1, 8, tzinfo=UTC))
    late = replace(
        base,
        id=2,
        url="https://b.example/2",
        domain="b.example",
        text="LONDON (AFP) - " + ORIGINAL,
        published=datetime(2024, 1, 1, 12, tzinfo=UTC),
    )
    other = replace(base, id=3, url="https://c.example/3", domain="c.example", text=REWRITE)
    out = dedupe_articles([late, other, early])
    assert [a.duplicate_of for a in out] == [1, None, None]


def test_near_duplicates_dev_corpus() -> None:
    import json

    shared = need_shared()
    rows = [json.loads(line) for line in (shared / "corpora/near-duplicates/dev.jsonl").open()][:1500]
    groups = dedupe_groups([(r["title"], r["text"]) for r in rows])
    labels = [r["label"] for r in rows]
    tp = fp = fn = 0
    for i in range(len(rows)):
        for j in range(i):
            same_pred, same_gold = groups[i] == groups[j], labels[i] == labels[j]
            tp += same_pred and same_gold
            fp += same_pred and not same_gold
            fn += same_gold and not same_pred
    assert 2 * tp / (2 * tp + fp + fn) >= 0.98


def test_results_do_not_depend_on_the_hash_seed() -> None:
    import json
    import subprocess
    import sys

    script = (
        "import json, sys\n"
        "from newsdesk.dedupe import dedupe_groups, fingerprint\n"
        "rows = [json.loads(line) for line in open(sys.argv[1])][:400]\n"
        "docs = [(r['title'] or '', r['text'] or '') for r in rows]\n"
        "print(json.dumps([dedupe_groups(docs), [fingerprint(*doc)[0] for doc in docs[:20]],"
        " sorted(fingerprint(*docs[0])[1])]))\n"
    )
    path = need_shared() / "corpora/near-duplicates/dev.jsonl"
    outputs = []
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", script, str(path)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[1],
        )
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1]
    assert len(set(json.loads(outputs[0])[0])) > 1


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "missing.jsonl: No such file or directory"),
        (b'{"id": "a", "text": "fine"}\n{broken\n', "bad.jsonl:2: not JSON"),
        (b'{"id": "a", "text": "fine"}\n\xff\xfe\n', "bad.jsonl:2: not UTF-8"),
        (b"[1, 2]\n", "bad.jsonl:1: not a JSON object"),
    ],
)
@pytest.mark.parametrize("command", ["dedupe", "cluster", "related"])
def test_story_commands_name_a_bad_input(tmp_path: Path, command: str, content: bytes | None, expected: str) -> None:
    from typer.testing import CliRunner

    from newsdesk.cli import app

    source = tmp_path / ("missing.jsonl" if content is None else "bad.jsonl")
    if content is not None:
        source.write_bytes(content)
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, [command, "--input", str(source), "--output", str(out)])
    assert result.exit_code == 2
    # the error box wraps long paths: compare without whitespace
    assert "".join(expected.split()) in "".join(result.output.replace("│", "").split())
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not out.exists()


def test_dedupe_names_an_output_it_cannot_write(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from newsdesk.cli import app

    source = tmp_path / "docs.jsonl"
    source.write_text('{"id": "a", "title": "t", "text": "some words"}\n', encoding="utf-8")
    out = tmp_path / "no-such-folder" / "out.jsonl"
    result = CliRunner().invoke(app, ["dedupe", "--input", str(source), "--output", str(out)])
    assert result.exit_code == 2
    assert "cannot write" in result.output


def test_related_refuses_k_below_one(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from newsdesk.cli import app

    source = tmp_path / "docs.jsonl"
    source.write_text('{"id": "a", "title": "t", "text": "some words"}\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["related", "--input", str(source), "--k", "0", "--output", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "--k" in result.output
