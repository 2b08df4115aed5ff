"""Named entities of one text: the model's mentions, corrected by gazetteers, datelines and document consistency."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache
from typing import TYPE_CHECKING

from newsdesk.analyze import gazetteer
from newsdesk.analyze.casing import is_caps_line
from newsdesk.model import Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc

LABELS = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
}
_LEAD = re.compile(r"^(?:the|The|THE)\s+")
_TAIL = re.compile(r"(?:\s*['’]s?|[\s,;:]+)$")
_DATELINE = re.compile(
    r"^([A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,3})(?: ?, ([A-Z][a-zA-Z.]+(?: [A-Z][a-zA-Z.]+){0,2}))?"
    r"(?= \d{4}-\d\d-\d\d| \([A-Za-z]+\)| [-—–]|,? \d{4}-)",
    re.M,
)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    lead = _LEAD.match(text[start:end])
    if lead and end - start > lead.end():
        start += lead.end()
    tail = _TAIL.search(text[start:end])
    if tail and tail.start() > 0:
        end = start + tail.start()
    return start, end


def model_mentions(text: str, doc: Doc) -> list[Mention]:
    """Return the model's entities mapped to PER/ORG/LOC/MISC, without articles and possessives."""
    out = []
    for ent in doc.ents:
        label = LABELS.get(ent.label_)
        if label is None:
            continue
        start, end = _trim(text, ent.start_char, ent.end_char)
        if end > start:
            out.append(Mention(start, end, text[start:end], label))
    return out


_ADJECTIVAL = re.compile(r"-[a-z]")
_AGENCY_TAIL = re.compile(r"\s+(?:news agency|agency|news service|newspaper|daily)$")
_NOT_NAMES = frozenset("GMT EST CET UTC CEO CFO GDP GNP CPI PPI VAT TV IPO EPS NAV MLN BLN PCT AVG NOTE".split())


def plausible(text: str, m: Mention, caps: list[tuple[int, int]], known: set[str]) -> Mention | None:
    """Return m (trimmed of "news agency") if it can be a name here, else None."""
    if not any(c.isupper() for c in m.text) or _ADJECTIVAL.match(text, m.end):
        return None  # "the defence ministry", "New York-based"
    tail = _AGENCY_TAIL.search(m.text)
    if m.label == "ORG" and tail and m.text[: tail.start()] in gazetteer.agencies():
        return Mention(m.start, m.start + tail.start(), m.text[: tail.start()], "ORG")
    if _in(caps, m.start) and m.text.lower() not in known:
        return None  # the model's guesses in shouted headlines are mostly noise
    return m


def acronym_mentions(text: str, found: list[Mention]) -> list[Mention]:
    """Label acronyms defined after a name ("Kurdistan Democratic Party (KDP)") like the name."""
    out = list(found)
    for m in found:
        defined = re.compile(r"\s*\(\s*([A-Z][A-Z&.-]{1,9})\s*\)").match(text, m.end)
        if defined and m.label in ("ORG", "LOC", "MISC"):
            new = Mention(defined.start(1), defined.end(1), defined.group(1), m.label)
            out = [x for x in out if not _overlaps(x, new)] + [new]
    return sorted(out, key=lambda m: m.start)


def _overlaps(a: Mention, b: Mention) -> bool:
    return a.start < b.end and b.start < a.end


@lru_cache(maxsize=16)  # asked for three times per text
def _caps_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        if is_caps_line(line):
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _in(spans: list[tuple[int, int]], i: int) -> bool:
    return any(s <= i < e for s, e in spans)


def gazetteer_mentions(text: str, found: list[Mention]) -> list[Mention]:
    """Add or relabel agencies, organisations and countries the model missed or mistyped."""
    caps = _caps_spans(text)
    out = list(found)
    for hit in gazetteer.find_names(text):
        surface = text[hit.start : hit.end]
        if surface.isupper() and len(surface) <= 3 and _in(caps, hit.start):
            continue  # "US" or "WHO" in a shouted headline is usually a word
        mention = Mention(hit.start, hit.end, surface, hit.label)
        clash = [m for m in out if _overlaps(m, mention)]
        if not clash:
            out.append(mention)
        elif all(m.start >= hit.start and m.end <= hit.end for m in clash):
            out = [m for m in out if m not in clash] + [mention]
        elif len(clash) == 1 and (clash[0].start, clash[0].end) == (hit.start, hit.end):
            out = [m for m in out if m is not clash[0]] + [mention]
    return sorted(out, key=lambda m: m.start)


def dateline_mentions(text: str, found: list[Mention]) -> list[Mention]:
    """Add the places of a dateline ("KYIV, Ukraine (AP) —", "LONDON 1996-08-30") as LOC."""
    out = list(found)
    head = text[:600]
    for m in _DATELINE.finditer(head):
        for group in (1, 2):
            if m.group(group) and m.group(group).upper() not in gazetteer.agencies():
                new = Mention(m.start(group), m.end(group), m.group(group), "LOC")
                out = [x for x in out if not _overlaps(x, new)] + [new]
    return sorted(out, key=lambda m: m.start)


def _words(surface: str) -> list[str]:
    return surface.split()


def consistent_mentions(text: str, found: list[Mention]) -> list[Mention]:
    """Give every occurrence of a name the label it has most often in the document, and find missed repeats."""
    caps = _caps_spans(text)
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for m in found:
        weight = 1 if _in(caps, m.start) else 2
        votes[m.text][m.label] += weight
        words = _words(m.text)
        if m.label == "PER" and len(words) > 1:
            for word in (words[0], words[-1]):  # "Wang" of "Wang Donghai", "Clinton" of "Bill Clinton"
                if word[:1].isupper() and len(word) > 2:
                    votes[word]["PER"] += 3 * weight
    for surface, counter in votes.items():
        if surface in gazetteer.countries() or surface in gazetteer.cities():
            counter["LOC"] += 3  # "Kyiv" read as a person
    labels = {s: c.most_common(1)[0][0] for s, c in votes.items()}
    relabeled = [
        m if labels.get(m.text, m.label) == m.label else Mention(m.start, m.end, m.text, labels[m.text]) for m in found
    ]
    return _add_repeats(text, relabeled, labels)


def _add_repeats(text: str, found: list[Mention], labels: dict[str, str]) -> list[Mention]:
    names = [s for s in labels if len(s) > 2 and s[0].isupper() and labels[s] != "MISC"]
    if not names:
        return found
    pattern = re.compile(
        r"(?<![\w.-])(?:" + "|".join(re.escape(s) for s in sorted(names, key=len, reverse=True)) + r")(?![\w-])"
    )
    taken = sorted((m.start, m.end) for m in found)
    out = list(found)
    for m in pattern.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        out.append(Mention(m.start(), m.end(), m.group(), labels[m.group()]))
    return sorted(out, key=lambda m: m.start)


def find_mentions(text: str, cased: str, doc: Doc) -> list[Mention]:
    """Return the named entities of text; cased is text with headlines recased, doc the model's reading of it."""
    caps = _caps_spans(text)
    found = model_mentions(text, doc)
    known = {m.text.lower() for m in found if not _in(caps, m.start)} | gazetteer.known_lower()
    found = [p for m in found if (p := plausible(text, m, caps, known))]
    found = gazetteer_mentions(cased, found)
    found = dateline_mentions(text, found)
    found = acronym_mentions(text, found)
    found = consistent_mentions(cased, found)
    return [
        m if m.text == text[m.start : m.end] else Mention(m.start, m.end, text[m.start : m.end], m.label) for m in found
    ]
