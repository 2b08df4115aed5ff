"""Golden test: the seed page and the story pages extract as ../shared/seed says."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from newsdesk.extract import extract_article
from newsdesk.model import RawPage

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed"


def _need_seed() -> None:
    if not SEED.is_dir():
        reason = f"{SEED} is missing (the shared seed folder)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def _extract(path: Path):  # type: ignore[no-untyped-def]
    return extract_article(RawPage(url="", html=path.read_text(), input=str(path)))


def test_seed_page_matches_expected() -> None:
    _need_seed()
    want = json.loads((SEED / "expected.json").read_text())["extraction"]
    article = _extract(SEED / "kyiv-visit-article.html")
    assert article.title == want["title"]
    assert want["byline"] in article.byline
    assert article.published is not None and article.published.date().isoformat() == want["published"]
    assert article.site_name == want["site_name"]
    assert article.lang == want["lang"]
    assert want["source_link"] in article.source_links
    assert article.lead == want["lead"]
    for phrase in want["body_must_contain"]:
        assert phrase in article.text
    for phrase in want["body_must_not_contain"]:
        assert phrase not in article.text, phrase


@pytest.mark.parametrize("name", ["wire-original.html", "syndicated-copy.html", "other-story.html"])
def test_story_pages_drop_site_chrome(name: str) -> None:
    _need_seed()
    article = _extract(SEED / "story" / name)
    assert article.status == "ok" and article.title
    for chrome in ("More from", "Newsletter", "Sign up", "Advertisement", "All rights reserved", "Subscribe"):
        assert chrome.lower() not in article.text.lower(), chrome
