"""The places a text is about: its dateline, the places it names, and governments named by their capital."""

from __future__ import annotations

import re

from newsdesk.analyze import gazetteer
from newsdesk.model import Mention

_ACTOR = re.compile(
    r"(?:against|with|from|by|and|between|to|on)\s+$|^\s*(?:'s\b|’s\b|has|have|said|says|will|would|"
    r"is|was|did|does|had|could|warned|accused|denied|rejected|wants)\b"
)


def metonyms(text: str, mentions: list[Mention]) -> dict[int, str]:
    """Return mention start → country for capitals that stand for their government ("sanctions against Moscow")."""
    out = {}
    for m in mentions:
        country = gazetteer.capitals().get(m.entity or m.text)
        if (
            m.label == "LOC"
            and country
            and (_ACTOR.search(text[max(0, m.start - 12) : m.start]) or _ACTOR.match(text[m.end : m.end + 12]))
        ):
            out[m.start] = country
    return out


def find_places(text: str, mentions: list[Mention]) -> list[str]:
    """Return the canonical names of the places text names, in order of first mention, once each."""
    seen: dict[str, None] = {}
    actors = metonyms(text, mentions)
    for m in mentions:
        if m.label != "LOC":
            continue
        seen.setdefault(m.entity or gazetteer.place_name(m.text), None)
        if m.start in actors:
            seen.setdefault(actors[m.start], None)
    return list(seen)
