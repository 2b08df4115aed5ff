"""The page's declared metadata in one pass: meta tags, JSON-LD objects, and a few well-known elements."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import lxml.html

_ARTICLE_TYPES = re.compile(r"(Article|Posting|Report|BlogPosting|NewsArticle|WebPage)$")


@dataclass(slots=True)
class PageMeta:
    """Meta tag contents by lower-cased name/property, and the article-like JSON-LD object if any."""

    tags: dict[str, list[str]] = field(default_factory=dict)
    ld: dict[str, Any] = field(default_factory=dict)
    ld_all: list[dict[str, Any]] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)

    def first(self, *names: str) -> str:
        """Return the first non-empty content among the named meta tags."""
        for name in names:
            for value in self.tags.get(name, ()):
                if value.strip():
                    return value.strip()
        return ""

    def all(self, *names: str) -> list[str]:
        """Return every non-empty content of the named meta tags, in order."""
        return [v.strip() for name in names for v in self.tags.get(name, ()) if v.strip()]


def read_meta(tree: lxml.html.HtmlElement) -> PageMeta:
    """Return the meta tags, link relations and article JSON-LD of a parsed page."""
    meta = PageMeta()
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        if key and element.get("content") is not None:
            meta.tags.setdefault(key, []).append(element.get("content") or "")
        equiv = (element.get("http-equiv") or "").lower()
        if equiv and element.get("content"):
            meta.tags.setdefault(f"http-equiv:{equiv}", []).append(element.get("content") or "")
    for element in tree.iter("link"):
        rel = (element.get("rel") or "").lower()
        if rel and element.get("href") and rel not in meta.links:
            meta.links[rel] = element.get("href") or ""
    meta.ld_all = list(_json_ld(tree))
    articles = [obj for obj in meta.ld_all if any(_ARTICLE_TYPES.search(t) for t in _types(obj))]
    articles.sort(key=lambda obj: not any(t.endswith("Article") or t == "BlogPosting" for t in _types(obj)))
    meta.ld = articles[0] if articles else {}
    return meta


def ld_text(value: Any) -> str:
    """Return a JSON-LD value as text: a string, the name of an object, or the first of a list."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return ld_text(value.get("name") or value.get("@value") or "")
    if isinstance(value, list) and value:
        return ld_text(value[0])
    return ""


def ld_list(value: Any) -> list[Any]:
    """Return a JSON-LD value as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _types(obj: dict[str, Any]) -> list[str]:
    return [t for t in ld_list(obj.get("@type")) if isinstance(t, str)]


def _json_ld(tree: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            continue
        yield from _objects(data)


def _objects(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _objects(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _objects(data["@graph"])
        main = data.get("mainEntity") or data.get("mainEntityOfPage")
        if isinstance(main, dict) and "@type" in main:
            yield from _objects(main)
