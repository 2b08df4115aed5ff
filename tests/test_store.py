"""The store on SQLite and PostgreSQL: migrations, idempotent saving, listing, feeds."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from newsdesk.model import Article, Feed
from newsdesk.store import Store, open_store
from newsdesk.text import content_hash


def make_article(n: int, *, text: str | None = None, domain: str = "example.com", **extra: object) -> Article:
    body = text or f"Article number {n} says something new about the world, paragraph after paragraph."
    return Article(
        url=f"https://{domain}/news/{n}",
        title=f"Headline {n}",
        text=body,
        domain=domain,
        content_hash=content_hash(body),
        published=datetime(2024, 11, 16, 14, n % 60, tzinfo=UTC),
        **extra,  # type: ignore[arg-type]
    )


def test_schema_is_current_after_open(store: Store) -> None:
    assert store.is_current()


def test_same_url_is_stored_once(store: Store) -> None:
    first = store.save_articles([make_article(1)])
    again = store.save_articles([make_article(1), make_article(2)])
    assert first[0].created and not again[0].created and again[1].created
    assert again[0].id == first[0].id
    assert store.count_articles() == 2


def test_same_text_on_same_site_is_stored_once(store: Store) -> None:
    body = "Exactly the same words published twice under two addresses by one site."
    a = make_article(1, text=body)
    b = make_article(2, text=body.replace("  ", " ") + "  ")
    store.save_articles([a])
    results = store.save_articles([b])
    assert not results[0].created
    assert store.count_articles() == 1


def test_same_text_on_other_site_is_kept_as_its_own_page(store: Store) -> None:
    body = "A wire story that two outlets print word for word."
    store.save_articles([make_article(1, text=body), make_article(1, text=body, domain="other.org")])
    assert store.count_articles() == 2


def test_round_trip_keeps_fields_and_timezone(store: Store) -> None:
    article = make_article(
        7,
        byline=("Ana Novak", "John Smith"),
        subheadings=("A subheading",),
        source_links=("https://www.tasr.sk/",),
        lang="en",
        site_name="Example News",
    )
    saved = store.save_articles([article])[0]
    back = store.get_article(saved.id)
    assert back is not None
    assert back.byline == ("Ana Novak", "John Smith")
    assert back.subheadings == ("A subheading",)
    assert back.source_links == ("https://www.tasr.sk/",)
    assert back.published == article.published and back.published.tzinfo is not None


def test_list_is_newest_first_with_undated_last_and_filters(store: Store) -> None:
    undated = Article(
        url="https://example.com/undated",
        title="undated",
        text="no date here at all",
        domain="example.com",
        content_hash=content_hash("no date here at all"),
    )
    store.save_articles([make_article(1), make_article(5), undated, make_article(3, domain="b.org")])
    listed = store.list_articles(limit=10)
    assert [a.title for a in listed] == ["Headline 5", "Headline 3", "Headline 1", "undated"]
    assert [a.title for a in store.list_articles(domain="b.org")] == ["Headline 3"]
    since = datetime(2024, 11, 16, 14, 2, tzinfo=UTC)
    assert {a.title for a in store.list_articles(since=since)} == {"Headline 5", "Headline 3"}


def test_a_failed_batch_loses_no_earlier_committed_batch(store: Store) -> None:
    store.save_articles([make_article(1)])
    bad = Article(
        url="https://example.com/x",
        text="x",
        content_hash="h",
        domain="example.com",
        published=datetime(2024, 1, 1, tzinfo=UTC),
        title="t" * 10,
    )
    try:
        store.save_articles([make_article(2), bad.__class__(**{**_fields(bad), "url": None})])  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - the store must roll back the whole failing batch
        pass
    assert store.count_articles() == 1


def _fields(article: Article) -> dict[str, object]:
    return {name: getattr(article, name) for name in article.__dataclass_fields__}


def test_feeds_add_list_due_remove(store: Store) -> None:
    feed = store.add_feed(Feed(url="https://example.com/rss", title="Example"))
    assert store.add_feed(Feed(url="https://example.com/rss")).id == feed.id
    assert [f.url for f in store.due_feeds()] == ["https://example.com/rss"]
    later = datetime.now(UTC) + timedelta(hours=1)
    store.update_feed(Feed(url=feed.url, title="Example", etag='"abc"', next_check_at=later, error_count=2))
    assert store.due_feeds() == []
    (stored,) = store.list_feeds()
    assert stored.etag == '"abc"' and stored.error_count == 2
    assert store.remove_feed(feed.url) and store.list_feeds() == []


def test_known_urls(store: Store) -> None:
    store.save_articles([make_article(1)])
    assert store.known_urls(["https://example.com/news/1", "https://example.com/news/2"]) == {
        "https://example.com/news/1"
    }


def test_open_store_on_bare_path_creates_sqlite_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = open_store(str(tmp_path / "sub" / "n.db"))
    assert store.backend == "sqlite" and (tmp_path / "sub" / "n.db").exists()
    store.close()


def test_over_long_fields_are_cut_the_same_on_every_backend(store: Store) -> None:
    article = make_article(3, section="tag, " * 200, site_name="S" * 600, lang="x" * 40)
    saved = store.save_articles([article])[0]
    back = store.get_article(saved.id)
    assert back is not None and len(back.section) == 255 and len(back.lang) == 16


def test_duplicates_inside_one_batch_are_stored_once(store: Store) -> None:
    body = "One text that a site serves under two addresses, both in the same batch."
    twin = make_article(2, text=body)
    results = store.save_articles([make_article(1, text=body), twin, make_article(1, text=body), make_article(3)])
    assert [r.created for r in results] == [True, False, False, True]
    assert results[0].id == results[1].id == results[2].id
    assert store.count_articles() == 2


def test_analysis_saved_through_a_deadlock_is_retried(pg_url: str) -> None:
    """Two writers locking the same entity rows in opposite orders: PostgreSQL aborts the store's, which retries."""
    import threading

    from sqlalchemy import create_engine, text

    from newsdesk.model import Mention

    store = open_store(pg_url, upgrade=False)
    plain = make_article(1, text="Alpha Person met Beta Person today in the city.")
    [saved] = store.save_articles([plain])
    found = tuple(
        Mention(start, start + len(name), name, "PER", name)
        for start, name in ((0, "Alpha Person"), (17, "Beta Person"))
    )
    article = replace(plain, mentions=found)
    store.save_analysis(saved.id, article)
    with store.engine.connect() as connection:
        ids = dict(connection.execute(text("SELECT name, id FROM entities")).all())
    other = create_engine(pg_url)
    with other.connect() as holder:
        holder.execute(text("SET deadlock_timeout = '10s'"))  # the store's wait is checked first: it is the victim
        holder.execute(text("UPDATE entities SET role = 'x' WHERE id = :id"), {"id": ids["Beta Person"]})
        again = replace(article, mentions=(*found, replace(found[0], start=40, end=52)))  # Alpha named twice
        errors: list[Exception] = []

        def save() -> None:
            try:
                store.save_analysis(saved.id, again)
            except Exception as error:  # the assertion below names it
                errors.append(error)

        worker = threading.Thread(target=save)
        worker.start()  # locks Alpha's row, then waits for Beta's
        time.sleep(0.5)
        holder.execute(text("UPDATE entities SET role = 'y' WHERE id = :id"), {"id": ids["Alpha Person"]})
        holder.commit()
        worker.join(timeout=30)
    assert not worker.is_alive() and not errors, errors
    with store.engine.connect() as connection:
        counts = dict(connection.execute(text("SELECT name, mention_count FROM entities")).all())
    assert counts == {"Alpha Person": 2, "Beta Person": 1}
    other.dispose()
    store.close()


def _drop_connections(url: str) -> int:
    from sqlalchemy import create_engine, text

    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        dropped = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
    admin.dispose()
    return int(dropped)


def test_postgresql_connections_are_pinged_only_after_sitting_idle(pg_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import pytest
    from sqlalchemy.exc import OperationalError

    from newsdesk.store import database

    store = open_store(pg_url)
    store.count_articles()
    # a connection checked in moments ago is used without a ping (no second round trip per query), so a
    # connection the server dropped in between fails once, and the pool then replaces it
    assert _drop_connections(pg_url) >= 1
    with pytest.raises(OperationalError):
        store.count_articles()
    assert store.count_articles() == 0
    # a connection idle past IDLE_PING is pinged first: found dead, it is replaced before the query runs
    monkeypatch.setattr(database, "IDLE_PING", 0.0)
    assert _drop_connections(pg_url) >= 1
    assert store.count_articles() == 0
    store.close()
