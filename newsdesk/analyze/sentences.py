"""Splitting text into sentences by punctuation, without a model and never inside a quotation."""

from __future__ import annotations

import re

_END = re.compile(r"""(?<=[.!?…])["”’)]*(?=\s+["“‘(]*[A-Z0-9])|\n+""")
_ABBREV = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Adm|Prof|St|Jr|Sr|Inc|Corp|Co|Ltd|No|vs|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.N|U\.K|[A-Z])\.$"
)


def _inside_quote(text: str, start: int, end: int) -> bool:
    piece = text[start:end]
    return piece.count("“") > piece.count("”") or piece.count('"') % 2 == 1


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) of each sentence of text; a newline always ends one."""
    spans, start = [], 0
    for m in _END.finditer(text):
        newline = "\n" in m.group()
        if not newline and (
            _ABBREV.search(text, max(0, m.start() - 8), m.start()) or _inside_quote(text, start, m.start())
        ):
            continue
        end = m.start() if newline else m.end()
        if text[start:end].strip():
            spans.append(_strip(text, start, end))
        start = m.end()
    if text[start:].strip():
        spans.append(_strip(text, start, len(text)))
    return spans


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
