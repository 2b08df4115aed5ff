"""``newsdesk extract``: JSON per input, .html.gz read directly, bad inputs reported and counted."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

try:
    from newsdesk.cli import app
except ModuleNotFoundError as exc:  # another engineer's command module may not be there yet
    pytest.skip(f"newsdesk.cli does not import: {exc}", allow_module_level=True)

DATA = Path(__file__).parent / "testdata" / "extract"


def _run(*args: str) -> tuple[int, list[dict], str]:
    result = CliRunner().invoke(app, ["extract", *args])
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result.exit_code, records, result.stderr


def test_jsonl_fields_and_gzip(tmp_path: Path) -> None:
    html = (DATA / "site-a" / "page1.html").read_bytes()
    gz = tmp_path / "page.html.gz"
    gz.write_bytes(gzip.compress(html))
    code, records, _ = _run(str(gz), "--format", "jsonl")
    assert code == 0
    (record,) = records
    assert record["input"] == str(gz)
    for key in ("title", "byline", "published", "text", "lang", "status", "reason", "canonical_url", "image"):
        assert key in record
    assert record["status"] == "ok"
    assert "\n" in record["text"]


def test_folder_recursive_and_bad_input_goes_on(tmp_path: Path) -> None:
    code, records, err = _run(str(DATA / "site-a"), str(tmp_path / "missing.html"))
    assert code == 1
    assert len(records) >= 3
    assert "missing.html" in err
    assert err.count("\n") == 1


def test_explain_lists_kept_and_dropped() -> None:
    code, records, _ = _run(str(DATA / "paywall.html"), "--explain")
    assert code == 0
    assert records[0]["status"] == "paywall"
    assert {"kept", "dropped"} <= set(records[0]["explain"])
