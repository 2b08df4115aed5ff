"""The health report of an extraction: ok, or why not (wall, consent page, index page, too short...)."""

from __future__ import annotations

import re

import lxml.html

from newsdesk.extract.meta import PageMeta
from newsdesk.model import ExtractionStatus

_BOT = re.compile(
    r"(just a moment|checking your browser|verify(?:ing)? you are (?:a )?human|are you a robot|captcha|"
    r"unusual traffic|access denied|request (?:was )?blocked|enable javascript and cookies|attention required|"
    r"ddos protection|press (?:and hold|& hold))",
    re.I,
)
_CONSENT = re.compile(
    r"(cookies?|consent|privacy (?:settings|preferences)|accept all|reject all|manage (?:preferences|options)|"
    r"we and our partners|personalised ads|personalized ads|legitimate interest)",
    re.I,
)
_PAYWALL = re.compile(
    r"(subscribe (?:now )?to (?:continue|keep) reading|subscribers? only|for subscribers|already a subscriber|"
    r"subscribe for (?:unlimited|full) access|to continue reading|sign in to (?:continue|read)|"
    r"log in to (?:continue|read)|become a (?:member|subscriber) to|this (?:article|content) is (?:only )?"
    r"(?:available|reserved) (?:to|for) (?:subscribers|members)|premium (?:article|content))",
    re.I,
)
_CUT = re.compile(r"(…|\.\.\.|read more|continue reading|read the (?:full|rest))\s*$", re.I)


def assess(
    text: str,
    tree: lxml.html.HtmlElement | None,
    meta: PageMeta,
    http_status: int,
    min_chars: int,
) -> tuple[ExtractionStatus, str]:
    """Return the status of an extraction and a reason a person can read."""
    title = " ".join((tree.findtext(".//title") or "").split()) if tree is not None else ""
    if http_status in (403, 429, 503) or _BOT.search(title) or (len(text) < 800 and _BOT.search(text[:800])):
        why = f"HTTP {http_status}" if http_status in (403, 429, 503) else "a challenge page"
        return ExtractionStatus.BOT_WALL, f"bot wall: {why} instead of the article"
    if len(text) < 1500 and len(_CONSENT.findall(text)) >= 3:
        return ExtractionStatus.CONSENT, "a cookie or consent page instead of the article"
    paywall = _paywalled(text, meta)
    if paywall and len(text) < 1500:
        return ExtractionStatus.PAYWALL, f"subscriber wall ({paywall}); {len(text)} characters visible"
    if not text.strip():
        return ExtractionStatus.EMPTY, "no article text found"
    kind = _page_kind(meta, text, _teasers(tree) if tree is not None else 0)
    if kind:
        return ExtractionStatus.NOT_ARTICLE, kind
    if len(text) < min_chars:
        return ExtractionStatus.TOO_SHORT, f"{len(text)} characters of text (fewer than {min_chars})"
    if paywall:
        return ExtractionStatus.TRUNCATED, f"text ends at a subscriber wall ({paywall})"
    if _CUT.search(text[-60:]):
        return ExtractionStatus.TRUNCATED, "text ends with an ellipsis or a 'read more' link"
    return ExtractionStatus.OK, ""


def _paywalled(text: str, meta: PageMeta) -> str:
    free = str(meta.ld.get("isAccessibleForFree", "")).lower()
    if free in ("false", "0", "no"):
        return "isAccessibleForFree is false"
    match = _PAYWALL.search(text[-600:])
    return f'"{match.group(0)}"' if match else ""


def _teasers(tree: lxml.html.HtmlElement) -> int:
    # Headlines that are links: an index page lists many, an article at most a few related ones.
    linked = 0
    for heading in tree.iter("h2", "h3", "h4"):
        if heading.find(".//a") is not None or any(p.tag == "a" for p in heading.iterancestors()):
            linked += 1
    return linked


def _page_kind(meta: PageMeta, text: str, teasers: int) -> str:
    og_type = meta.first("og:type").lower()
    if og_type.startswith("video") and len(text) < 1000:
        return f"a video page (og:type {og_type})"
    if og_type != "article" and not meta.ld and teasers >= 5 and len(text) < 300 * teasers:
        return f"an index page: {teasers} linked headlines and no article markup"
    lines = [line for line in text.split("\n") if line.strip()]
    if og_type in ("website", "") and len(lines) >= 5 and not meta.ld:
        short = sum(1 for line in lines if len(line) < 80 and not line.rstrip().endswith((".", "!", "?", '"', "”")))
        long = sum(1 for line in lines if len(line) > 200)
        if short / len(lines) > 0.6 and long <= 1:
            return "an index page: a list of teasers, not one article"
    return ""
