"""Turning a page's context into HTML or JSON, with the reader's session, CSRF token and security headers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates

from newsdesk.model import User
from newsdesk.store import Store
from newsdesk.web.filters import register_filters
from newsdesk.web.security import SESSION_COOKIE, SESSION_MAX_AGE, Limits, Session, SessionCodec, new_session
from newsdesk.web.serialize import jsonable

HERE = Path(__file__).parent
# no inline script runs, ever: JSON-LD is data, not script, so it needs no allowance
CSP = (
    "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'none'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@dataclass
class Web:
    """What every route needs: the store, templates, session codec and rate limits."""

    store: Store
    templates: Jinja2Templates
    sessions: SessionCodec
    limits: Limits


def make_templates() -> Jinja2Templates:
    """Return the Jinja2 templates with newsdesk's filters."""
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    register_filters(templates.env)
    return templates


def web_of(request: Request) -> Web:
    """Return the Web state of the app serving request."""
    web: Web = request.app.state.web
    return web


def wants_json(request: Request) -> bool:
    """Return whether request asks for JSON (API paths and `.json` twins)."""
    return request.url.path.startswith("/api/") or request.url.path.endswith(".json")


def session_of(request: Request) -> Session | None:
    """Return the reader's valid session, or None."""
    cached = getattr(request.state, "session", False)
    if cached is not False:
        return cached  # type: ignore[no-any-return]
    session = web_of(request).sessions.loads(request.cookies.get(SESSION_COOKIE))
    request.state.session = session
    return session


def viewer_of(request: Request) -> User | None:
    """Return the signed-in, unblocked user of request, or None."""
    cached = getattr(request.state, "viewer", False)
    if cached is not False:
        return cached  # type: ignore[no-any-return]
    session = session_of(request)
    user = None if session is None or session.user_id is None else web_of(request).store.get_user(session.user_id)
    request.state.viewer = user if user is not None and not user.blocked else None
    return request.state.viewer  # type: ignore[no-any-return]


def set_session(request: Request, response: Response, session: Session) -> None:
    """Write the signed session cookie (Secure when the site is served over HTTPS)."""
    secure = request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
    response.set_cookie(
        SESSION_COOKIE,
        web_of(request).sessions.dumps(session),
        max_age=SESSION_MAX_AGE,
        httponly=True,
        secure=secure,
        samesite="lax",
        path="/",
    )
    request.state.session = session


def secure_headers(response: Response) -> Response:
    """Add the headers that keep content from running script or being framed."""
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response.headers["X-Frame-Options"] = "DENY"
    return response


def render(
    request: Request, template: str, context: dict[str, Any], status: int = 200, *, forms: bool = True
) -> Response:
    """Return the page as HTML, or as JSON when the path ends in .json.

    forms: whether the page has forms for every reader (sign-in, register), which need a session and its CSRF
    token even before signing in. A page without (the reader pages) sets no cookie for a reader without a
    session, so that it is the same for every anonymous reader and can be shared from the page cache.
    """
    if wants_json(request):
        return secure_headers(JSONResponse({"ok": True, **jsonable(context, full=True)}, status_code=status))
    session = session_of(request)
    fresh = session is None
    if session is None and not forms:
        page = {**context, "csrf_token": "", "viewer": None, "request_path": request.url.path}
        return secure_headers(web_of(request).templates.TemplateResponse(request, template, page, status_code=status))
    if session is None:
        session = new_session()
    viewer = viewer_of(request) if not fresh else None
    page = {**context, "csrf_token": session.csrf, "viewer": viewer, "request_path": request.url.path}
    response = web_of(request).templates.TemplateResponse(request, template, page, status_code=status)
    if fresh:
        set_session(request, response, session)
    return secure_headers(response)
