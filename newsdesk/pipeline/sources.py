"""Where items come from: local files and folders, URLs, and feeds polled on a schedule."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from newsdesk.errors import InputError, NewsdeskError
from newsdesk.ingest.feeds import ParsedFeed, parse_any
from newsdesk.ingest.fetch import Fetcher
from newsdesk.ingest.files import Item, expand_paths, is_url, iter_file
from newsdesk.model import Feed, RawPage
from newsdesk.pipeline.batch import PipelineOptions, Report, StageCache, process_items
from newsdesk.pipeline.stories import StoryDesk
from newsdesk.store import Store

log = logging.getLogger(__name__)


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


def poll_feed(
    store: Store,
    fetcher: Fetcher,
    feed: Feed,
    *,
    interval: int = 900,
    options: PipelineOptions | None = None,
    desk: StoryDesk | None = None,
    cache: StageCache | None = None,
) -> Report:
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
    items = _fetch_links(fetcher, new_links, feed.url)
    report = process_items(store, items, options=options, desk=desk, cache=cache)
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


def poll_due_feeds(
    store: Store, fetcher: Fetcher, *, interval: int = 900, desk: StoryDesk | None = None
) -> dict[str, Report]:
    """Poll every feed that is due; return each feed's report (a failing feed is reported, not fatal)."""
    due = store.due_feeds()
    if due and desk is None:
        desk = StoryDesk.warmed(store)
    cache = StageCache()  # site templates and known entities read once per round, not once per feed
    return {feed.url: poll_feed(store, fetcher, feed, interval=interval, desk=desk, cache=cache) for feed in due}
