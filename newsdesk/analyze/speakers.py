"""Who a quote's source mention is: a named entity, a pronoun's antecedent or an institution."""

from __future__ import annotations

import re

from newsdesk.model import Mention

_PERSONAL = frozenset("he she i".split())
_PLURAL = frozenset("they we who".split())
_LEAD = re.compile(r"^(?:the|a|an|this|that)\s+", re.I)


def _inside(mentions: list[Mention], start: int, end: int) -> list[Mention]:
    return [m for m in mentions if m.start >= start and m.end <= end and m.label in ("PER", "ORG")]


def _salient_person(text: str, mentions: list[Mention], before: int) -> str:
    """Return the person the text is about just before `before`: a sentence subject beats a nearer name."""
    people = [m for m in mentions if m.label == "PER" and m.end <= before and before - m.start < 1500]
    if not people:
        return ""
    subjects = [m for m in people if re.search(r"(?:^|[.!?\n]\s*|,\s+)$", text[max(0, m.start - 40) : m.start])]
    chosen = subjects[-1] if subjects and people[-1].start - subjects[-1].start < 600 else people[-1]
    return chosen.entity or chosen.text


def resolve_speaker(text: str, source: tuple[int, int] | None, mentions: list[Mention], last_speaker: str) -> str:
    """Return the canonical name of the speaker whose mention is text[source], or "" without a source."""
    if source is None:
        return ""
    start, end = source
    named = _inside(mentions, start, end)
    if named:
        people = [m for m in named if m.label == "PER"]
        chosen = (people or named)[0]
        return chosen.entity or chosen.text
    phrase = text[start:end].strip()
    word = phrase.lower()
    if word in _PERSONAL:
        return last_speaker or _salient_person(text, mentions, start)
    if word in _PLURAL:
        return last_speaker
    head = _LEAD.sub("", phrase).split()[-1].lower() if _LEAD.sub("", phrase).split() else ""
    institutions = [m for m in mentions if m.label == "ORG" and m.end <= start and head and head in m.text.lower()]
    if institutions and len(phrase.split()) <= 3:
        return institutions[-1].entity or institutions[-1].text
    return _LEAD.sub("", phrase)
