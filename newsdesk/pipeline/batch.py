"""A batch of pages or articles through the stages: extract → analyse → save → stories."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from itertools import islice

from newsdesk.analyze import AnalyzeOptions, analyze_with_entities
from newsdesk.errors import FetchError, InputError, NewsdeskError
from newsdesk.extract import ExtractOptions, SiteTemplate, extract_with_body, learn_template
from newsdesk.ingest.files import Item, is_url
from newsdesk.ingest.warc import Skipped
from newsdesk.model import Article, Entity, ExtractionStatus
from newsdesk.pipeline.stories import StoryDesk
from newsdesk.store import Store
from newsdesk.store.health import PageFailure
from newsdesk.text import domain_of

log = logging.getLogger(__name__)

BATCH_SIZE = 50
# pages with some article text are kept (a reader sees what is public); the rest are failures
STORABLE = (ExtractionStatus.OK, ExtractionStatus.TOO_SHORT, ExtractionStatus.PAYWALL, ExtractionStatus.TRUNCATED)


@dataclass
class Report:
    """What a run did: counts and the errors of the items that failed."""

    seen: int = 0
    stored: int = 0
    already_stored: int = 0
    skipped: int = 0
    errors: list[NewsdeskError] = field(default_factory=list)
    skip_reasons: dict[str, int] = field(default_factory=dict)

    def add(self, other: Report) -> None:
        """Add the counts and errors of other to this report."""
        self.seen += other.seen
        self.stored += other.stored
        self.already_stored += other.already_stored
        self.skipped += other.skipped
        self.errors.extend(other.errors)
        for reason, count in other.skip_reasons.items():
            self.skip_reasons[reason] = self.skip_reasons.get(reason, 0) + count

    @property
    def failed(self) -> bool:
        """Return whether any item failed."""
        return bool(self.errors)


@dataclass(frozen=True, slots=True, kw_only=True)
class PipelineOptions:
    """Which stages run and how: extraction always; analysis, site learning, stories when asked."""

    extract: ExtractOptions = field(default_factory=ExtractOptions)
    analyze: AnalyzeOptions | None = field(default_factory=AnalyzeOptions)  # None: no analysis
    learn_templates: bool = True
    stories: bool = True  # fold copies, cluster into stories, rank


class StageCache:
    """Site templates and known entities kept across calls of process_items, for a process that runs many.

    Without one, each call loads every site template and each batch the known entities. With one,
    they are loaded once, updated at once with what this process learns and stores, and reloaded
    from the database after refresh_seconds, which brings in what other writers added meanwhile.
    """

    def __init__(self, refresh_seconds: float = 60.0) -> None:
        """Start empty: the first use loads from the database."""
        self.refresh_seconds = refresh_seconds
        self._templates: dict[str, SiteTemplate] = {}
        self._known: dict[tuple[str, str], Entity] = {}
        self._loaded_at: float | None = None

    def _refresh(self, store: Store) -> None:
        now = time.monotonic()
        if self._loaded_at is None or now - self._loaded_at >= self.refresh_seconds:
            self._templates = load_templates(store)
            self._known = {(e.name, e.label): e for e in store.known_entities()}
            self._loaded_at = now

    def templates(self, store: Store) -> dict[str, SiteTemplate]:
        """Return the site templates by domain; learn_templates' results are to be added to this dict."""
        self._refresh(store)
        return self._templates

    def known_entities(self, store: Store) -> tuple[Entity, ...]:
        """Return the known entities, those this process stored since the last reload included."""
        self._refresh(store)
        return tuple(self._known.values())

    def add_entities(self, entities: Iterable[Entity]) -> None:
        """Remember entities just stored, under their canonical names."""
        for entity in entities:
            self._known.setdefault((entity.name, entity.label), entity)


def process_items(
    store: Store,
    items: Iterable[Item],
    *,
    extract_options: ExtractOptions | None = None,
    options: PipelineOptions | None = None,
    desk: StoryDesk | None = None,
    on_item: Callable[[], None] | None = None,
    cache: StageCache | None = None,
) -> Report:
    """Extract, analyse and store every page or article of items, in batches; return what happened.

    Pass a StoryDesk to keep story state across calls (a long-running service); otherwise one is
    warmed from the database when the first new article is stored. Pass a StageCache to reuse site
    templates and known entities across calls instead of loading them again.
    """
    options = options or PipelineOptions()
    holder = _DeskHolder(store, desk) if options.stories else None
    if extract_options is not None:
        options = replace(options, extract=extract_options)
    if not options.learn_templates:
        templates: dict[str, SiteTemplate] = {}
    else:
        templates = cache.templates(store) if cache else load_templates(store)
    report = Report()
    iterator = iter(items)
    while batch := list(islice(iterator, BATCH_SIZE)):
        extract = replace(options.extract, templates={**options.extract.templates, **templates})
        articles, prints, failures = [], [], []
        for item in batch:
            report.seen += 1
            found = _to_article(item, report, extract, failures)
            if found is not None:
                articles.append(found[0])
                prints.append(found[1])
            if on_item:
                on_item()
        report.add(save_articles(store, articles, options, holder, cache))
        store.record_failures(failures)
        if options.learn_templates:
            templates.update(learn_templates(store, articles, prints))
    return report


def _to_article(
    item: Item, report: Report, options: ExtractOptions, failures: list[PageFailure]
) -> tuple[Article, list[str]] | None:
    if isinstance(item, NewsdeskError):
        report.errors.append(item)
        if is_url(item.input):  # a page that could not be fetched counts against its site's health
            failures.append(PageFailure(item.input, _fetch_status(item), item.reason, domain_of(item.input)))
        return None
    if isinstance(item, Skipped):
        report.skipped += 1
        report.skip_reasons[item.reason] = report.skip_reasons.get(item.reason, 0) + 1
        return None
    if isinstance(item, Article):
        return item, []
    article, body = extract_with_body(item, options)
    if article.status not in STORABLE:
        report.errors.append(InputError(f"{article.status}: {article.reason}", input=item.input))
        domain = article.domain or domain_of(item.url)
        failures.append(PageFailure(item.input, str(article.status), article.reason, domain, item.feed_url))
        return None
    return article, list(body.fingerprints())


def _fetch_status(error: NewsdeskError) -> str:
    if error.status in (401, 403, 429):
        return str(ExtractionStatus.BOT_WALL)
    return "fetch_error" if isinstance(error, FetchError) else str(ExtractionStatus.ERROR)


def load_templates(store: Store) -> dict[str, SiteTemplate]:
    """Return the learned template of every site."""
    return {domain: SiteTemplate(domain, frozenset(blocks)) for domain, blocks in store.site_blocks().items()}


def learn_templates(store: Store, articles: list[Article], prints: list[list[str]]) -> dict[str, SiteTemplate]:
    """Record the blocks of each extracted page and relearn its site's template; return the new templates."""
    learned: dict[str, SiteTemplate] = {}
    for article, fingerprints in zip(articles, prints, strict=True):
        if not fingerprints or not article.domain:
            continue
        record = store.add_site_page(article.domain, fingerprints)
        template = learn_template(article.domain, record.page_prints)
        if set(template.blocks) != set(record.blocks):
            store.save_site_blocks(article.domain, sorted(template.blocks))
        learned[article.domain] = template
    return learned


class _DeskHolder:
    """Warms a StoryDesk only when a batch stores something new."""

    def __init__(self, store: Store, desk: StoryDesk | None) -> None:
        self.store, self.desk = store, desk

    def get(self, just_stored: list[Article]) -> StoryDesk:
        if self.desk is None:
            self.desk = StoryDesk.warmed(self.store, before=just_stored)
        return self.desk


def save_articles(
    store: Store,
    articles: list[Article],
    options: PipelineOptions | None = None,
    desk: _DeskHolder | None = None,
    cache: StageCache | None = None,
) -> Report:
    """Store articles (each page once), analyse the new ones, then fold copies and cluster them into stories."""
    options = options or PipelineOptions()
    report = Report()
    if not articles:
        return report
    results = store.save_articles(articles)
    created = [replace(a, id=r.id) for a, r in zip(articles, results, strict=True) if r.created]
    report.stored = len(created)
    report.already_stored = len(results) - len(created)
    if created and options.analyze is not None:
        created = analyze_new(store, created, options.analyze, cache)
    if created and options.stories:
        (desk or _DeskHolder(store, None)).get(created).add(store, created)
    return report


def analyze_new(
    store: Store, articles: list[Article], options: AnalyzeOptions, cache: StageCache | None = None
) -> list[Article]:
    """Analyse stored articles (entities named as in the database) and store the results."""
    known = cache.known_entities(store) if cache else tuple(store.known_entities())
    analysed, entities = analyze_with_entities(articles, replace(options, known_entities=known))
    for article in analysed:
        if article.id is not None:
            store.save_analysis(article.id, article, entities)
    if cache:
        cache.add_entities(entities)
    return analysed
