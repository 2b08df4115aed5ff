"""`newsdesk ingest` end to end on local inputs: files, folders, .gz, WARC, JSONL, and bad input."""

from __future__ import annotations

import gzip
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsdesk.cli import app
from newsdesk.store import open_store
from tests.conftest import need_shared

runner = CliRunner()


def ingest(db_url: str, *inputs: str) -> tuple[int, str]:
    result = runner.invoke(app, ["ingest", "--db", db_url, *inputs])
    return result.exit_code, result.output


def count(db_url: str) -> int:
    store = open_store(db_url, upgrade=False)
    try:
        return store.count_articles()
    finally:
        store.close()


def test_seed_page_ingested_once_even_twice(db_url: str) -> None:
    seed = str(need_shared("seed", "kyiv-visit-article.html"))
    code, output = ingest(db_url, seed)
    assert code == 0, output
    assert "1 stored" in output
    code, output = ingest(db_url, seed)
    assert code == 0 and "1 already stored" in output
    assert count(db_url) == 1
    store = open_store(db_url, upgrade=False)
    (article,) = store.list_articles()
    assert article.title == "The head of Japanese diplomacy, Takeshi Iwaja, arrived in Kyiv"
    assert "You may also like" not in article.text
    store.close()


def test_folder_of_gz_pages_is_read_recursively(tmp_path: Path) -> None:
    corpus = need_shared("corpora", "article-extraction", "dev", "html")
    nested = tmp_path / "pages" / "deeper"
    nested.mkdir(parents=True)
    for path in sorted(corpus.glob("*.html.gz"))[:6]:
        shutil.copy(path, nested / path.name)
    db_url = f"sqlite:///{tmp_path / 'n.db'}"
    code, output = ingest(db_url, str(tmp_path / "pages"))
    assert code == 0, output
    assert count(db_url) == 6


def test_bad_inputs_each_get_one_line_and_the_rest_goes_on(tmp_path: Path) -> None:
    seed = need_shared("seed", "kyiv-visit-article.html")
    good = tmp_path / "good.html"
    shutil.copy(seed, good)
    truncated = tmp_path / "cut.html.gz"
    truncated.write_bytes(gzip.compress(seed.read_bytes())[:300])
    binary = tmp_path / "image.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    huge = tmp_path / "huge.html"
    huge.write_text("<html><body><p>" + "word " * 1_100_000 + "</p></body></html>")
    missing = tmp_path / "missing.html"
    db_url = f"sqlite:///{tmp_path / 'n.db'}"
    code, output = ingest(db_url, str(truncated), str(binary), str(huge), str(missing), str(good))
    assert code == 1
    assert f"{truncated}: " in output and f"{binary}: " in output
    assert f"{huge}: " in output and "cap" in output
    assert f"{missing}: no such file" in output
    assert count(db_url) == 1


def test_invalid_utf8_is_decoded_not_fatal(tmp_path: Path) -> None:
    seed = need_shared("seed", "kyiv-visit-article.html").read_bytes()
    broken = seed.replace(b"Saturday", b"Satur\xff\xfeday")
    path = tmp_path / "broken.html"
    path.write_bytes(broken)
    db_url = f"sqlite:///{tmp_path / 'n.db'}"
    code, output = ingest(db_url, str(path))
    assert code == 0, output
    assert count(db_url) == 1


def _warc(path: Path, pages: list[tuple[str, bytes, str, int]]) -> None:
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for url, body, content_type, status in pages:
            headers = StatusAndHeaders(f"{status} OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
            writer.write_record(record)


def test_warc_ingest_keeps_html_200_and_reports_truncation(tmp_path: Path) -> None:
    seed = need_shared("seed", "kyiv-visit-article.html").read_bytes()
    wire = need_shared("seed", "story", "wire-original.html").read_bytes()
    archive = tmp_path / "news.warc.gz"
    _warc(
        archive,
        [
            ("https://a.example/seed", seed, "text/html; charset=utf-8", 200),
            ("https://a.example/logo.png", b"\x89PNG", "image/png", 200),
            ("https://a.example/gone", b"<html>gone</html>", "text/html", 404),
            ("https://b.example/wire", wire, "text/html", 200),
        ],
    )
    db_url = f"sqlite:///{tmp_path / 'n.db'}"
    code, output = ingest(db_url, str(archive))
    assert code == 0, output
    assert "2 stored" in output and "2 skipped" in output
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size - 200])
    db2 = f"sqlite:///{tmp_path / 'm.db'}"
    code, output = ingest(db2, str(cut))
    assert code == 1
    assert f"{cut}@" in output
    assert count(db2) >= 1  # the records before the damage are kept


def test_jsonl_articles_are_stored_and_bad_lines_named(tmp_path: Path) -> None:
    path = tmp_path / "articles.jsonl"
    lines = [
        json.dumps(
            {
                "url": "https://x.example/1",
                "title": "One",
                "text": "First article text.",
                "published": "2024-11-16T10:00:00+00:00",
            }
        ),
        "{not json",
        json.dumps({"url": "https://x.example/2", "title": "Two", "text": "Second article text."}),
    ]
    path.write_text("\n".join(lines) + "\n")
    db_url = f"sqlite:///{tmp_path / 'n.db'}"
    code, output = ingest(db_url, str(path))
    assert code == 1
    assert f"{path}:2: invalid JSON" in output
    assert count(db_url) == 2


def test_unknown_flag_is_a_clear_usage_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "newsdesk", "ingest", "--no-such-flag", "x"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "No such option: --no-such-flag" in result.stderr


@pytest.mark.parametrize(
    "command",
    ["run", "serve", "ingest", "extract", "fetch", "feeds", "articles", "db", "topics", "analyze", "backfill", "sites"],
)
def test_every_command_has_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_warc_offsets_name_each_record_and_reading_can_start_at_one(tmp_path: Path) -> None:
    from newsdesk.ingest.warc import iter_warc

    seed = need_shared("seed", "kyiv-visit-article.html").read_bytes()
    archive = tmp_path / "three.warc.gz"
    _warc(archive, [(f"https://a.example/{i}", seed, "text/html", 200) for i in range(3)])
    offsets = [int(item.input.rsplit("@", 1)[1]) for item in iter_warc(str(archive))]
    assert offsets[0] == 0 and offsets[0] < offsets[1] < offsets[2]
    resumed = [int(item.input.rsplit("@", 1)[1]) for item in iter_warc(str(archive), start_offset=offsets[1])]
    assert resumed == offsets[1:]


def test_run_with_a_broken_feed_list_is_one_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "feeds.opml"
    broken.write_text("<opml><body><outline")
    result = runner.invoke(app, ["run", "--db", f"sqlite:///{tmp_path / 'n.db'}", "--feeds", str(broken)])
    assert result.exit_code == 1
    assert f"{broken}: broken OPML" in result.output
