"""End to end in headless Chromium: read, search, register, comment, moderate (SQLite, a real uvicorn server).

Screenshots of every page land in tests/screenshots/ (gitignored) for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsdesk.settings import load
from newsdesk.store import open_store
from newsdesk.web.app import create_app
from tests.conftest import IN_CI, served
from tests.web_fixtures import Seeded, add_admin, seed_site

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).parent / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Seeded]]:
    """A seeded site served by uvicorn on 127.0.0.1."""
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('browser') / 'site.db'}")
    seeded = seed_site(store)
    add_admin(store, "moderator", "moderator password")
    app = create_app(store, load(env={}, secret_key="browser-test-key"))
    with served(app) as url:
        yield url, seeded
    store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail(f"{CHROMIUM} is missing in CI")
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield launched
        launched.close()


def test_reader_journey_and_moderation(server: tuple[str, Seeded], browser: object) -> None:
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    base, seeded = server
    SHOTS.mkdir(exist_ok=True)
    reader = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    reader.on("pageerror", lambda exc: errors.append(str(exc)))
    reader.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))

    reader.goto(f"{base}/")
    expect(reader.locator("h1")).to_contain_text("Key topics of the day")
    assert reader.locator('link[rel="alternate"][type="application/atom+xml"]').count() == 1
    reader.screenshot(path=str(SHOTS / "01-home.png"), full_page=True)

    reader.get_by_role("link", name="Iwaya visits Kyiv").first.click()
    expect(reader).to_have_url(f"{base}/story/{seeded.story_id}")
    expect(reader.locator(".copies summary")).to_contain_text("also published by 1 outlet")
    reader.screenshot(path=str(SHOTS / "02-story.png"), full_page=True)

    reader.locator(".coverage a.headline").first.click()
    expect(reader.locator("h1")).to_be_visible()
    reader.goto(f"{base}/article/{seeded.original_id}")
    expect(reader.locator(".sources")).to_contain_text("TASR, citing AP")
    reader.screenshot(path=str(SHOTS / "03-article.png"), full_page=True)

    reader.get_by_role("link", name="Takeshi Iwaya").first.click()
    expect(reader.locator("h1")).to_have_text("Takeshi Iwaya")
    reader.screenshot(path=str(SHOTS / "04-entity.png"), full_page=True)

    reader.fill("#q", "Kyiv")
    reader.press("#q", "Enter")
    expect(reader.locator(".results mark").first).to_have_text("Kyiv")
    reader.screenshot(path=str(SHOTS / "05-search.png"), full_page=True)

    reader.goto(f"{base}/article/{seeded.hostile_id}")
    expect(reader.locator(".body")).to_contain_text('<script>alert("body")</script>')
    reader.screenshot(path=str(SHOTS / "06-hostile-article.png"), full_page=True)

    reader.goto(f"{base}/register")
    reader.fill("#name", "reader")
    reader.fill("#password", "reader password")
    reader.fill("#password2", "reader password")
    reader.get_by_role("button", name="Register").click()
    expect(reader.locator(".account")).to_contain_text("Signed in as reader")
    reader.goto(f"{base}/article/{seeded.original_id}")
    reader.fill("#comment-body", "Great report! <b>not bold</b>")
    reader.get_by_role("button", name="Post comment").click()
    comment = reader.locator(".comment-body").filter(has_text="Great report!")
    expect(comment).to_contain_text("<b>not bold</b>")
    reader.screenshot(path=str(SHOTS / "07-comment.png"), full_page=True)

    admin = browser.new_page()
    admin.goto(f"{base}/login?next=/article/{seeded.original_id}")
    admin.fill("#name", "moderator")
    admin.fill("#password", "moderator password")
    admin.get_by_role("button", name="Sign in").click()
    expect(admin).to_have_url(f"{base}/article/{seeded.original_id}")
    admin.locator(".comment").filter(has_text="Great report!").get_by_role("button", name="Hide").click()
    expect(admin.locator(".hidden-comment")).to_contain_text("hidden by a moderator")
    admin.screenshot(path=str(SHOTS / "08-moderator.png"), full_page=True)

    reader.reload()
    expect(reader.locator(".comment-body")).to_have_count(0)
    expect(reader.locator("#comments-h")).to_have_text("0 comments")
    reader.screenshot(path=str(SHOTS / "09-after-moderation.png"), full_page=True)
    assert errors == []


def test_phone_and_dark_mode_layouts(server: tuple[str, Seeded], browser: object) -> None:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    base, seeded = server
    SHOTS.mkdir(exist_ok=True)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark", is_mobile=True)
    page = phone.new_page()
    for name, path in [
        ("home", "/"),
        ("story", f"/story/{seeded.story_id}"),
        ("article", f"/article/{seeded.original_id}"),
    ]:
        page.goto(base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways on a phone ({width}px)"
        page.screenshot(path=str(SHOTS / f"10-phone-dark-{name}.png"), full_page=True)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(18, 18, 18)"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    phone.close()
