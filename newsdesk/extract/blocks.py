"""The blocks of trafilatura's body tree (paragraphs, headings, lists...) and the words that mark boilerplate."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from newsdesk.text import normalise

_WORD = re.compile(r"\w+")

# Lines that are site furniture in any article: calls to share, subscribe, read on, comment, or see ads.
_FURNITURE = re.compile(
    r"^(?:advertisement|advertising|anzeige|publicidade|publicidad|sponsored|story continues below|"
    r"continue reading|read more|read next|read also|see also|more from|more on this|related|related articles?|"
    r"related stories|recommended|you may also like|you might also like|don'?t miss|trending|most popular|"
    r"most read|top stories|latest news|also on [\w.]+|also read|share this|share on|share|tweet|email|print|"
    r"comments?|\d+ comments?|leave a comment|tags?|topics?|filed under|follow us|sign up|subscribe|"
    r"photo|image|video|getty images|ap photo|reuters)\b[\s:.!?…-]*",
    re.I,
)
_PROMPTS = re.compile(
    r"(subscribe to our|newsletter|thanks for signing up|your inbox|click here|(?:may|can) be reached at|"
    r"follow (?:him|her|them|us) on|have a tip\?|"
    r"error processing your subscription|like this story|share it with a friend|click here to|follow us on|"
    r"all rights reserved|©|copyright \d{4}|comments? (?:are|is) (?:closed|moderated)|"
    r"leave a (?:comment|reply)|your email address will not be published|save my name|"
    r"não serão aprovados|this article (?:was|has been) (?:updated|corrected)|"
    r"we may earn a commission|affiliate links?|enable javascript|"
    r"read (?:the )?(?:full|original) (?:story|article)|reporting by .{3,60}; editing by)",
    re.I,
)
# A lead-in like "Read more:" or "Also on rt.com" turns the rest of a short line into a promo of another story.
_LEAD_IN = re.compile(
    r"^(?:read more|more|also read|read also|see also|related|recommended|watch|listen|read|also on [\w.]+|"
    r"leia também|veja também|baca juga|lesen sie auch|mehr zum thema|leggi anche)\s*[:|–-]?\s",
    re.I,
)
_DATE_WORDS = frozenset(
    """updated published posted last on at am pm gmt utc bst cet cest et est edt pt pst pdt de às em
    jan january feb february mar march apr april may jun june jul july aug august sep sept september oct october
    nov november dec december monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun
    janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro
    segunda terça quarta quinta sexta sábado domingo feira atualizado publicado aktualisiert veröffentlicht
    um uhr diperbarui diterbitkan wib""".split()
)


@dataclass(slots=True)
class Block:
    """A top-level element of the body tree, with its text and how much of it is link text."""

    element: etree._Element
    kind: str
    text: str
    link_chars: int

    @property
    def words(self) -> int:
        """Return the number of word tokens."""
        return len(_WORD.findall(self.text))

    @property
    def link_density(self) -> float:
        """Return the share of the text that sits inside links."""
        return self.link_chars / max(1, len(self.text))


def anchor_texts(tree: etree._Element) -> frozenset[str]:
    """Return the texts of the page's links, whitespace collapsed."""
    found = (" ".join(a.text_content().split()) for a in tree.iter("a"))
    return frozenset(text for text in found if len(text) > 2)


def blocks_of(body: etree._Element, anchors: frozenset[str]) -> list[Block]:
    """Return the top-level blocks of a trafilatura body tree; anchors are the page's link texts."""
    found = []
    for element in body:
        text = " ".join("".join(element.itertext()).split())
        found.append(Block(element, element.tag, text, _link_chars(text, anchors)))
    return found


def _link_chars(text: str, anchors: frozenset[str]) -> int:
    if text in anchors:
        return len(text)
    if len(text) > 400:  # only short blocks and lists are ever judged by their links
        return 0
    return min(len(text), sum(len(anchor) for anchor in anchors if anchor in text))


def fingerprint(text: str) -> str:
    """Return the key a block's text is compared by across pages of one site."""
    return " ".join(_WORD.findall(normalise(text)))[:200]


def is_furniture(text: str) -> bool:
    """Return whether a short line is a call to share, subscribe, read more, or an ad label."""
    if len(text) > 200:
        return False
    match = _FURNITURE.match(text)
    if match and (match.end() == len(text) or len(text) < 90 and text[match.end() - 1 : match.end()] in ":|"):
        return True
    if len(text) < 200 and _LEAD_IN.match(text) and (":" in text[:25] or text.lower().startswith("also on")):
        return True
    return bool(_PROMPTS.search(text)) and len(text) < 160


def is_date_line(text: str) -> bool:
    """Return whether a line holds only a date or a time stamp."""
    words = _WORD.findall(text.lower())
    if not words or len(text) > 80 or not any(w.isdigit() and len(w) == 4 for w in words):
        return False
    return all(w.isdigit() or w in _DATE_WORDS for w in words)


def same_text(a: str, b: str) -> bool:
    """Return whether two short texts say the same words (case and punctuation aside)."""
    wa, wb = _WORD.findall(a.lower()), _WORD.findall(b.lower())
    if not wa or not wb:
        return False
    if wa == wb:
        return True
    shorter, longer = sorted((wa, wb), key=len)
    return len(shorter) >= 4 and len(shorter) / len(longer) > 0.8 and " ".join(shorter) in " ".join(longer)
