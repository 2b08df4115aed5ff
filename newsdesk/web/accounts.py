"""Accounts and comments: register, sign in and out, post/edit/delete a comment, moderate (hide, block).

Every POST goes through ``posted``: size cap, same-origin check and the session's CSRF token.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from newsdesk.errors import StoreError
from newsdesk.model import Comment, User
from newsdesk.web.render import render, session_of, set_session, viewer_of, web_of
from newsdesk.web.security import (
    MAX_PASSWORD,
    account_problem,
    csrf_matches,
    hash_password,
    new_session,
    verify_password,
)

router = APIRouter(include_in_schema=False)
MAX_FORM_BYTES = 64 * 1024
MAX_COMMENT = 5000
Id = Annotated[int, Path(ge=1, le=2**62)]


async def posted(request: Request) -> FormData:
    """Return the submitted form after checking its size, its origin and its CSRF token (403 if wrong)."""
    if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
        raise HTTPException(413, "form too large")
    origin = request.headers.get("origin")
    if origin and origin != "null" and origin.split("://", 1)[-1] != request.headers.get("host", ""):
        raise HTTPException(403, "cross-site form refused")
    form = await request.form(max_files=0, max_fields=20, max_part_size=MAX_FORM_BYTES)
    token = form.get("csrf_token")
    if not csrf_matches(session_of(request), token if isinstance(token, str) else None):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")
    return form


def field(form: FormData, name: str, limit: int = 1000) -> str:
    """Return one text field of a form, at most limit characters, without NUL."""
    value = form.get(name)
    return value.replace("\x00", "")[:limit] if isinstance(value, str) else ""


def local_path(value: str) -> str:
    """Return value if it is a path on this site, else '/' (no open redirects)."""
    if value.startswith("/") and not value.startswith("//") and "\\" not in value and "\n" not in value:
        return value
    return "/"


def client_ip(request: Request) -> str:
    """Return the address the request came from (the proxy's, behind one)."""
    return request.client.host if request.client else "unknown"


def see_other(path: str) -> RedirectResponse:
    """Return a 303 redirect to a local path."""
    return RedirectResponse(local_path(path), status_code=303)


def require_user(request: Request) -> User:
    """Return the signed-in user, or stop with 401."""
    user = viewer_of(request)
    if user is None:
        raise HTTPException(401, "sign in first")
    return user


def require_admin(request: Request) -> User:
    """Return the signed-in admin, or stop with 403."""
    user = require_user(request)
    if not user.is_admin:
        raise HTTPException(403, "only moderators can do this")
    return user


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:
    """The sign-in form."""
    return render(request, "login.html", {"next": local_path(next), "error": None, "name": ""})


@router.post("/login")
async def login(request: Request) -> Response:
    """Sign in with name and password."""
    form = await posted(request)
    name, password, target = field(form, "name", 64), field(form, "password", MAX_PASSWORD + 1), field(form, "next")
    web = web_of(request)
    if not web.limits.login_per_ip.hit(client_ip(request)) or not web.limits.login_per_name.hit(name.lower()):
        context = {"next": local_path(target), "error": "Too many attempts: wait a few minutes.", "name": name}
        return render(request, "login.html", context, 429)
    user = web.store.user_by_name(name)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        context = {"next": local_path(target), "error": "Wrong name or password.", "name": name}
        return render(request, "login.html", context, 401)
    if user.blocked:
        return render(request, "login.html", {"next": "/", "error": "This account is blocked.", "name": name}, 403)
    response = see_other(target or "/")
    set_session(request, response, new_session(user.id))  # a new token on sign-in: no session fixation
    return response


@router.get("/register", response_class=HTMLResponse)
def register_form(request: Request) -> Response:
    """The form that creates an account."""
    return render(request, "register.html", {"error": None, "name": ""})


@router.post("/register")
async def register(request: Request) -> Response:
    """Create an account and sign in."""
    form = await posted(request)
    name, password = field(form, "name", 64).strip(), field(form, "password", MAX_PASSWORD + 1)
    web = web_of(request)
    problem = account_problem(name, password)
    if problem is None and password != field(form, "password2", MAX_PASSWORD + 1):
        problem = "The two passwords differ."
    if problem:
        return render(request, "register.html", {"error": problem, "name": name}, 400)
    if not web.limits.register_per_ip.hit(client_ip(request)):
        return render(request, "register.html", {"error": "Too many new accounts from here.", "name": name}, 429)
    try:
        user = web.store.add_user(name, hash_password(password))
    except StoreError:
        return render(request, "register.html", {"error": "That name is taken.", "name": name}, 400)
    response = see_other("/")
    set_session(request, response, new_session(user.id))
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    """Sign out."""
    await posted(request)
    response = see_other("/")
    set_session(request, response, new_session())
    return response


def _comment_text(form: FormData) -> str:
    body = field(form, "body", MAX_COMMENT + 1).replace("\r\n", "\n").strip()
    if not body:
        raise HTTPException(400, "the comment is empty")
    if len(body) > MAX_COMMENT:
        raise HTTPException(400, f"comments are at most {MAX_COMMENT} characters")
    return body


@router.post("/article/{article_id}/comments")
async def add_comment(request: Request, article_id: Id) -> Response:
    """Post a comment on an article."""
    form = await posted(request)
    user = require_user(request)
    web = web_of(request)
    body = _comment_text(form)
    if web.store.get_article(article_id) is None:
        raise HTTPException(404, f"article {article_id} not found")
    since = datetime.now(UTC) - timedelta(seconds=web.limits.comment_window_s)
    if web.store.count_recent_comments(user.id or 0, since) >= web.limits.comments_per_account:
        raise HTTPException(429, "you are commenting too fast: wait a few minutes")
    if not web.limits.comment_per_ip.hit(client_ip(request)):
        raise HTTPException(429, "too many comments from your address: wait a few minutes")
    comment = web.store.add_comment(article_id, user.id or 0, body)
    return see_other(f"/article/{article_id}#comment-{comment.id}")


def _own_comment(request: Request, comment_id: int) -> Comment:
    user = require_user(request)
    comment = web_of(request).store.get_comment(comment_id)
    if comment is None:
        raise HTTPException(404, f"comment {comment_id} not found")
    if comment.user_id != user.id:
        raise HTTPException(403, "you can only change your own comments")
    return comment


@router.get("/comment/{comment_id}/edit", response_class=HTMLResponse)
def edit_form(request: Request, comment_id: Id) -> Response:
    """The form that edits one's own comment."""
    return render(request, "comment_edit.html", {"comment": _own_comment(request, comment_id)})


@router.post("/comment/{comment_id}/edit")
async def edit(request: Request, comment_id: Id) -> Response:
    """Change one's own comment."""
    form = await posted(request)
    comment = _own_comment(request, comment_id)
    web_of(request).store.edit_comment(comment_id, _comment_text(form))
    return see_other(f"/article/{comment.article_id}#comment-{comment_id}")


@router.post("/comment/{comment_id}/delete")
async def delete(request: Request, comment_id: Id) -> Response:
    """Delete one's own comment."""
    await posted(request)
    comment = _own_comment(request, comment_id)
    web_of(request).store.delete_comment(comment_id)
    return see_other(f"/article/{comment.article_id}#comments")


@router.post("/comment/{comment_id}/{action}")
async def moderate(request: Request, comment_id: Id, action: str) -> Response:
    """Hide or show a comment, or block or unblock its author (moderators only)."""
    await posted(request)
    require_admin(request)
    store = web_of(request).store
    comment = store.get_comment(comment_id)
    if comment is None:
        raise HTTPException(404, f"comment {comment_id} not found")
    if action in ("hide", "unhide"):
        store.hide_comment(comment_id, action == "hide")
    elif action in ("block", "unblock"):
        store.set_user_flags(comment.user_id, blocked=action == "block")
    else:
        raise HTTPException(404, f"no action {action!r}")
    return see_other(f"/article/{comment.article_id}#comments")
