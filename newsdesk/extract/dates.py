"""Publication and update dates: declared ones first, htmldate's search last; never in the future."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta, timezone

import lxml.html
from lxml import etree

from newsdesk.extract.meta import PageMeta, ld_text

_PUBLISHED_TAGS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "article.published",
    "published_time",
    "publishdate",
    "publish-date",
    "pubdate",
    "sailthru.date",
    "parsely-pub-date",
    "dc.date.issued",
    "dc.date",
    "dcterms.date",
    "date",
    "article_date_original",
    "originalpublicationdate",
    "cxenseparse:recs:publishtime",
)
_UPDATED_TAGS = ("article:modified_time", "og:updated_time", "datemodified", "dateupdated", "last-modified")
_ITEMPROP_PUBLISHED = etree.XPath("//*[@itemprop='datePublished']")
_NUMERIC = re.compile(
    r"^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)?"
)


def parse_date(value: str) -> datetime | None:
    """Return the datetime an ISO-like string or Unix timestamp denotes, or None."""
    value = value.strip()
    if re.fullmatch(r"\d{10}(\d{3})?", value):
        return datetime.fromtimestamp(int(value[:10]), UTC)
    match = _NUMERIC.match(value)
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        parsed = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        return None
    if zone:
        parsed = parsed.replace(tzinfo=_zone(zone))
    return parsed if hour is not None else parsed.replace(tzinfo=None)


def _zone(zone: str) -> timezone:
    if zone == "Z":
        return UTC
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def find_dates(
    tree: lxml.html.HtmlElement, meta: PageMeta, url: str, now: datetime
) -> tuple[datetime | None, datetime | None]:
    """Return the publication and update dates of a page, dropping any after now."""
    published = _local(_first_valid(_published_candidates(tree, meta), now), meta)
    if published is None:
        published = _htmldate(tree, url, now)
    updated = _first_valid(_updated_candidates(meta), now)
    if updated is not None and published is not None and _naive(updated) <= _naive(published):
        updated = None
    return published, updated


def _local(found: datetime | None, meta: PageMeta) -> datetime | None:
    # Prefer the same instant in the outlet's own time zone, so that the date is the one the page shows.
    if found is None or found.tzinfo is None or found.utcoffset():
        return found
    for value in meta.all(*_PUBLISHED_TAGS):
        other = parse_date(value)
        if other is not None and other.tzinfo is not None and other.utcoffset() and other == found:
            return other
    return found


def _published_candidates(tree: lxml.html.HtmlElement, meta: PageMeta) -> Iterator[str]:
    yield ld_text(meta.ld.get("datePublished"))
    yield ld_text(meta.ld.get("dateCreated"))
    yield from meta.all(*_PUBLISHED_TAGS)
    for element in tree.iter("time"):
        if element.get("datetime") and _in_article_header(element):
            yield element.get("datetime") or ""
    for element in _ITEMPROP_PUBLISHED(tree):
        yield element.get("datetime") or element.get("content") or ""


def _updated_candidates(meta: PageMeta) -> list[str]:
    return [ld_text(meta.ld.get("dateModified")), *meta.all(*_UPDATED_TAGS)]


def _in_article_header(element: lxml.html.HtmlElement) -> bool:
    # A <time> in a list of related links dates another story; one near the byline dates this one.
    for parent in element.iterancestors():
        name = f"{parent.get('class', '')} {parent.get('id', '')}".lower()
        if parent.tag in ("li", "aside", "footer", "nav") or any(w in name for w in ("related", "comment", "sidebar")):
            return False
        if parent.tag in ("article", "header", "main", "body"):
            return True
    return True


def _first_valid(candidates: Iterable[str], now: datetime) -> datetime | None:
    for value in candidates:
        parsed = parse_date(value) if value else None
        if parsed is not None and datetime(1995, 1, 1) < _naive(parsed) <= _naive(now) + timedelta(hours=14):
            return parsed
    return None


def _naive(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _htmldate(tree: lxml.html.HtmlElement, url: str, now: datetime) -> datetime | None:
    from htmldate import find_date  # imported late: it pulls in dateparser, slow to load

    try:
        found = find_date(
            tree, url=url or None, original_date=True, extensive_search=False, max_date=now.date().isoformat()
        )
    except (ValueError, TypeError):
        return None
    return _first_valid([found], now) if found else None
