"""Model objects → JSON-ready dicts for the API (the `.json` twin of every page) and the CLI."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from newsdesk.model import Article, Comment, User
from newsdesk.store.search import SearchHit
from newsdesk.web.filters import unmark


def iso(value: datetime | None) -> str | None:
    """Return value as ISO 8601 text, or None."""
    return value.isoformat() if value else None


def article_json(article: Article, *, full: bool = False) -> dict[str, Any]:
    """Return the public fields of an article; the body only when full."""
    data: dict[str, Any] = {
        "id": article.id,
        "url": article.url,
        "title": article.title,
        "byline": list(article.byline),
        "published": iso(article.published),
        "site_name": article.site_name,
        "domain": article.domain,
        "lang": article.lang,
        "section": article.section,
        "lead": article.lead,
        "story_id": article.story_id,
        "duplicate_of": article.duplicate_of,
    }
    if full:
        data.update(
            text=article.text,
            subheadings=list(article.subheadings),
            canonical_url=article.canonical_url,
            source_links=list(article.source_links),
            updated=iso(article.updated),
            image=jsonable(article.image),
            status=str(article.status),
        )
    return data


def comment_json(comment: Comment) -> dict[str, Any]:
    """Return the public fields of a comment."""
    return {
        "id": comment.id,
        "article_id": comment.article_id,
        "author": comment.author,
        "body": comment.body,
        "created_at": iso(comment.created_at),
        "hidden": comment.hidden,
    }


def jsonable(value: Any, *, full: bool = False) -> Any:
    """Return value (model objects, lists, dicts, dates) as JSON-ready data; article bodies only when full."""
    if isinstance(value, Article):
        return article_json(value, full=full)
    if isinstance(value, Comment):
        return comment_json(value)
    if isinstance(value, User):
        return {"id": value.id, "name": value.name, "is_admin": value.is_admin}
    if isinstance(value, SearchHit):
        return {"article": article_json(value.article), "title": unmark(value.title), "snippet": unmark(value.snippet)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v, full=full and k == "article") for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value
