"""The reader pages and their `.json` twins: home, story, article, entity, search, extraction health."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from newsdesk.store.search import Filters
from newsdesk.web import views
from newsdesk.web.render import render, viewer_of, web_of

router = APIRouter()
MAX_ID = 2**62
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

Page = Annotated[int, Query(ge=1, le=1000, description="Page number, from 1.")]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def clean(value: str | None) -> str | None:
    """Return user input without control characters (PostgreSQL refuses NUL), or None when empty."""
    if value is None:
        return None
    value = _CONTROL.sub("", value).strip()
    return value or None


async def filters_param(
    lang: Annotated[str | None, Query(max_length=16, description="Language code, e.g. en.")] = None,
    section: Annotated[str | None, Query(max_length=255, description="Section of the outlet.")] = None,
    domain: Annotated[str | None, Query(max_length=255, description="Outlet domain, e.g. example.com.")] = None,
) -> Filters:
    """Return the listing filters of a request."""
    return Filters(lang=clean(lang), section=clean(section), domain=clean(domain))


Filtered = Annotated[Filters, Depends(filters_param)]


# Where a page is rendered. Reads of a list, a story, an article or a search are a few indexed queries, 1-10 ms
# in all: they run on the event loop. In threads they fought the loop for the GIL, and under load a cache miss
# took 100-190 ms while it needed a few (bench/web.py, p99 with the page cache: article 100 -> 12 ms on SQLite and
# 115 -> 43 ms on PostgreSQL; search on PostgreSQL 162 -> 71 ms). Entity pages on PostgreSQL aggregate over every
# mention of a name and may wait on the server longer, so they wait in a thread while the loop serves other
# readers; the health page scans a table on either backend.
ON_LOOP: frozenset[str] = frozenset()
THREAD_ON_POSTGRESQL = frozenset({"postgresql"})
THREAD_ALWAYS = frozenset({"sqlite", "postgresql"})


def _render_page(request: Request, template: str, build: Any, *args: Any) -> Response:
    try:
        context = build(web_of(request).store, *args)
    except views.NotFound as exc:
        raise HTTPException(404, str(exc)) from exc
    return render(request, template, context, forms=False)


async def _page(
    request: Request, template: str, build: Any, *args: Any, thread_on: frozenset[str] = ON_LOOP
) -> Response:
    if web_of(request).store.backend in thread_on:
        return await run_in_threadpool(_render_page, request, template, build, *args)
    return _render_page(request, template, build, *args)


@router.get("/index.json", tags=["pages"], summary="Home: top stories and latest articles")
async def home_json(request: Request, filters: Filtered, page: Page = 1) -> Response:
    """The home page as JSON: the key stories of the day and the latest articles."""
    return await _page(request, "home.html", views.home_context, filters, page)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def home(request: Request, filters: Filtered, page: Page = 1) -> Response:
    """The home page."""
    return await _page(request, "home.html", views.home_context, filters, page)


@router.get("/story/{story_id}.json", tags=["pages"], summary="A story with its coverage")
async def story_json(request: Request, story_id: Id) -> Response:
    """A story: its articles by outlet with copies folded, timeline, entities and key quotes."""
    return await _page(request, "story.html", views.story_context, story_id)


@router.get("/story/{story_id}", response_class=HTMLResponse, include_in_schema=False)
async def story(request: Request, story_id: Id) -> Response:
    """A story page."""
    return await _page(request, "story.html", views.story_context, story_id)


@router.get("/article/{article_id}.json", tags=["pages"], summary="An article with its analysis and comments")
async def article_json(request: Request, article_id: Id) -> Response:
    """An article with body, sources, entities, quotes, related articles and visible comments."""
    return await _page(request, "article.html", views.article_context, article_id, None)


@router.get("/article/{article_id}", response_class=HTMLResponse, include_in_schema=False)
async def article(request: Request, article_id: Id) -> Response:
    """An article page."""
    return await _page(request, "article.html", views.article_context, article_id, viewer_of(request))


@router.get("/entity/{entity_id}.json", tags=["pages"], summary="A person, organisation or place")
async def entity_json(request: Request, entity_id: Id) -> Response:
    """An entity: its names, role, recent stories, articles and quotes."""
    return await _page(request, "entity.html", views.entity_context, entity_id, thread_on=THREAD_ON_POSTGRESQL)


@router.get("/entity/{entity_id}", response_class=HTMLResponse, include_in_schema=False)
async def entity(request: Request, entity_id: Id) -> Response:
    """An entity page."""
    return await _page(request, "entity.html", views.entity_context, entity_id, thread_on=THREAD_ON_POSTGRESQL)


Q = Annotated[str, Query(max_length=500, description='Words, "a phrase", -excluded, a OR b.')]


@router.get("/search.json", tags=["pages"], summary="Full-text search")
async def search_json(request: Request, filters: Filtered, q: Q = "", page: Page = 1) -> Response:
    """Articles whose headline or body match q, best first, with snippets."""
    return await _page(request, "search.html", views.search_context, clean(q) or "", filters, page)


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
async def search(request: Request, filters: Filtered, q: Q = "", page: Page = 1) -> Response:
    """The search page."""
    return await _page(request, "search.html", views.search_context, clean(q) or "", filters, page)


Days = Annotated[int, Query(ge=1, le=365, description="How many days back to look.")]


@router.get("/health.json", tags=["pages"], summary="Extraction health per site and feed")
async def health_json(request: Request, days: Days = 7) -> Response:
    """Pages that gave no article, per site and per feed, with the reasons; feeds that fail to load."""
    return await _page(request, "health.html", views.health_context, days, thread_on=THREAD_ALWAYS)


@router.get("/health", response_class=HTMLResponse, include_in_schema=False)
async def health(request: Request, days: Days = 7) -> Response:
    """The extraction health page."""
    return await _page(request, "health.html", views.health_context, days, thread_on=THREAD_ALWAYS)
