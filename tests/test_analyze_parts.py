"""Unit tests of the analysis stage's rule-based parts (no model, no shared data)."""

from __future__ import annotations

from datetime import date

from newsdesk.analyze.canonical import link_people
from newsdesk.analyze.casing import recase
from newsdesk.analyze.dates import find_dates
from newsdesk.analyze.gazetteer import find_names, place_name
from newsdesk.analyze.quotes import find_quotes
from newsdesk.analyze.roles import ministry_name, role_of
from newsdesk.analyze.sources import find_sources
from newsdesk.model import Attribution, Mention


def test_relative_weekday_is_the_latest_such_day():
    found = find_dates("He arrived on Saturday and left yesterday.", date(2024, 11, 16))
    assert [(d.text, d.day) for d in found] == [("on Saturday", date(2024, 11, 16)), ("yesterday", date(2024, 11, 15))]


def test_aliases_resolve_to_one_place():
    assert place_name("DPRK") == "North Korea"
    assert place_name("Kiev") == place_name("Kyjev") == "Kyiv"
    assert [(h.label, h.name) for h in find_names("the Associated Press and NATO")] == [("ORG", "AP"), ("ORG", "NATO")]


def test_recase_keeps_offsets_and_acronyms():
    text = "NATO WARNS RUSSIA OVER UKRAINE\nbody"
    assert recase(text) == "NATO Warns Russia over Ukraine\nbody"


def test_transliterations_link_but_namesakes_stay_apart():
    names = link_people([{"Takeshi Iwaja"}, {"Takeshi Iwaya"}, {"Takeshi Iwaya"}, {"Takeshi Ishiba"}], {})
    assert names["Takeshi Iwaja"] == "Takeshi Iwaya"
    assert names["Takeshi Ishiba"] == "Takeshi Ishiba"


def test_only_pairs_with_a_fresh_name_are_compared():
    known = [{"Takeshi Iwaya"}, {"Takeshi Iwaya"}, {"Takeshi Iwaye"}]
    names = link_people([*known, {"Takeshi Iwaja"}], {}, fresh={"Takeshi Iwaja"})
    assert names["Takeshi Iwaja"] == "Takeshi Iwaya"
    # two known spellings met before stay as they were stored: only the batch's own names are new work
    linked_before = link_people(known, {}, fresh=set())
    assert linked_before["Takeshi Iwaye"] == "Takeshi Iwaye"
    assert link_people(known, {})["Takeshi Iwaye"] == "Takeshi Iwaya"


def test_roles_and_ministries():
    text = "Japanese Foreign Minister Takeshi Iwaya arrived."
    assert role_of(text, Mention(26, 39, "Takeshi Iwaya", "PER")) == "Foreign Minister of Japan"
    assert ministry_name("Japanese Ministry of Diplomacy") == "Ministry of Foreign Affairs of Japan"
    assert ministry_name("Japan's Foreign Ministry") == "Ministry of Foreign Affairs of Japan"


def test_quotes_with_trailing_and_leading_cues():
    text = (
        '"We will win this," she said. "It is certain."\n\nOfficials said the talks would resume next week in Geneva.'
    )
    quotes = find_quotes(text)
    assert [(q.kind, text[q.source[0] : q.source[1]]) for q in quotes] == [("direct", "she"), ("indirect", "Officials")]
    assert len(quotes[0].content) == 2


def test_agency_chain():
    text = "TASR informs according to the AP agency. After arriving, according to the AFP agency, he spoke."
    assert find_sources(text, [], {}) == [Attribution("TASR", "AP"), Attribution("AFP")]
