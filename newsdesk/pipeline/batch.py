"""A batch of pages or articles through the stages: extract → analyse → save → stories."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from itertools import islice

from newsdesk.analyze import AnalyzeOptions, analyze_with_entities
from newsdesk.errors import FetchError, InputError, NewsdeskError
from newsdesk.extract import ExtractOptions, SiteTemplate, extract_with_body, learn_template
from newsdesk.ingest.files import Item, is_url
from newsdesk.ingest.warc import Skipped
from newsdesk.model import Article, ExtractionStatus
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


def process_items(
    store: Store,
    items: Iterable[Item],
    *,
    extract_options: ExtractOptions | None = None,
    options: PipelineOptions | None = None,
    desk: StoryDesk | None = None,
    on_item: Callable[[], None] | None = None,
) -> Report:
    """Extract, analyse and store every page or article of items, in batches; return what happened.

    Pass a StoryDesk to keep story state across calls (a long-running service); otherwise one is
    warmed from the database when the first new article is stored.
    """
    options = options or PipelineOptions()
    holder = _DeskHolder(store, desk) if options.stories else None
    if extract_options is not None:
        options = replace(options, extract=extract_options)
    templates = load_templates(store) if options.learn_templates else {}
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
        report.add(save_articles(store, articles, options, holder))
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
    store: Store, articles: list[Article], options: PipelineOptions | None = None, desk: _DeskHolder | None = None
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
        created = analyze_new(store, created, options.analyze)
    if created and options.stories:
        (desk or _DeskHolder(store, None)).get(created).add(store, created)
    return report


def analyze_new(store: Store, articles: list[Article], options: AnalyzeOptions) -> list[Article]:
    """Analyse stored articles (entities named as in the database) and store the results."""
    known = tuple(store.known_entities())
    analysed, entities = analyze_with_entities(articles, replace(options, known_entities=known))
    for article in analysed:
        if article.id is not None:
            store.save_analysis(article.id, article, entities)
    return analysed
