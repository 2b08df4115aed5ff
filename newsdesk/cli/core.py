"""Core commands: ingest, fetch, run, serve, feeds, articles, db, config."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from newsdesk.cli.app import DbOption, app, console, fail, out, setup_logging
from newsdesk.errors import NewsdeskError
from newsdesk.model import Feed

# The stages, store and web app are imported inside the commands: `newsdesk --help` or
# `newsdesk extract` should not pay for alembic, spaCy and FastAPI at start-up.
if TYPE_CHECKING:
    from newsdesk import pipeline, settings
    from newsdesk.store import Store

feeds_app = typer.Typer(help="Manage the feeds newsdesk polls.", no_args_is_help=True)
articles_app = typer.Typer(help="Look at stored articles.", no_args_is_help=True)
db_app = typer.Typer(help="Manage the database.", no_args_is_help=True)
config_app = typer.Typer(help="Show the configuration.", no_args_is_help=True)
app.add_typer(feeds_app, name="feeds")
app.add_typer(articles_app, name="articles")
app.add_typer(db_app, name="db")
app.add_typer(config_app, name="config")

Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Log what happens.")]


def _open(db: str | None) -> Store:
    from newsdesk.store import open_store

    try:
        return open_store(db)
    except NewsdeskError as exc:
        raise fail(str(exc)) from exc


def _configured(db: str | None) -> tuple[settings.Settings, Store]:
    from newsdesk import settings

    config = settings.load(db=db)
    return config, _open(config.db)


def _serve_app(store: Store, config: settings.Settings, host: str, port: int) -> None:
    import uvicorn

    from newsdesk.web.app import create_app

    uvicorn.run(create_app(store, config), host=host, port=port, log_level="warning")


def _print_report(report: pipeline.Report) -> None:
    for error in report.errors:
        console.print(f"[red]error:[/red] {error}", highlight=False, markup=True)
    skipped = f", {report.skipped} skipped" if report.skipped else ""
    console.print(
        f"{report.seen} inputs: {report.stored} stored, {report.already_stored} already stored"
        f"{skipped}, {len(report.errors)} failed",
        highlight=False,
    )


@app.command()
def ingest(
    inputs: Annotated[list[str], typer.Argument(help="HTML/.html.gz files, folders, WARC files, JSONL, or URLs.")],
    db: DbOption = None,
    verbose: Verbose = False,
) -> None:
    """Read pages or articles from files, folders, archives or URLs, extract them and store them."""
    from newsdesk import pipeline
    from newsdesk.ingest.fetch import Fetcher
    from newsdesk.ingest.files import expand_paths, is_url

    setup_logging(verbose)
    config, store = _configured(db)
    local = [given for given in inputs if not is_url(given)]
    total = sum(1 for _ in expand_paths(local)) + len(inputs) - len(local)
    fetcher = Fetcher(config.fetch_options()) if len(local) < len(inputs) else None
    columns = (TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True, disable=total < 2) as progress:
        task = progress.add_task("ingest", total=None)
        report = pipeline.process_items(
            store,
            pipeline.iter_inputs(inputs, fetcher, max_bytes=config.max_bytes),
            extract_options=config.extract_options(),
            on_item=lambda: progress.advance(task),
        )
    if fetcher:
        fetcher.close()
    _print_report(report)
    if report.failed:
        raise typer.Exit(1)


@app.command()
def fetch(db: DbOption = None, verbose: Verbose = False) -> None:
    """Poll every due feed once and store the new articles."""
    setup_logging(verbose)
    config, store = _configured(db)
    failed = _poll(store, config)
    if failed:
        raise typer.Exit(1)


def _poll(store: Store, config: settings.Settings, desk: pipeline.StoryDesk | None = None) -> bool:
    from newsdesk import pipeline
    from newsdesk.ingest.fetch import Fetcher

    with Fetcher(config.fetch_options()) as fetcher:
        reports = pipeline.poll_due_feeds(store, fetcher, interval=config.poll_interval, desk=desk)
    for url, report in reports.items():
        console.print(f"[bold]{url}[/bold]", highlight=False)
        _print_report(report)
    return any(r.failed for r in reports.values())


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes (one per core).")] = 1,
    db: DbOption = None,
) -> None:
    """Serve the reader website and JSON API."""
    import os
    import secrets

    import uvicorn

    config, store = _configured(db)
    console.print(f"newsdesk serving http://{host}:{port}/ from {store.engine.url.render_as_string()}")
    if workers == 1:
        _serve_app(store, config, host, port)
        return
    # worker processes rebuild the app from the environment; they must share the session-signing key
    os.environ["NEWSDESK_DB"] = store.engine.url.render_as_string(hide_password=False)
    os.environ.setdefault("NEWSDESK_SECRET_KEY", secrets.token_hex(32))
    store.close()
    uvicorn.run(
        "newsdesk.web.asgi:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
    )


@app.command()
def run(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    feeds: Annotated[
        Path | None, typer.Option("--feeds", help="OPML file of feeds to poll (default: built-in list).")
    ] = None,
    db: DbOption = None,
    verbose: Verbose = False,
) -> None:
    """Poll the feeds now and then every few minutes, and serve the site meanwhile."""
    from newsdesk.ingest.opml import default_feeds, read_opml

    setup_logging(verbose)
    config, store = _configured(db)
    try:
        wanted = read_opml(feeds.read_bytes(), str(feeds)) if feeds else ([] if store.list_feeds() else default_feeds())
    except OSError as exc:
        raise fail(f"{feeds}: {exc.strerror or exc}") from exc
    except NewsdeskError as exc:
        raise fail(str(exc)) from exc
    for feed in wanted:
        store.add_feed(feed)

    def poll_forever() -> None:
        from newsdesk.pipeline import StoryDesk

        desk = StoryDesk.warmed(store)  # one story state for the life of the service
        while True:
            try:
                _poll(store, config, desk)
            except Exception:  # noqa: BLE001 - a poll crash must not take the site down
                console.print_exception()
            time.sleep(60)

    threading.Thread(target=poll_forever, daemon=True, name="poller").start()
    console.print(f"newsdesk: polling {len(store.list_feeds())} feeds, serving http://{host}:{port}/")
    _serve_app(store, config, host, port)


@feeds_app.command("add")
def feeds_add(url: str, db: DbOption = None, title: str = "") -> None:
    """Add a feed (RSS, Atom or news sitemap) to poll."""
    if not url.startswith(("http://", "https://")):
        raise fail(f"{url}: not an http(s) URL", 2)
    feed = _open(db).add_feed(Feed(url=url, title=title))
    out.print(f"{feed.id}\t{feed.url}", highlight=False)


@feeds_app.command("list")
def feeds_list(db: DbOption = None) -> None:
    """List the feeds with when they were last checked and their last error."""
    table = Table("id", "url", "title", "checked", "errors", "last error")
    for feed in _open(db).list_feeds():
        checked = feed.last_checked_at.isoformat(timespec="seconds") if feed.last_checked_at else "never"
        table.add_row(str(feed.id), feed.url, feed.title, checked, str(feed.error_count), feed.last_error or "")
    out.print(table)


@feeds_app.command("remove")
def feeds_remove(url: str, db: DbOption = None) -> None:
    """Stop polling a feed."""
    if not _open(db).remove_feed(url):
        raise fail(f"{url}: no such feed")


@feeds_app.command("import")
def feeds_import(opml: Path, db: DbOption = None) -> None:
    """Add every feed of an OPML file."""
    from newsdesk.ingest.opml import read_opml

    try:
        found = read_opml(opml.read_bytes(), str(opml))
    except OSError as exc:
        raise fail(f"{opml}: {exc.strerror}") from exc
    except NewsdeskError as exc:
        raise fail(str(exc)) from exc
    store = _open(db)
    for feed in found:
        store.add_feed(feed)
    console.print(f"{len(found)} feeds imported from {opml}")


@feeds_app.command("export")
def feeds_export(db: DbOption = None) -> None:
    """Print the feeds as OPML."""
    from newsdesk.ingest.opml import write_opml

    out.print(write_opml(_open(db).list_feeds(), "newsdesk feeds"), highlight=False, markup=False)


@articles_app.command("list")
def articles_list(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    domain: Annotated[str | None, typer.Option(help="Only articles from this site.")] = None,
) -> None:
    """List the newest articles."""
    table = Table("id", "published", "site", "title")
    for article in _open(db).list_articles(limit=limit, domain=domain):
        when = article.published.date().isoformat() if article.published else ""
        table.add_row(str(article.id), when, article.domain, article.title)
    out.print(table)


@articles_app.command("show")
def articles_show(article_id: int, db: DbOption = None) -> None:
    """Print one article as JSON."""
    article = _open(db).get_article(article_id)
    if article is None:
        raise fail(f"article {article_id}: not found")
    from newsdesk.web.serialize import article_json

    out.print_json(json.dumps(article_json(article, full=True)))


@articles_app.command("count")
def articles_count(db: DbOption = None) -> None:
    """Print how many articles are stored."""
    out.print(_open(db).count_articles())


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Apply pending database migrations."""
    store = _open(db)
    console.print(f"database at {store.engine.url.render_as_string()} is up to date")


@config_app.command("dump")
def config_dump(db: DbOption = None) -> None:
    """Print every setting, secrets masked."""
    from newsdesk import settings

    out.print_json(json.dumps(settings.dump(settings.load(db=db))))


@app.command()
def topics(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(min=1, max=200, help="How many stories.")] = 10,
) -> None:
    """List the key topics: stories ranked by breadth, velocity, recency and source diversity."""
    table = Table("story", "outlets", "articles", "last update", "headline")
    for story in _open(db).top_stories(limit=limit):
        when = story.last_update.isoformat(timespec="minutes") if story.last_update else ""
        table.add_row(str(story.id), str(story.outlet_count), str(story.article_count), when, story.label)
    out.print(table)
