"""Helpers for the web tests: a seeded site (a story with a syndicated copy, entities, quotes, hostile pages)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import insert

from newsdesk.model import Article, Attribution, Entity, Image, Mention, Quote
from newsdesk.settings import load
from newsdesk.store import Store
from newsdesk.store.tables import stories
from newsdesk.text import content_hash
from newsdesk.web.app import create_app
from newsdesk.web.cache import PageCache
from newsdesk.web.security import Limits, hash_password

HOSTILE = (
    'Intro <script>alert("body")</script> and <img src=x onerror=alert(1)> and '
    '<a href="javascript:alert(2)">click</a> end.'
)
T0 = datetime(2024, 11, 16, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Seeded:
    """Ids of what seed_site stored."""

    story_id: int
    original_id: int
    copy_id: int
    other_id: int
    hostile_id: int
    huge_id: int
    entity_id: int


def article(n: int, title: str, text: str, domain: str, **extra: object) -> Article:
    """Return an article numbered n."""
    return Article(
        url=f"https://{domain}/news/{n}",
        title=title,
        text=text,
        domain=domain,
        site_name=domain.split(".")[0].upper(),
        content_hash=content_hash(text),
        published=T0 + timedelta(minutes=n),
        lang="en",
        section="world",
        **extra,  # type: ignore[arg-type]
    )


def seed_site(store: Store, *, huge: bool = False) -> Seeded:
    """Store a small site: one story (original, a syndicated copy, another outlet), a hostile page, maybe a 2 MB one."""
    visit = "Japanese foreign minister Takeshi Iwaya arrived in Kyiv on Saturday for talks with Andrii Sybiha."
    quote_text = "We strongly condemn it"
    batch = [
        article(
            1,
            "Iwaya visits Kyiv",
            visit + "\nThe ministers discussed sanctions.",
            "tasr.sk",
            byline=("Jana Novak",),
            lead="Japan's foreign minister is in Kyiv.",
            image=Image("https://tasr.sk/img.jpg", "Iwaya in Kyiv"),
            source_links=("https://apnews.com/x",),
        ),
        article(2, "Iwaya visits Kyiv", visit + "\nThe ministers discussed sanctions. Ad.", "regional.sk"),
        article(
            3,
            "Japan pledges support to Ukraine",
            "Tokyo said it will keep helping Kyiv, Iwaya told reporters.",
            "kyodo.jp",
        ),
        article(
            4,
            '<script>alert("title")</script> Hostile headline',
            HOSTILE,
            "evil.example",
            source_links=("javascript:alert(3)", "https://ok.example/source"),
            image=Image("javascript:alert(4)", '"><script>alert(5)</script>'),
        ),
    ]
    if huge:
        batch.append(article(5, "A very long page", "word " * 400_000, "huge.example"))
    ids = [r.id for r in store.save_articles(batch)]
    with store.engine.begin() as connection:
        story_id = connection.execute(
            insert(stories)
            .values(
                label="Iwaya visits Kyiv",
                summary="Japan's foreign minister is in Kyiv.",
                first_seen=T0,
                last_update=T0 + timedelta(minutes=3),
                article_count=3,
                outlet_count=3,
                score=5.0,
            )
            .returning(stories.c.id)
        ).scalar_one()
    store.set_article_links(
        {
            ids[0]: {"story_id": story_id},
            ids[1]: {"story_id": story_id, "duplicate_of": ids[0]},
            ids[2]: {"story_id": story_id},
        }
    )
    iwaya = Entity("Takeshi Iwaya", "PER", ("Takeshi Iwaja", "Iwaya"), "Japan's foreign minister")
    analysed = replace(
        batch[0],
        mentions=(Mention(26, 39, "Takeshi Iwaya", "PER", "Takeshi Iwaya"), Mention(51, 55, "Kyiv", "LOC", "Kyiv")),
        quotes=(Quote(quote_text, "Takeshi Iwaya", "said"),),
        attributions=(Attribution("TASR", "AP"),),
    )
    store.save_analysis(ids[0], analysed, [iwaya])
    store.save_analysis(ids[2], replace(batch[2], mentions=(Mention(0, 5, "Iwaya", "PER", "Takeshi Iwaya"),)), [iwaya])
    entity_id = next(e.id for e, _n in store.entities_of_articles([ids[0]]) if e.name == "Takeshi Iwaya")
    return Seeded(story_id, ids[0], ids[1], ids[2], ids[3], ids[-1] if huge else 0, entity_id or 0)


def make_client(store: Store, limits: Limits | None = None, page_cache: PageCache | bool = True) -> TestClient:
    """Return a test client of the app over store (with its page cache, as served)."""
    settings = load(env={}, secret_key="test-secret-key")
    return TestClient(create_app(store, settings, limits=limits, page_cache=page_cache), follow_redirects=False)


def csrf_of(client: TestClient, path: str = "/login") -> str:
    """Return the CSRF token a form page hands this client."""
    page = client.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def register(client: TestClient, name: str, password: str = "correct horse battery") -> None:
    """Create an account through the form and stay signed in."""
    token = csrf_of(client, "/register")
    reply = client.post(
        "/register", data={"name": name, "password": password, "password2": password, "csrf_token": token}
    )
    assert reply.status_code == 303, reply.text


def login(client: TestClient, name: str, password: str = "correct horse battery") -> None:
    """Sign in through the form."""
    reply = client.post("/login", data={"name": name, "password": password, "csrf_token": csrf_of(client)})
    assert reply.status_code == 303, reply.text


def add_admin(store: Store, name: str = "moderator", password: str = "correct horse battery") -> None:
    """Create a moderator account."""
    store.add_user(name, hash_password(password), is_admin=True)


def post_comment(client: TestClient, article_id: int, body: str) -> int:
    """Post a comment through the article form; return its id."""
    token = csrf_of(client, f"/article/{article_id}")
    reply = client.post(f"/article/{article_id}/comments", data={"body": body, "csrf_token": token})
    assert reply.status_code == 303, reply.text
    return int(reply.headers["location"].rsplit("-", 1)[1])
