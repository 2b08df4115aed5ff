"""The web application: server-rendered pages, the JSON API (OpenAPI at /docs) and one error shape."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from newsdesk.settings import Settings
from newsdesk.store import Store
from newsdesk.web.filters import register_filters
from newsdesk.web.serialize import article_json

HERE = Path(__file__).parent
PAGE_SIZE = 30


def create_app(store: Store, settings: Settings) -> FastAPI:
    """Return the newsdesk web application reading from store."""
    app = FastAPI(title="newsdesk", version="0.1.0", docs_url="/docs", openapi_url="/openapi.json")
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    register_filters(templates.env)
    app.state.store = store
    app.state.settings = settings
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    _add_error_handlers(app, templates)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, page: Annotated[int, Query(ge=1, le=10_000)] = 1) -> Any:
        articles = store.list_articles(limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
        context = {"articles": articles[:PAGE_SIZE], "page": page, "has_next": len(articles) > PAGE_SIZE}
        return templates.TemplateResponse(request, "home.html", context)

    @app.get("/article/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: int) -> Any:
        article = store.get_article(article_id)
        if article is None:
            raise HTTPException(404, f"article {article_id} not found")
        return templates.TemplateResponse(request, "article.html", {"article": article})

    @app.get("/api/articles", tags=["articles"])
    def api_articles(
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
        domain: Annotated[str | None, Query(max_length=255)] = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> dict[str, Any]:
        """Articles, newest first, optionally from one outlet and between two dates."""
        found = store.list_articles(limit=limit, offset=offset, domain=domain, since=since, until=until)
        return {"ok": True, "articles": [article_json(a) for a in found], "limit": limit, "offset": offset}

    @app.get("/api/articles/{article_id}", tags=["articles"])
    def api_article(article_id: int) -> dict[str, Any]:
        """One article with its body."""
        article = store.get_article(article_id) if -(2**62) < article_id < 2**62 else None
        if article is None:
            raise HTTPException(404, f"article {article_id} not found")
        return {"ok": True, "article": article_json(article, full=True)}

    return app


def _add_error_handlers(app: FastAPI, templates: Jinja2Templates) -> None:
    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/") or request.url.path.endswith(".json")

    def respond(request: Request, status: int, message: str, errors: list[Any]) -> Any:
        if wants_json(request):
            body = {"ok": False, "error": message, "errors": errors, "status": status}
            return JSONResponse(body, status_code=status)
        context = {"status": status, "message": message}
        return templates.TemplateResponse(request, "error.html", context, status_code=status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Any:
        return respond(request, exc.status_code, str(exc.detail), [])

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Any:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()]
        return respond(request, 400, "invalid request", errors)
