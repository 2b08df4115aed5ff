"""Extract stage: a RawPage becomes an Article (trafilatura for the body, htmldate for dates)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import lxml.html
import trafilatura
from htmldate import find_date

from newsdesk.model import Article, ExtractionStatus, RawPage
from newsdesk.text import content_hash, domain_of

log = logging.getLogger(__name__)

_SOURCE_WORDS = re.compile(r"^\s*(source|zdroj|quelle|fuente|fonte|źródło|джерело|источник)\b", re.I)
_BY = re.compile(r"^\s*(by|von|par|por|di)\s+", re.I)


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtractOptions:
    """How the extract stage behaves."""

    min_chars: int = 200
    favor_precision: bool = False


def extract_article(page: RawPage, options: ExtractOptions | None = None) -> Article:
    """Return the article found in page, with a status saying whether extraction worked."""
    options = options or ExtractOptions()
    doc = trafilatura.bare_extraction(
        page.html,
        url=page.url or None,
        include_comments=False,
        favor_precision=options.favor_precision,
        with_metadata=True,
        as_dict=False,
    )
    if doc is None or not (doc.text or "").strip():
        return Article(
            url=page.url,
            domain=domain_of(page.url),
            status=ExtractionStatus.EMPTY,
            reason="no article text found",
            fetched_at=page.fetched_at,
            feed_url=page.feed_url,
        )
    text = _paragraphs(doc.text)
    tree = _parse(page.html)
    status, reason = ExtractionStatus.OK, ""
    if len(text) < options.min_chars:
        status, reason = ExtractionStatus.TOO_SHORT, f"{len(text)} characters of text"
    canonical = doc.url if doc.url and doc.url.startswith("http") else ""
    return Article(
        url=page.url or canonical,
        title=(doc.title or "").strip(),
        text=text,
        byline=_authors(doc.author),
        published=_published(page.html, doc.date, page.url),
        lead=_lead(tree, text, doc.description),
        subheadings=_subheadings(tree, text),
        lang=doc.language or _lang(tree),
        site_name=(doc.sitename or "").strip(),
        domain=domain_of(canonical or page.url),
        canonical_url=canonical,
        source_links=_source_links(tree, page.url or canonical),
        section=(doc.categories[0] if doc.categories else "") if hasattr(doc, "categories") else "",
        status=status,
        reason=reason,
        content_hash=content_hash(text),
        fetched_at=page.fetched_at,
        feed_url=page.feed_url,
    )


def extract_articles(pages: list[RawPage], options: ExtractOptions | None = None) -> list[Article]:
    """Return the article of each page, in order."""
    return [extract_article(page, options) for page in pages]


def _parse(html: str) -> lxml.html.HtmlElement | None:
    try:
        return lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return None


def _paragraphs(text: str) -> str:
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _authors(author: str | None) -> tuple[str, ...]:
    if not author:
        return ()
    parts = re.split(r"\s*(?:;|,| and | und | et | y )\s*", author)
    return tuple(_BY.sub("", p).strip() for p in parts if p.strip())


def _published(html: str, found: str | None, url: str) -> datetime | None:
    # htmldate with original_date avoids taking a "last modified" or crawl date.
    iso = find_date(html, original_date=True, outputformat="%Y-%m-%dT%H:%M:%S%z", url=url or None)
    value = iso or found
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo and parsed > datetime.now(UTC):
        return None
    return parsed


def _lead(tree: lxml.html.HtmlElement | None, text: str, description: str | None) -> str:
    first = text.split("\n", 1)[0]
    if description and description.strip() and description.strip()[:60] in text:
        return description.strip()
    return first if len(first) < 400 else ""


def _subheadings(tree: lxml.html.HtmlElement | None, text: str) -> tuple[str, ...]:
    if tree is None:
        return ()
    lines = set(text.split("\n"))
    heads = (h.text_content().strip() for h in tree.iter("h2", "h3"))
    return tuple(h for h in heads if h and h in lines)


def _lang(tree: lxml.html.HtmlElement | None) -> str:
    if tree is None:
        return ""
    return (tree.get("lang") or "").split("-")[0].lower()


def _source_links(tree: lxml.html.HtmlElement | None, page_url: str) -> tuple[str, ...]:
    """Links whose anchor text says they are the article's source ("source", "zdroj")."""
    if tree is None:
        return ()
    own = domain_of(page_url)
    found: list[str] = []
    for a in tree.iter("a"):
        href = (a.get("href") or "").strip()
        if href.startswith("http") and domain_of(href) != own and _SOURCE_WORDS.match(a.text_content()):
            if href not in found:
                found.append(href)
    return tuple(found)
