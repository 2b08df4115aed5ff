"""The one orchestrator: pages flow ingest → extract → analyse → save → dedupe/cluster → rank.

It is the only module that calls both the stages and the store. One item's NewsdeskError never
stops a batch: it is recorded in the report (and on the feed row) and the batch goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from itertools import islice

from newsdesk.analyze import AnalyzeOptions, analyze_with_entities
from newsdesk.errors import InputError, NewsdeskError
from newsdesk.extract import ExtractOptions, SiteTemplate, extract_with_body, learn_template
from newsdesk.ingest.feeds import ParsedFeed, parse_any
from newsdesk.ingest.fetch import Fetcher
from newsdesk.ingest.files import Item, expand_paths, is_url, iter_file
from newsdesk.ingest.warc import Skipped
from newsdesk.model import Article, ExtractionStatus, Feed, RawPage
from newsdesk.store import Store

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


def process_items(
    store: Store,
    items: Iterable[Item],
    *,
    extract_options: ExtractOptions | None = None,
    options: PipelineOptions | None = None,
    on_item: Callable[[], None] | None = None,
) -> Report:
    """Extract, analyse and store every page or article of items, in batches; return what happened."""
    options = options or PipelineOptions()
    if extract_options is not None:
        options = replace(options, extract=extract_options)
    templates = load_templates(store) if options.learn_templates else {}
    report = Report()
    iterator = iter(items)
    while batch := list(islice(iterator, BATCH_SIZE)):
        extract = replace(options.extract, templates={**options.extract.templates, **templates})
        articles, prints = [], []
        for item in batch:
            report.seen += 1
            found = _to_article(item, report, extract)
            if found is not None:
                articles.append(found[0])
                prints.append(found[1])
            if on_item:
                on_item()
        report.add(save_articles(store, articles, options))
        if options.learn_templates:
            templates.update(learn_templates(store, articles, prints))
    return report


def _to_article(item: Item, report: Report, options: ExtractOptions) -> tuple[Article, list[str]] | None:
    if isinstance(item, NewsdeskError):
        report.errors.append(item)
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
        return None
    return article, list(body.fingerprints())


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


def save_articles(store: Store, articles: list[Article], options: PipelineOptions | None = None) -> Report:
    """Store articles (each page once), then analyse the new ones and store what analysis found."""
    options = options or PipelineOptions()
    report = Report()
    if not articles:
        return report
    results = store.save_articles(articles)
    created = [replace(a, id=r.id) for a, r in zip(articles, results, strict=True) if r.created]
    report.stored = len(created)
    report.already_stored = len(results) - len(created)
    if created and options.analyze is not None:
        analyze_new(store, created, options.analyze)
    return report


def analyze_new(store: Store, articles: list[Article], options: AnalyzeOptions) -> list[Article]:
    """Analyse stored articles (entities named as in the database) and store the results."""
    known = tuple(store.known_entities())
    analysed, entities = analyze_with_entities(articles, replace(options, known_entities=known))
    for article in analysed:
        if article.id is not None:
            store.save_analysis(article.id, article, entities)
    return analysed


def iter_local(inputs: Iterable[str], *, max_bytes: int = 5_000_000) -> Iterator[Item]:
    """Yield the pages and articles of local files and folders."""
    for path in expand_paths(inputs):
        yield from iter_file(path, max_bytes=max_bytes)


def iter_url(fetcher: Fetcher, url: str) -> Iterator[Item]:
    """Yield the page at url, or the pages its feed links to when url is a feed."""
    try:
        result = fetcher.fetch(url)
    except NewsdeskError as exc:
        yield exc
        return
    if "html" in (result.content_type or "") and "xml" not in (result.content_type or ""):
        yield RawPage(url=result.final_url, html=result.text, input=url, fetched_at=datetime.now(UTC))
        return
    try:
        parsed = read_feed(fetcher, result.body, url)
    except NewsdeskError as exc:
        yield exc
        return
    yield from _fetch_links(fetcher, [link.url for link in parsed.links], url)


def read_feed(fetcher: Fetcher, body: bytes, url: str, *, max_children: int = 10) -> ParsedFeed:
    """Parse a feed or sitemap; for a sitemap index, fetch and merge its (first few) child sitemaps."""
    parsed = parse_any(body, url)
    links = list(parsed.links)
    for child in parsed.sitemaps[:max_children]:
        try:
            links.extend(parse_any(fetcher.fetch(child).body, child).links)
        except NewsdeskError as exc:
            log.warning("sitemap %s of %s: %s", child, url, exc)
    return ParsedFeed(title=parsed.title, links=links, sitemaps=[])


def _fetch_links(fetcher: Fetcher, urls: list[str], feed_url: str) -> Iterator[Item]:
    for link in urls:
        try:
            page = fetcher.fetch_page(link)
        except NewsdeskError as exc:
            yield exc
            continue
        yield replace(page, feed_url=feed_url)


def iter_inputs(inputs: Iterable[str], fetcher: Fetcher | None, *, max_bytes: int = 5_000_000) -> Iterator[Item]:
    """Yield the pages and articles of every input, local or URL, in order."""
    for given in inputs:
        if is_url(given):
            if fetcher is None:
                yield InputError("URLs need a fetcher", input=given)
            else:
                yield from iter_url(fetcher, given)
        else:
            yield from iter_local([given], max_bytes=max_bytes)


def poll_feed(store: Store, fetcher: Fetcher, feed: Feed, *, interval: int = 900) -> Report:
    """Fetch one feed (conditionally), store its new articles, and record how the poll went."""
    now = datetime.now(UTC)
    try:
        result = fetcher.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        if result.not_modified:
            store.update_feed(replace(feed, last_checked_at=now, next_check_at=now + timedelta(seconds=interval)))
            return Report()
        parsed = read_feed(fetcher, result.body, feed.url)
    except NewsdeskError as exc:
        backoff = interval * min(2 ** (feed.error_count + 1), 96)
        store.update_feed(
            replace(
                feed,
                last_checked_at=now,
                next_check_at=now + timedelta(seconds=backoff),
                error_count=feed.error_count + 1,
                last_error=str(exc),
            )
        )
        return Report(errors=[exc])
    known = store.known_urls([link.url for link in parsed.links])
    new_links = [link.url for link in parsed.links if link.url not in known]
    report = process_items(store, _fetch_links(fetcher, new_links, feed.url))
    store.update_feed(
        replace(
            feed,
            title=feed.title or parsed.title,
            etag=result.etag,
            last_modified=result.last_modified,
            last_checked_at=now,
            next_check_at=now + timedelta(seconds=interval),
            error_count=0,
            last_error=None,
        )
    )
    return report


def poll_due_feeds(store: Store, fetcher: Fetcher, *, interval: int = 900) -> dict[str, Report]:
    """Poll every feed that is due; return each feed's report (a failing feed is reported, not fatal)."""
    return {feed.url: poll_feed(store, fetcher, feed, interval=interval) for feed in store.due_feeds()}
