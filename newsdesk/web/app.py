"""The web application: server-rendered pages, their `.json` twins, feeds, accounts, one error shape."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from newsdesk.settings import Settings
from newsdesk.store import Store
from newsdesk.web import accounts, feeds, pages
from newsdesk.web.cache import PageCache, PageCacheMiddleware
from newsdesk.web.render import HERE, Web, make_templates, render, secure_headers, wants_json, web_of
from newsdesk.web.security import Limits, SessionCodec
from newsdesk.web.serialize import article_json

log = logging.getLogger(__name__)


def create_app(
    store: Store, settings: Settings, *, limits: Limits | None = None, page_cache: PageCache | bool = True
) -> FastAPI:
    """Return the newsdesk web application reading from store.

    page_cache: the shared cache of anonymous readers' pages (True: one with the default freshness; False: none).
    """
    app = FastAPI(
        title="newsdesk",
        version="0.1.0",
        docs_url="/docs",
        openapi_url="/openapi.json",
        redoc_url=None,
        description="Every page is also JSON: add `.json` to its path. Errors are `{ok, error, errors, status}`.",
    )
    app.state.store = store
    app.state.settings = settings
    app.state.web = Web(store, make_templates(), SessionCodec(settings.secret_key), limits or Limits())
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(feeds.router)  # before pages: /story/1.rss must not reach /story/{id}
    app.include_router(pages.router)
    app.include_router(accounts.router)
    _add_api(app)
    _add_error_handlers(app)
    if page_cache is True:
        page_cache = PageCache(store.content_version)
    if page_cache:
        app.state.page_cache = page_cache
        app.add_middleware(PageCacheMiddleware, cache=page_cache)
    return app


def _add_api(app: FastAPI) -> None:
    @app.get("/api/articles", tags=["articles"])
    def api_articles(
        request: Request,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
        domain: Annotated[str | None, Query(max_length=255)] = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> dict[str, Any]:
        """Articles, newest first, optionally from one outlet and between two dates."""
        store = web_of(request).store
        found = store.list_articles(limit=limit, offset=offset, domain=pages.clean(domain), since=since, until=until)
        return {"ok": True, "articles": [article_json(a) for a in found], "limit": limit, "offset": offset}

    @app.get("/api/articles/{article_id}", tags=["articles"])
    def api_article(request: Request, article_id: pages.Id) -> dict[str, Any]:
        """One article with its body."""
        article = web_of(request).store.get_article(article_id)
        if article is None:
            raise HTTPException(404, f"article {article_id} not found")
        return {"ok": True, "article": article_json(article, full=True)}


def error_response(request: Request, status: int, message: str, errors: list[Any]) -> Response:
    """Return an error as `{ok, error, errors, status}` JSON, or as an HTML page."""
    if wants_json(request):
        body = {"ok": False, "error": message, "errors": errors, "status": status}
        return secure_headers(JSONResponse(body, status_code=status))
    return render(request, "error.html", {"status": status, "message": message}, status, forms=False)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error_response(request, exc.status_code, str(exc.detail), [])

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))} for e in exc.errors()]
        return error_response(request, 400, "invalid request", errors)

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("error serving url=%s", request.url.path)
        body = {"ok": False, "error": "internal error", "errors": [], "status": 500}
        return JSONResponse(body, status_code=500)
