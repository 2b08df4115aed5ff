"""One canonical name per person, organisation and place, within a document and across documents."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import replace
from difflib import SequenceMatcher

from newsdesk.analyze import gazetteer
from newsdesk.analyze.roles import ministry_name
from newsdesk.model import Entity, Mention

_TITLES = frozenset("mr mrs ms dr sir president minister senator sen rep gov gen prime".split())


def _fold(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower().replace("'", "")


def _name_words(name: str) -> list[str]:
    return [w for w in _fold(name).replace(".", " ").split() if w not in _TITLES]


def org_name(surface: str) -> str:
    """Return the canonical name of an organisation ("Associated Press" → "AP")."""
    return gazetteer.organisations().get(surface) or ministry_name(surface)


_COUNTRY_BEFORE = re.compile(r"(?:^|\s)((?:[A-Z][a-z]+ )?[A-Z][a-z]+(?:['’]s)?) $")


def _with_country(text: str, m: Mention) -> str:
    before = _COUNTRY_BEFORE.search(text[max(0, m.start - 30) : m.start])
    return f"{before.group(1)} {m.text}" if before else m.text


def local_names(text: str, mentions: list[Mention]) -> list[Mention]:
    """Within one document, name short forms ("Iwaja", "Mr. Clinton") after the fullest matching mention."""
    out = []
    people = [m.text for m in mentions if m.label == "PER" and len(_name_words(m.text)) > 1]
    for m in mentions:
        if m.label == "PER":
            words = _name_words(m.text)
            full = [p for p in people if words and set(words) <= set(_name_words(p)) and p != m.text]
            name = max(full, key=len) if full else m.text
        elif m.label == "ORG":
            name = org_name(m.text)
            if name.startswith("Ministry") and " of " not in name.removeprefix("Ministry of "):
                name = ministry_name(_with_country(text, m))  # "Japanese Ministry of Diplomacy"
        elif m.label == "LOC":
            name = gazetteer.place_name(m.text)
        else:
            name = m.text
        out.append(replace(m, entity=name))
    return out


def _similar(wa: list[str], wb: list[str]) -> bool:
    if abs(len(wa[-1]) - len(wb[-1])) > 2:
        return False
    surname = SequenceMatcher(None, wa[-1], wb[-1])
    # the quick upper bounds reject most pairs before the full ratio
    if surname.real_quick_ratio() < 0.8 or surname.quick_ratio() < 0.8 or surname.ratio() < 0.8:
        return False
    initial = (len(wa[0]) == 1 or len(wb[0]) == 1) and wa[0][0] == wb[0][0]
    return initial or SequenceMatcher(None, wa[0], wb[0]).ratio() >= 0.7


def link_people(
    names_by_doc: list[set[str]], roles: dict[str, Counter[str]], fresh: set[str] | None = None
) -> dict[str, str]:
    """Return spelling → canonical name for people across documents: the spelling most documents use wins.

    fresh: when given, only pairs with at least one of these names are compared (names linked in an earlier
    batch need not be compared again), so a batch costs its own names times the known ones, not known².
    """
    counts: Counter[str] = Counter(n for names in names_by_doc for n in names)
    parent = {n: n for n in counts}

    def find(n: str) -> str:
        while parent[n] != n:
            n = parent[n]
        return n

    buckets: dict[tuple[int, str], list[tuple[str, list[str]]]] = defaultdict(list)
    for n in sorted(counts):
        words = _name_words(n)
        if len(words) > 1:  # transliterations keep the surname's first letter and the number of names
            buckets[(len(words), words[-1][0])].append((n, words))
    for bucket in buckets.values():
        new_at = [j for j, (n, _) in enumerate(bucket) if fresh is None or n in fresh]
        for i, (a, wa) in enumerate(bucket):
            if fresh is None or a in fresh:
                others = bucket[i + 1 :]
            else:
                others = [bucket[j] for j in new_at[bisect_right(new_at, i) :]]
            for b, wb in others:
                agree = not (roles.get(a) and roles.get(b)) or bool(set(roles[a]) & set(roles[b]))
                if agree and _similar(wa, wb):
                    parent[find(a)] = find(b)
    groups: dict[str, list[str]] = defaultdict(list)
    for n in counts:
        groups[find(n)].append(n)
    out = {}
    for members in groups.values():
        best = max(members, key=lambda n: (counts[n], len(n), n))
        out.update({n: best for n in members})
    return out


def build_entities(mentions: list[Mention], roles: dict[str, Counter[str]]) -> list[Entity]:
    """Return one Entity per canonical name, with its spellings and most frequent role."""
    variants: dict[tuple[str, str], set[str]] = defaultdict(set)
    for m in mentions:
        if m.entity:
            variants[(m.entity, m.label)].add(m.text)
    out = []
    for (name, label), texts in sorted(variants.items()):
        role = roles.get(name, Counter()).most_common(1)
        out.append(Entity(name, label, tuple(sorted(texts)), role[0][0] if role else ""))
    return out
