"""Model objects → JSON-ready dicts for the API and the CLI."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from newsdesk.model import Article


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
            section=article.section,
            updated=iso(article.updated),
            status=str(article.status),
        )
    return data
