"""Jinja2 filters for the templates: dates, paragraphs, safe links, highlights, JSON-LD, comment text."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import nh3
from jinja2 import Environment
from markupsafe import Markup, escape

from newsdesk.model import Article
from newsdesk.store.search import MARK_END, MARK_START

_URL = re.compile(r"https?://[^\s<>\"']{1,2000}")
_MARKS = re.compile(f"[{MARK_START}{MARK_END}]")


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
    if url and urlsplit(url.strip()).scheme.lower() in ("http", "https") and not any(c in url for c in "\r\n\t"):
        return url.strip()
    return "#"


def highlight(marked: str) -> Markup:
    """Return search-highlighted text as HTML: everything escaped, then the match marks as <mark>."""
    parts: list[str] = []
    inside = False
    for piece in re.split(f"([{MARK_START}{MARK_END}])", marked):
        if piece == MARK_START and not inside:
            parts.append("<mark>")
            inside = True
        elif piece == MARK_END and inside:
            parts.append("</mark>")
            inside = False
        elif piece not in (MARK_START, MARK_END):
            parts.append(str(escape(piece)))
    if inside:
        parts.append("</mark>")
    return Markup("".join(parts))


def unmark(marked: str) -> str:
    """Return highlighted text without its match marks."""
    return _MARKS.sub("", marked)


def jsonld(data: dict[str, Any]) -> Markup:
    """Return data as JSON safe inside a <script> element (no '<', '>' or '&' can close it)."""
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def comment_html(body: str, links: bool = False) -> Markup:
    """Return a plain-text comment as HTML: escaped, line breaks kept, http(s) links clickable only when allowed."""
    escaped = str(escape(body))
    if links:
        escaped = _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
    # nh3 is the last word: only <a href=http(s)> and <br> survive, with rel set by nh3
    cleaned = nh3.clean(
        escaped.replace("\n", "<br>"),
        tags={"a", "br"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel="nofollow ugc noopener",
    )
    return Markup(cleaned)


def news_article_ld(article: Article, page_url: str, comment_count: int) -> dict[str, Any]:
    """Return schema.org NewsArticle data of an article page."""
    image = safe_href(article.image.url) if article.image else "#"
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:300],
        "description": (article.lead or article.text[:300]).strip(),
        "author": [{"@type": "Person", "name": name} for name in article.byline],
        "publisher": {"@type": "Organization", "name": article.site_name or article.domain},
        "url": page_url,
        "mainEntityOfPage": page_url,
        "isBasedOn": safe_href(article.url),
        "commentCount": comment_count,
    }
    optional = {
        "datePublished": article.published.isoformat() if article.published else None,
        "dateModified": (article.updated or article.published).isoformat()
        if article.updated or article.published
        else None,
        "inLanguage": article.lang or None,
        "articleSection": article.section or None,
        "image": [image] if image != "#" else None,
    }
    return data | {k: v for k, v in optional.items() if v is not None}


def register_filters(env: Environment) -> None:
    """Add newsdesk's filters to a Jinja2 environment."""
    env.filters["paragraphs"] = paragraphs
    env.filters["nice_date"] = nice_date
    env.filters["safe_href"] = safe_href
    env.filters["highlight"] = highlight
    env.filters["unmark"] = unmark
    env.filters["jsonld"] = jsonld
    env.filters["comment_html"] = comment_html
    env.globals["news_article_ld"] = news_article_ld
