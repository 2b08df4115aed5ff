"""Headline, byline, section, site name, canonical URL, language, first image and cited source of a page."""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin

import lxml.html

from newsdesk.extract.blocks import same_text
from newsdesk.extract.meta import PageMeta, ld_list, ld_text
from newsdesk.model import Image
from newsdesk.text import domain_of

_SEPARATORS = re.compile(r"\s+[|–—·•:»-]\s+")
_BY = re.compile(
    r"^\s*(?:(?:analysis|opinion|story|text|words|texto)\s+)?(?:by|von|par|por|di|oleh|от|автор)\s*[:]?\s+", re.I
)
# One-letter conjunctions are lower-case only, so that a middle initial ("Sarah E. Needleman") stays.
_SPLIT = re.compile(r"\s*(?:;|,|&|\s(?i:and|und|et|dan|и)\s|\se\s|\sy\s)\s*")
_DATE_WORDS = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|june|july|"
    r"august|september|october|november|december)\b.*$",
    re.I,
)
_NOT_NAME = re.compile(
    r"(staff|editor|desk|team|news|reporter|correspondent|contributor|writer|press|agency|associated|reuters|"
    r"updated|published|posted|http|@|\d|photo|follow|twitter|email|more|view|all posts|admin|[()]|\.(?:com|org|net)\b|"
    r"\bis an?\b|guest|gast|convidado)",
    re.I,
)
_LETTER = re.compile(r"[^\W\d_]")
_SOURCE_WORDS = re.compile(r"^\s*(source|zdroj|quelle|fuente|fonte|źródło|джерело|источник)\b", re.I)
_BYLINE_CLASS = re.compile(r"(byline|author)", re.I)


def headline(tree: lxml.html.HtmlElement, meta: PageMeta, site: str) -> str:
    """Return the article's headline as shown on the page."""
    declared = html.unescape(ld_text(meta.ld.get("headline")) or meta.first("og:title", "twitter:title"))
    title_tag = " ".join((tree.findtext(".//title") or "").split())
    stripped = _strip_site(title_tag, site)
    h1s = [" ".join(h1.text_content().split()) for h1 in tree.iter("h1")]
    h1s = [t for t in h1s if t and not same_text(t, site) and not (site and t.lower().startswith(site.lower()))]
    for text in h1s:
        if same_text(text, declared) or same_text(text, stripped) or title_tag.startswith(text) and len(text) > 25:
            return text
    # One headline-sized h1 that is not the outlet's name is the headline as shown, even when og:title differs.
    if len(h1s) == 1 and _shares_words(h1s[0], declared or title_tag) and not _in_title_as_site(h1s[0], title_tag):
        return h1s[0]
    return _strip_site(declared or title_tag, site)


def _shares_words(a: str, b: str) -> bool:
    long_words = {w for w in re.findall(r"\w{4,}", a.lower())}
    return len(a.split()) >= 4 and len(long_words & set(re.findall(r"\w{4,}", b.lower()))) >= 2


def _in_title_as_site(text: str, title_tag: str) -> bool:
    parts = _SEPARATORS.split(title_tag)
    return len(parts) > 1 and any(same_text(text, p) for p in parts[1:])


def _strip_site(title: str, site: str) -> str:
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return title.strip()
    site_words = {w for w in re.findall(r"\w+", site.lower()) if len(w) > 2}
    keep = [p for p in parts if not (set(re.findall(r"\w+", p.lower())) & site_words and len(p) < 40)]
    best = max(keep or parts, key=len)
    return best.strip() if len(best) > 15 else title.strip()


def byline(tree: lxml.html.HtmlElement, meta: PageMeta, site: str) -> tuple[str, ...]:
    """Return the people who wrote the article, as a list of names."""
    candidates: list[str] = []
    by_id = {obj["@id"]: obj for obj in meta.ld_all if isinstance(obj.get("@id"), str)}
    for author in ld_list(meta.ld.get("author")):
        if isinstance(author, dict) and "name" not in author:
            author = by_id.get(str(author.get("@id")), author)
        if isinstance(author, dict) and "Organization" in str(author.get("@type", "")):
            continue
        candidates.append(ld_text(author))
    if not _names(candidates, site):
        candidates = meta.all("author", "article:author", "byl", "parsely-author", "sailthru.author", "dc.creator")
    if not _names(candidates, site):
        candidates = [_element_text(el) for el in _byline_elements(tree)]
    return _names(candidates, site)


def _byline_elements(tree: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    found = [el for el in tree.iter("a") if "author" in (el.get("rel") or "")]
    found += [el for el in tree.iterfind(".//*[@itemprop='author']")]
    if not found:
        found = [el for el in tree.iter("span", "div", "p", "a") if _BYLINE_CLASS.search(el.get("class") or "")]
    return [el for el in found if not _in_comments(el)][:6]


def _in_comments(element: lxml.html.HtmlElement) -> bool:
    return any("comment" in f"{p.get('class', '')} {p.get('id', '')}".lower() for p in element.iterancestors())


def _element_text(element: lxml.html.HtmlElement) -> str:
    name = element.find(".//*[@itemprop='name']")
    return " ".join((name if name is not None else element).text_content().split())


def _names(candidates: list[str], site: str) -> tuple[str, ...]:
    names: list[str] = []
    for candidate in candidates:
        if not candidate or candidate.startswith("http"):
            continue
        for part in _SPLIT.split(_BY.sub("", candidate)):
            part = _DATE_WORDS.sub("", _BY.sub("", part)).strip(" .,:|-")
            words = part.split()
            if not 1 <= len(words) <= 4 or _NOT_NAME.search(part) or same_text(part, site) or not _LETTER.search(part):
                continue
            if part.isupper() or part.islower():
                part = part.title()
            if part not in names:
                names.append(part)
    return tuple(names)


def site_name(meta: PageMeta, url: str) -> str:
    """Return the outlet's name, else its domain."""
    publisher = meta.ld.get("publisher")
    return meta.first("og:site_name", "application-name") or ld_text(publisher) or domain_of(url)


def section(meta: PageMeta) -> str:
    """Return the section the outlet filed the article under."""
    return meta.first("article:section", "section", "parsely-section") or ld_text(meta.ld.get("articleSection"))


def canonical(meta: PageMeta, url: str) -> str:
    """Return the page's canonical URL, made absolute."""
    found = meta.links.get("canonical") or meta.first("og:url")
    if not found:
        return ""
    absolute = urljoin(url, found) if url else found
    return absolute if absolute.startswith("http") else ""


def language(tree: lxml.html.HtmlElement, meta: PageMeta) -> str:
    """Return the declared language of the page as a two-letter code."""
    declared = (
        tree.get("lang")
        or tree.get("xml:lang")
        or ld_text(meta.ld.get("inLanguage"))
        or meta.first("og:locale", "http-equiv:content-language", "language", "content-language")
    )
    code = re.split(r"[-_]", declared.strip().lower())[0] if declared else ""
    return code if re.fullmatch(r"[a-z]{2,3}", code) else ""


def first_image(tree: lxml.html.HtmlElement, meta: PageMeta, url: str) -> Image | None:
    """Return the article's lead image with its caption when the page gives one."""
    declared = meta.first("og:image", "og:image:url", "twitter:image") or ld_text(meta.ld.get("image"))
    for figure in tree.iter("figure"):
        img = figure.find(".//img")
        caption = figure.find(".//figcaption")
        if img is None:
            continue
        src = img.get("src") or img.get("data-src") or ""
        text = " ".join(caption.text_content().split()) if caption is not None else ""
        if not declared or _same_image(src, declared):
            return Image(urljoin(url, src) if url else src, text)
    return Image(urljoin(url, declared) if url else declared) if declared else None


def _same_image(a: str, b: str) -> bool:
    def stem(src: str) -> str:
        return src.rsplit("/", 1)[-1].split("?")[0].rsplit(".", 1)[0][:40]

    return bool(a) and stem(a) == stem(b)


def source_links(tree: lxml.html.HtmlElement, page_url: str) -> tuple[str, ...]:
    """Return outbound links whose anchor text says they are the article's source ("source", "zdroj")."""
    own = domain_of(page_url)
    found: list[str] = []
    for a in tree.iter("a"):
        parent = a.getparent()
        lead_in = (parent.text or "") if parent is not None else ""
        if not (_SOURCE_WORDS.match(a.text_content()) or _SOURCE_WORDS.match(lead_in)):
            continue
        href = (a.get("href") or "").strip()
        if href.startswith("http") and domain_of(href) != own and href not in found:
            found.append(href)
    return tuple(found)
