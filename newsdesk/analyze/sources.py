"""Where an article's information comes from: agency chains ("TASR citing AP") and institutions that speak."""

from __future__ import annotations

import re
from functools import cache

from newsdesk.analyze import gazetteer
from newsdesk.model import Attribution, Entity

_VERBS = r"(?:informs|informed|reports|reported|said|says|writes|wrote|learned|learnt)?"
_CITING = r"(?:citing|according to|quoting|with reference to|referring to)"
_INSTITUTION = re.compile(
    r"\b(?:officials?|ministry|ministers?|government|spokes\w+|office|department|agency|police|"
    r"army|military|authorities|sources|statement|council|embassy|commission|court)\b",
    re.I,
)


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    names = "|".join(re.escape(n) for n in sorted(gazetteer.agencies(), key=len, reverse=True))
    agency = rf"(?:the\s+)?(?:{names})(?:\s+(?:news\s+)?agency)?"
    chain = re.compile(rf"(?P<a>{names})\s+{_VERBS}\s*,?\s*{_CITING}\s+(?P<b>{agency})(?![\w-])")
    single = re.compile(
        rf"(?:{_CITING}|told|to|by|from)\s+(?P<b>{agency})(?![\w-])|\((?P<c>{names})\)|"
        rf"(?<![\w-])(?P<d>{names})\s+(?:reported|reports|said|says|informs|informed)\b"
    )
    return chain, single


def _agency(surface: str) -> str:
    core = re.sub(r"^the\s+|\s+(?:news\s+)?agency$", "", surface.strip())
    return gazetteer.agencies().get(core, core)


def find_sources(text: str, speakers: list[tuple[str, str]], entities: dict[str, Entity]) -> list[Attribution]:
    """Return the reporting sources of text; speakers are (speaker name, source phrase) of its quotes."""
    chain, single = _patterns()
    out: dict[tuple[str, str], None] = {}
    cited = set()
    for m in chain.finditer(text):
        a, b = _agency(m.group("a")), _agency(m.group("b"))
        out.setdefault((a, b), None)
        cited.update((a, b))
    for m in single.finditer(text):
        name = _agency(m.group("b") or m.group("c") or m.group("d"))
        if name not in cited:
            out.setdefault((name, ""), None)
            cited.add(name)
    for name, phrase in speakers:
        entity = entities.get(name)
        institutional = entity.label == "ORG" if entity else bool(_INSTITUTION.search(phrase))
        if name and institutional and name not in cited:
            out.setdefault((name, ""), None)
            cited.add(name)
    return [Attribution(a, b) for a, b in out]
