"""Health report: each wall, consent and index page of the test data gets its own status."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.extract import extract_article
from newsdesk.model import ExtractionStatus, RawPage

DATA = Path(__file__).parent / "testdata" / "extract"


def _extract(name: str, status: int = 200) -> tuple[ExtractionStatus, str]:
    page = RawPage(
        url=f"https://harbourgazette.example/{name}", html=(DATA / name).read_text(), input=name, status=status
    )
    article = extract_article(page)
    return article.status, article.reason


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("paywall.html", ExtractionStatus.PAYWALL),
        ("consent.html", ExtractionStatus.CONSENT),
        ("bot-wall.html", ExtractionStatus.BOT_WALL),
        ("index.html", ExtractionStatus.NOT_ARTICLE),
        ("site-a/page1.html", ExtractionStatus.OK),
    ],
)
def test_status(name: str, expected: ExtractionStatus) -> None:
    status, reason = _extract(name)
    assert status == expected
    assert bool(reason) == (expected != ExtractionStatus.OK)


def test_http_429_is_a_bot_wall() -> None:
    assert _extract("site-a/page2.html", status=429)[0] == ExtractionStatus.BOT_WALL


def test_empty_page() -> None:
    article = extract_article(RawPage(url="https://x.example/a", html="<html><body></body></html>", input="a"))
    assert article.status == ExtractionStatus.EMPTY
    assert article.reason
