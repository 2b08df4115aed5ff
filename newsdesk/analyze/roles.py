"""Roles of people from titles and appositions ("Japanese Foreign Minister Takeshi Iwaya")."""

from __future__ import annotations

import re

from newsdesk.analyze import gazetteer
from newsdesk.model import Mention

_OFFICE = (
    r"(?:(?:Deputy|Vice|Acting|Prime|Foreign|Defen[cs]e|Finance|Interior|Economy|Economic|Justice|Health|Trade|"
    r"Energy|Home|Chief|Senior|First|Former|former)\s+){0,3}"
    r"(?:Minister|President|Chancellor|Secretary(?: of State| General)?|Governor|Mayor|Senator|Ambassador|"
    r"Spokesman|Spokeswoman|Spokesperson|King|Queen|Premier|Commissioner|Envoy|General|Leader|Speaker)"
    r"(?:\s+(?:of|for)\s+[A-Z][\w'-]+(?:\s+(?:and\s+)?[A-Z][\w'-]+){0,3})?"
)
_BEFORE = re.compile(
    rf"(?:(?P<demonym>[A-Z][a-z]+(?: [A-Z][a-z]+)??)\s+|"
    rf"(?P<country>[A-Z][a-z]+(?: [A-Z][a-z]+)??)['’]s\s+)?"
    rf"(?P<office>{_OFFICE})\s+$"
)
_AFTER = re.compile(
    rf"^,\s+(?:(?P<country>[A-Z][a-z]+(?: [A-Z][a-z]+)?)['’]s\s+|the\s+(?P<demonym>[A-Z][a-z]+)\s+)?"
    rf"(?P<office>(?i:{_OFFICE}))\b"
)
_MINISTRY_WORDS = {"Diplomacy": "Foreign Affairs", "Foreign": "Foreign Affairs", "Defense": "Defence"}


def _office(m: re.Match[str]) -> str:
    office = " ".join(w if w in ("of", "for", "and") else w[0].upper() + w[1:] for w in m.group("office").split())
    country = m.group("country")
    demonym = m.group("demonym")
    if demonym and demonym not in gazetteer.demonyms():
        office = f"{demonym} {office}"  # "Chief Executive ..." rather than a nationality
    country = gazetteer.countries().get(country or "", country) or gazetteer.demonyms().get(demonym or "")
    return f"{office} of {country}" if country and " of " not in office else office


def role_of(text: str, mention: Mention) -> str:
    """Return the office named right before or after a person's mention, or ""."""
    before = _BEFORE.search(text[max(0, mention.start - 80) : mention.start])
    if before:
        return _office(before)
    after = _AFTER.match(text[mention.end : mention.end + 80])
    return _office(after) if after else ""


_MINISTRY = re.compile(
    r"^(?:(?:the\s+)?(?P<demonym>[A-Z][a-z]+(?: [A-Z][a-z]+)?)\s+|"
    r"(?P<country>[A-Z][a-z]+(?: [A-Z][a-z]+)?)['’]s\s+)?"
    r"(?:Ministry\s+of\s+(?P<of>[A-Z][a-z]+(?:\s+(?:and\s+)?[A-Z][a-z]+)*)|"
    r"(?P<kind>[A-Z][a-z]+)\s+Ministry)$"
)


def ministry_name(surface: str) -> str:
    """Return "Ministry of Foreign Affairs of Japan" for "Japanese Ministry of Diplomacy" and its kin, else surface."""
    m = _MINISTRY.match(surface)
    if not m:
        return surface
    field = m.group("of") or m.group("kind")
    field = _MINISTRY_WORDS.get(field, field)
    country = gazetteer.countries().get(m.group("country") or "") or gazetteer.demonyms().get(m.group("demonym") or "")
    return f"Ministry of {field} of {country}" if country else f"Ministry of {field}"
