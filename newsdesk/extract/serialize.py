"""Plain-dict views of an extraction, for JSON output and ``--explain``."""

from __future__ import annotations

from typing import Any

from newsdesk.extract.core import ExtractOptions, extract_with_body
from newsdesk.model import Article, RawPage


def article_dict(article: Article) -> dict[str, Any]:
    """Return the extracted fields of article as a JSON-ready dict."""
    return {
        "url": article.url,
        "title": article.title,
        "byline": list(article.byline),
        "published": article.published.isoformat() if article.published else None,
        "updated": article.updated.isoformat() if article.updated else None,
        "text": article.text,
        "lead": article.lead,
        "subheadings": list(article.subheadings),
        "lang": article.lang,
        "section": article.section,
        "site_name": article.site_name,
        "domain": article.domain,
        "canonical_url": article.canonical_url,
        "source_links": list(article.source_links),
        "image": {"url": article.image.url, "caption": article.image.caption} if article.image else None,
        "status": str(article.status),
        "reason": article.reason,
    }


def explain_article(page: RawPage, options: ExtractOptions | None = None) -> dict[str, Any]:
    """Return what extraction kept and dropped from page, and why, with the resulting status."""
    article, body = extract_with_body(page, options)
    return {
        "status": str(article.status),
        "reason": article.reason,
        "kept": [d.text for d in body.decisions if d.kept and d.text],
        "dropped": [{"text": d.text[:300], "reason": d.reason} for d in body.decisions if not d.kept and d.text],
        "note": "blocks trafilatura's main-content search left out never reach this list",
    }
