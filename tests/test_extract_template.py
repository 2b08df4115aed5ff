"""Site template learning: a block repeating on every page of a site fools trafilatura until it is learned."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from newsdesk.extract import ExtractOptions, extract_article, extract_with_body, learn_template
from newsdesk.model import RawPage

SITE = Path(__file__).parent / "testdata" / "extract" / "site-a"
PROMO = "owned by its readers through a cooperative"


def _page(path: Path) -> RawPage:
    return RawPage(url=f"https://harbourgazette.example/{path.stem}", html=path.read_text(), input=str(path))


def test_repeating_block_is_kept_before_and_stripped_after_learning() -> None:
    pages = [_page(p) for p in sorted(SITE.glob("*.html"))]
    assert PROMO in extract_article(pages[-1]).text  # the generic extractor keeps it
    prints = [extract_with_body(p)[1].fingerprints() for p in pages[:3]]
    template = learn_template("harbourgazette.example", prints)
    assert template.blocks and template.pages_seen == 3
    article = extract_article(pages[-1], ExtractOptions(templates={"harbourgazette.example": template}))
    assert PROMO not in article.text
    assert "Forecasters issued a storm warning" in article.text


def test_too_few_pages_learn_nothing() -> None:
    assert not learn_template("x.example", [["a b c d e"], ["a b c d e"]]).blocks


def test_sites_learn_and_show(tmp_path: Path) -> None:
    from newsdesk.cli import app

    db = str(tmp_path / "nd.db")
    runner = CliRunner()
    learned = runner.invoke(app, ["sites", "learn", str(SITE), "--db", db])
    assert learned.exit_code == 0, learned.output
    shown = runner.invoke(app, ["sites", "show", "harbourgazette.example", "--db", db])
    assert shown.exit_code == 0
    assert "4 pages seen" in shown.stdout
    assert "harbour gazette has served" in shown.stdout
