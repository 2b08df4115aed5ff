"""Parsing untrusted XML (OPML, sitemaps) without entity expansion or network access."""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from newsdesk.errors import InputError


def parse_xml(data: bytes | str, source: str, kind: str) -> Element:
    """Return the root of an XML document of this kind ("OPML", "sitemap"), refusing entity declarations."""
    try:
        return fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise InputError(f"{kind} refused: it declares XML entities ({exc})", input=source) from exc
    except ParseError as exc:
        raise InputError(f"broken {kind}: {exc}", input=source) from exc
