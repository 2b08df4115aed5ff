"""Extract stage: a RawPage becomes an Article (body, metadata and a health status)."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import lxml.html
from lxml import etree

from newsdesk.extract import fields
from newsdesk.extract.body import Body, extract_body
from newsdesk.extract.dates import find_dates
from newsdesk.extract.health import assess
from newsdesk.extract.language import guess_language
from newsdesk.extract.lead import lead_of, subheadings_of
from newsdesk.extract.meta import PageMeta, ld_text, read_meta
from newsdesk.extract.template import SiteTemplate
from newsdesk.model import Article, ExtractionStatus, RawPage
from newsdesk.text import content_hash, domain_of

log = logging.getLogger(__name__)
# Comments and processing instructions dropped at parse time keep the text that follows them (trafilatura's parser).
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtractOptions:
    """How the extract stage behaves."""

    min_chars: int = 200
    templates: Mapping[str, SiteTemplate] = field(default_factory=dict)  # learned site templates by domain
    now: datetime | None = None  # dates after this are discarded; default: the time of extraction


def extract_article(page: RawPage, options: ExtractOptions | None = None) -> Article:
    """Return the article found in page, with a status saying whether extraction worked."""
    return extract_with_body(page, options)[0]


def extract_articles(pages: list[RawPage], options: ExtractOptions | None = None) -> list[Article]:
    """Return the article of each page, in order."""
    return [extract_article(page, options) for page in pages]


def extract_with_body(page: RawPage, options: ExtractOptions | None = None) -> tuple[Article, Body]:
    """Return the article of page and the block decisions behind its body."""
    options = options or ExtractOptions()
    tree = parse_html(page.html)
    if tree is None:
        article = Article(
            url=page.url,
            domain=domain_of(page.url),
            status=ExtractionStatus.EMPTY,
            reason="not an HTML document",
            fetched_at=page.fetched_at,
            feed_url=page.feed_url,
        )
        return article, Body("", (), None)
    meta = read_meta(tree)
    canonical = fields.canonical(meta, page.url)
    url = page.url or canonical
    domain = domain_of(canonical or url)
    site = fields.site_name(meta, url)
    title = fields.headline(tree, meta, site)
    byline = fields.byline(tree, meta, site)
    image = fields.first_image(tree, meta, url)
    sources = fields.source_links(tree, url)
    published, updated = find_dates(tree, meta, url, options.now or page.fetched_at or datetime.now(UTC))
    template = options.templates.get(domain)
    standfirst = ld_text(meta.ld.get("description")) or meta.first("og:description", "description")
    body = extract_body(tree, url, title, template.blocks if template else (), standfirst)
    status, reason = assess(body.text, tree, meta, page.status, options.min_chars)
    article = Article(
        url=url,
        title=title,
        text=body.text,
        byline=byline,
        published=published,
        updated=updated,
        lead=lead_of(body.text, meta),
        subheadings=subheadings_of(body),
        lang=fields.language(tree, meta) or guess_language(body.text),
        site_name=site,
        domain=domain,
        canonical_url=canonical,
        source_links=sources,
        section=fields.section(meta),
        image=image,
        status=status,
        reason=reason,
        content_hash=content_hash(body.text) if body.text else "",
        fetched_at=page.fetched_at,
        feed_url=page.feed_url,
    )
    return article, body


def parse_html(html: str) -> lxml.html.HtmlElement | None:
    """Return the parsed page, or None when it is not HTML at all."""
    if not html or not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html, parser=_PARSER)
    except ValueError:  # a str with an XML encoding declaration; the declaration no longer applies
        html = _XML_DECLARATION.sub("", html, count=1)
    except etree.ParserError:
        return None
    try:
        return lxml.html.document_fromstring(html, parser=_PARSER)
    except (ValueError, etree.ParserError):
        return None


def page_meta(tree: lxml.html.HtmlElement) -> PageMeta:
    """Return the declared metadata of a parsed page."""
    return read_meta(tree)
