"""The article body: trafilatura's main-content tree, then block by block cleaning with a reason for each drop."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

import lxml.html
import trafilatura
from trafilatura.settings import Document
from trafilatura.xml import xmltotxt

from newsdesk.extract.blocks import Block, anchor_texts, blocks_of, fingerprint, is_date_line, is_furniture, same_text


@dataclass(frozen=True, slots=True)
class Decision:
    """What happened to one block of the page: kept, or dropped and why."""

    text: str
    kept: bool
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Body:
    """The cleaned body text, the per-block decisions, and trafilatura's document for its metadata."""

    text: str
    decisions: tuple[Decision, ...]
    document: Document | None

    def fingerprints(self) -> tuple[str, ...]:
        """Return the fingerprints of the blocks the generic extractor found, for learning a site's template."""
        return tuple(fingerprint(d.text) for d in self.decisions if d.text)


def extract_body(
    tree: lxml.html.HtmlElement, url: str, title: str, template: Collection[str] = (), standfirst: str = ""
) -> Body:
    """Return the cleaned article body of a parsed page; template holds block fingerprints to strip."""
    anchors = anchor_texts(tree)
    document = trafilatura.bare_extraction(tree, url=url or None, fast=True, include_comments=False)
    if not isinstance(document, Document) or document.body is None:
        return Body("", (), None)
    blocks = blocks_of(document.body, anchors)
    reasons = [_reason(block, title, template) for block in blocks]
    _drop_title_lines(blocks, reasons, title, standfirst)
    _drop_tail(blocks, reasons)
    _drop_orphan_heads(blocks, reasons)
    decisions = []
    for block, reason in zip(blocks, reasons, strict=True):
        decisions.append(Decision(block.text, not reason, reason))
        if reason:
            document.body.remove(block.element)
    text = "\n".join(line.strip() for line in xmltotxt(document.body, False).splitlines() if line.strip())
    return Body(text, tuple(decisions), document)


def _reason(block: Block, title: str, template: Collection[str]) -> str:
    if not block.text:
        return "" if block.kind in ("graphic", "table") else "empty"
    if template and fingerprint(block.text) in template:
        return "repeats across the site's pages (learned template)"
    if is_date_line(block.text):
        return "date line"
    if is_furniture(block.text):
        return "boilerplate (share, subscribe, read more, ads)"
    if block.kind == "list" and block.link_density > 0.5:
        return "list of links"
    if block.link_density > 0.7 and block.words < 40 and not _sentence(block):
        return "link"
    return ""


def _sentence(block: Block) -> bool:
    return block.words >= 8 and block.text.rstrip("\"'”’)").endswith((".", "!", "?"))


_BYLINE = re.compile(r"^(by|von|par|por|di|door|av|af)\s+\S", re.IGNORECASE)


def _drop_title_lines(blocks: list[Block], reasons: list[str], title: str, standfirst: str) -> None:
    # The headline repeats at the top of the body on most sites; it is metadata, not body. So is a
    # standfirst set as a heading; one set as the first paragraph is the article's own lead and stays.
    for index, block in enumerate(blocks[:4]):
        if reasons[index]:
            continue
        if same_text(block.text, title):
            reasons[index] = "headline"
        elif standfirst and block.kind == "head" and same_text(block.text, standfirst):
            reasons[index] = "standfirst under the headline"
        elif block.words <= 12 and _BYLINE.match(block.text) and not _sentence(block):
            reasons[index] = "byline"


def _drop_tail(blocks: list[Block], reasons: list[str]) -> None:
    # After the last real paragraph, link lists and short link lines are "more stories" promos.
    for index in range(len(blocks) - 1, -1, -1):
        block = blocks[index]
        if reasons[index] or block.kind == "head":
            continue
        if block.kind != "list" and _sentence(block):
            return
        if block.kind == "list" and block.link_density > 0.25 or block.link_density > 0.5 and block.words < 40:
            reasons[index] = "promo links after the article"
            continue
        if _sentence(block) or block.words >= 25:
            return


def _drop_orphan_heads(blocks: list[Block], reasons: list[str]) -> None:
    # A heading whose section lost every block ("You may also like", "Related") goes with it.
    for index in range(len(blocks) - 1, -1, -1):
        if blocks[index].kind != "head" or reasons[index]:
            continue
        following = _section(blocks, index)
        if following and all(reasons[i] for i in following) or (not following and index == len(blocks) - 1):
            reasons[index] = "heading of a dropped section"


def _section(blocks: list[Block], index: int) -> list[int]:
    section = []
    for later in range(index + 1, len(blocks)):
        if blocks[later].kind == "head":
            break
        section.append(later)
    return section
