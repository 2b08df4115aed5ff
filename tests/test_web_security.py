"""Hostile input, CSRF, authentication, moderation and rate limits of the website."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from newsdesk.store import Store
from newsdesk.web.security import Limits, RateLimit
from tests.web_fixtures import (
    Seeded,
    add_admin,
    csrf_of,
    login,
    make_client,
    post_comment,
    register,
    seed_site,
)


@pytest.fixture
def site(store: Store) -> tuple[TestClient, Seeded]:
    """A client over a seeded store."""
    return make_client(store), seed_site(store)


class _Elements(HTMLParser):
    """Collects every element and its attributes, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        if self.found and self.found[-1][0] == "script":
            self.scripts.append(data)


def no_live_script(html: str) -> None:
    """Fail when html has a script other than JSON-LD, an event handler attribute or a javascript: URL."""
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag != "script" or attrs.get("type") == "application/ld+json", attrs
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action", "formaction"):
            assert not attrs.get(name, "").strip().lower().startswith(("javascript:", "data:")), (tag, attrs)
    assert all("<" not in block for block in parser.scripts)


def test_hostile_article_renders_as_text(site: tuple[TestClient, Seeded]) -> None:
    client, seeded = site
    reply = client.get(f"/article/{seeded.hostile_id}")
    assert reply.status_code == 200
    no_live_script(reply.text)
    assert "&lt;script&gt;alert(&#34;body&#34;)&lt;/script&gt;" in reply.text
    assert 'href="https://ok.example/source"' in reply.text
    assert "script-src 'none'" in reply.headers["content-security-policy"]
    for path in ["/", "/search?q=hostile", "/feeds/top.rss"]:
        page = client.get(path)
        assert page.status_code == 200 and "<script>alert" not in page.text
    data = client.get(f"/article/{seeded.hostile_id}.json")
    assert data.headers["content-type"] == "application/json" and data.headers["x-content-type-options"] == "nosniff"


def test_two_megabyte_paragraph_renders(store: Store) -> None:
    client, seeded = make_client(store), seed_site(store, huge=True)
    reply = client.get(f"/article/{seeded.huge_id}")
    size = len(reply.text)  # asserting on the text itself would make pytest diff 2 MB
    assert reply.status_code == 200
    assert size > 2_000_000
    assert client.get("/search.json?q=word").json()["total"] >= 1


def test_comment_flow_html_is_text_and_moderation_hides_it(store: Store, site: tuple[TestClient, Seeded]) -> None:
    client, seeded = site
    register(client, "reader1")
    comment_id = post_comment(client, seeded.original_id, "<b>hi</b> <script>alert(1)</script>\nhttp://x.example")
    page = client.get(f"/article/{seeded.original_id}").text
    assert "&lt;b&gt;hi&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;<br>http://x.example" in page
    assert 'href="http://x.example"' not in page  # links are not clickable
    no_live_script(page)
    assert client.get(f"/article/{seeded.original_id}.json").json()["comment_count"] == 1
    admin = make_client(store)
    add_admin(store)
    login(admin, "moderator")
    token = csrf_of(admin, f"/article/{seeded.original_id}")
    assert admin.post(f"/comment/{comment_id}/hide", data={"csrf_token": token}).status_code == 303
    assert "alert(1)" not in client.get(f"/article/{seeded.original_id}").text
    assert "hidden by a moderator" in admin.get(f"/article/{seeded.original_id}").text
    assert client.get(f"/article/{seeded.original_id}.json").json()["comment_count"] == 0


def test_own_comment_edit_and_delete(site: tuple[TestClient, Seeded]) -> None:
    client, seeded = site
    register(client, "writer")
    comment_id = post_comment(client, seeded.original_id, "first words")
    token = csrf_of(client, f"/comment/{comment_id}/edit")
    assert (
        client.post(f"/comment/{comment_id}/edit", data={"body": "second words", "csrf_token": token}).status_code
        == 303
    )
    assert "second words" in client.get(f"/article/{seeded.original_id}").text
    assert client.post(f"/comment/{comment_id}/delete", data={"csrf_token": token}).status_code == 303
    assert "second words" not in client.get(f"/article/{seeded.original_id}").text


def test_forged_post_without_csrf_is_refused(site: tuple[TestClient, Seeded]) -> None:
    client, seeded = site
    register(client, "victim")
    reply = client.post(f"/article/{seeded.original_id}/comments", data={"body": "forged"})
    assert reply.status_code == 403
    reply = client.post(f"/article/{seeded.original_id}/comments", data={"body": "forged", "csrf_token": "guess"})
    assert reply.status_code == 403
    token = csrf_of(client, "/")
    cross = client.post(
        f"/article/{seeded.original_id}/comments",
        data={"body": "x", "csrf_token": token},
        headers={"origin": "https://evil.example"},
    )
    assert cross.status_code == 403
    assert client.post("/login", data={"name": "victim", "password": "correct horse battery"}).status_code == 403


def test_tokens_of_one_session_do_not_work_in_another(site: tuple[TestClient, Seeded], store: Store) -> None:
    client, seeded = site
    stolen = csrf_of(make_client(store))
    register(client, "someone")
    reply = client.post(f"/article/{seeded.original_id}/comments", data={"body": "x", "csrf_token": stolen})
    assert reply.status_code == 403


def test_anonymous_and_other_users_cannot_edit_or_delete(site: tuple[TestClient, Seeded], store: Store) -> None:
    client, seeded = site
    register(client, "owner")
    comment_id = post_comment(client, seeded.original_id, "mine")
    anonymous = make_client(store)
    token = csrf_of(anonymous)
    for action in ("edit", "delete"):
        assert (
            anonymous.post(f"/comment/{comment_id}/{action}", data={"body": "x", "csrf_token": token}).status_code
            == 401
        )
    other = make_client(store)
    register(other, "intruder")
    token = csrf_of(other, "/")
    for action in ("edit", "delete"):
        assert other.post(f"/comment/{comment_id}/{action}", data={"body": "x", "csrf_token": token}).status_code == 403
    assert other.get(f"/comment/{comment_id}/edit").status_code == 403
    assert "mine" in client.get(f"/article/{seeded.original_id}").text


def test_non_admin_cannot_moderate_and_blocked_user_cannot_comment(
    site: tuple[TestClient, Seeded], store: Store
) -> None:
    client, seeded = site
    register(client, "troll")
    comment_id = post_comment(client, seeded.original_id, "noise")
    token = csrf_of(client, "/")
    for action in ("hide", "block"):
        assert client.post(f"/comment/{comment_id}/{action}", data={"csrf_token": token}).status_code == 403
    admin = make_client(store)
    add_admin(store)
    login(admin, "moderator")
    assert admin.post(f"/comment/{comment_id}/block", data={"csrf_token": csrf_of(admin, "/")}).status_code == 303
    assert "noise" not in client.get(f"/article/{seeded.original_id}").text
    reply = client.post(f"/article/{seeded.original_id}/comments", data={"body": "again", "csrf_token": token})
    assert reply.status_code == 401
    fresh = make_client(store)
    reply = fresh.post(
        "/login", data={"name": "troll", "password": "correct horse battery", "csrf_token": csrf_of(fresh)}
    )
    assert reply.status_code == 403


def test_login_failures_and_rate_limits(store: Store) -> None:
    seeded = seed_site(store)
    limits = Limits(
        login_per_ip=RateLimit(100, 60),
        login_per_name=RateLimit(3, 60),
        comment_per_ip=RateLimit(100, 60),
        comments_per_account=2,
    )
    client = make_client(store, limits)
    register(client, "pat")
    client.post("/logout", data={"csrf_token": csrf_of(client, "/")})
    statuses = [
        client.post(
            "/login", data={"name": "pat", "password": "wrong password!", "csrf_token": csrf_of(client)}
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [401, 401, 401, 429]
    other = make_client(store, limits)
    register(other, "quick")
    post_comment(other, seeded.original_id, "one")
    post_comment(other, seeded.original_id, "two")
    token = csrf_of(other, "/")
    assert (
        other.post(f"/article/{seeded.original_id}/comments", data={"body": "3", "csrf_token": token}).status_code
        == 429
    )


def test_register_rejects_bad_names_passwords_and_duplicates(site: tuple[TestClient, Seeded], store: Store) -> None:
    client, _ = site
    for name, password in [("x", "long enough pw"), ("<script>", "long enough pw"), ("okname", "short")]:
        reply = client.post(
            "/register",
            data={
                "name": name,
                "password": password,
                "password2": password,
                "csrf_token": csrf_of(client, "/register"),
            },
        )
        assert reply.status_code == 400 and "<script>" not in reply.text.split("<main", 1)[1]
    register(client, "taken")
    again = make_client(store)
    reply = again.post(
        "/register",
        data={
            "name": "taken",
            "password": "another password",
            "password2": "another password",
            "csrf_token": csrf_of(again, "/register"),
        },
    )
    assert reply.status_code == 400 and "taken" in reply.text
    user = store.user_by_name("taken")
    assert user is not None and user.password_hash.startswith("$argon2id$")


def test_session_cookie_is_signed_and_http_only(site: tuple[TestClient, Seeded]) -> None:
    client, _ = site
    assert "set-cookie" not in client.get("/").headers  # a reader page needs no session: it can be shared
    reply = client.get("/login")
    cookie = reply.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert reply.headers["cache-control"] == "private, no-store"  # the page carries this reader's CSRF token
    client.cookies.set("nd_session", "forged.value.here")
    assert client.get("/").status_code == 200  # a forged cookie is just ignored


def test_open_redirects_are_refused(site: tuple[TestClient, Seeded]) -> None:
    client, _ = site
    register(client, "nav")
    client.post("/logout", data={"csrf_token": csrf_of(client, "/")})
    reply = client.post(
        "/login",
        data={
            "name": "nav",
            "password": "correct horse battery",
            "next": "//evil.example/",
            "csrf_token": csrf_of(client),
        },
    )
    assert reply.status_code == 303 and reply.headers["location"] == "/"
