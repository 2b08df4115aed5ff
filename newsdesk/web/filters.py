"""Jinja2 filters for the templates: dates, paragraphs, safe links."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from jinja2 import Environment


def paragraphs(text: str) -> list[str]:
    """Return the non-empty paragraphs of a plain-text body."""
    return [line.strip() for line in text.split("\n") if line.strip()]


def nice_date(value: datetime | None) -> str:
    """Return a date a reader understands, e.g. '16 Nov 2024, 14:05 UTC'."""
    if value is None:
        return ""
    return value.strftime("%-d %b %Y, %H:%M %Z").strip().rstrip(",")


def safe_href(url: str | None) -> str:
    """Return url when it is http(s), else '#' (no javascript: or data: links ever reach a page)."""
    if url and urlsplit(url).scheme in ("http", "https"):
        return url
    return "#"


def register_filters(env: Environment) -> None:
    """Add newsdesk's filters to a Jinja2 environment."""
    env.filters["paragraphs"] = paragraphs
    env.filters["nice_date"] = nice_date
    env.filters["safe_href"] = safe_href
