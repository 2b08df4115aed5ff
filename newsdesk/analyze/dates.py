"""Relative dates ("on Saturday", "yesterday") resolved against the publication date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_RELATIVE = re.compile(
    r"\b(?:(?:on|last|this|next|since|by|until)\s+)?(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b"
    r"|\b(?:yesterday|today|tomorrow|tonight)\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class DateRef:
    """A relative date expression of a text and the day it means."""

    start: int
    end: int
    text: str
    day: date


def _resolve(expression: str, published: date) -> date:
    words = expression.lower().split()
    word = words[-1]
    if word in ("today", "tonight"):
        return published
    if word in ("yesterday", "tomorrow"):
        return published + timedelta(days=-1 if word == "yesterday" else 1)
    back = (published.weekday() - _DAYS.index(word)) % 7
    if words[0] == "next":
        return published + timedelta(days=(7 - back) % 7 or 7)
    if words[0] == "last" and back == 0:
        back = 7
    return published - timedelta(days=back)  # news speaks of the latest such day, today included


def find_dates(text: str, published: date | None) -> list[DateRef]:
    """Return the relative dates of text with the day each means; none without a publication date."""
    if published is None:
        return []
    return [DateRef(m.start(), m.end(), m.group(), _resolve(m.group(), published)) for m in _RELATIVE.finditer(text)]
