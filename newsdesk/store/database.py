"""Opening a database, applying migrations, and the Store class that gathers every table's methods."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import platformdirs
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError

from newsdesk.errors import StoreError
from newsdesk.store.accounts import AccountStore
from newsdesk.store.analysis import AnalysisStore
from newsdesk.store.articles import ArticleStore
from newsdesk.store.backfill import BackfillStore
from newsdesk.store.entities import EntityStore
from newsdesk.store.feeds import FeedStore
from newsdesk.store.health import HealthStore
from newsdesk.store.search import SearchStore
from newsdesk.store.sites import SiteStore
from newsdesk.store.stories import StoryStore

MIGRATIONS = Path(__file__).parent / "migrations"


def default_db_url() -> str:
    """Return the database URL from NEWSDESK_DB, else a SQLite file in the user's data directory."""
    env = os.environ.get("NEWSDESK_DB")
    if env:
        return env
    folder = Path(platformdirs.user_data_dir("newsdesk"))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'newsdesk.db'}"


def _normalise_url(url: str) -> str:
    if "://" not in url:  # a bare path means a SQLite file
        return f"sqlite:///{Path(url).resolve()}"
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _create_engine(url: str, *, autocommit: bool = False) -> Engine:
    if url.startswith("sqlite"):
        path = make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    options: dict[str, Any] = {"isolation_level": "AUTOCOMMIT"} if autocommit else {}
    engine = create_engine(url, pool_size=10, max_overflow=20, **options)
    event.listen(engine, "checkin", _mark_idle)
    event.listen(engine, "checkout", _ping_if_idle)
    return engine


IDLE_PING = 2.0  # seconds a pooled connection may sit unused before a checkout makes sure it is alive


def _mark_idle(_dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dbapi_connection, record, _proxy) -> None:  # type: ignore[no-untyped-def]
    # pool_pre_ping would ping on every checkout: a second round trip for each query of a page. A connection
    # returned moments ago is alive; one idle for a while may have been dropped by the server or a proxy.
    since = record.info.get("idle_since")
    if since is not None and time.monotonic() - since < IDLE_PING:
        return
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
        dbapi_connection.rollback()
    except Exception as exc:  # any failure means this connection is gone: the pool replaces it and retries
        raise DisconnectionError(f"stale pooled connection: {exc}") from exc


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class Store(
    ArticleStore,
    FeedStore,
    AnalysisStore,
    AccountStore,
    SearchStore,
    EntityStore,
    BackfillStore,
    SiteStore,
    StoryStore,
    HealthStore,
):
    """The database behind newsdesk: articles, feeds, analysis, stories, accounts and comments.

    Writes go through ``engine`` in transactions (``engine.begin()``). Reads go through ``reader``: on
    PostgreSQL a second pool whose connections are in autocommit, so that a read is one round trip instead of
    three (BEGIN, the query, and the ROLLBACK the pool sends when the connection is returned); on SQLite the
    same engine.
    """

    def __init__(self, engine: Engine, reader: Engine | None = None) -> None:
        self.engine = engine
        self.reader = reader or engine

    @property
    def backend(self) -> str:
        """Return ``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def upgrade(self) -> None:
        """Apply every pending migration."""
        with self.engine.begin() as connection:
            config = _alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def is_current(self) -> bool:
        """Return whether the schema has every migration applied."""
        head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision() == head

    def close(self) -> None:
        """Release every connection."""
        self.engine.dispose()
        if self.reader is not self.engine:
            self.reader.dispose()


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def open_store(url: str | None = None, *, upgrade: bool = True) -> Store:
    """Open the database at url (an SQLAlchemy URL or a SQLite path), migrating it unless told not to."""
    url = _normalise_url(url or default_db_url())
    try:
        reader = _create_engine(url, autocommit=True) if not url.startswith("sqlite") else None
        store = Store(_create_engine(url), reader)
        if upgrade:
            store.upgrade()
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot open database: {exc.__class__.__name__}: {exc}", input=url) from exc
    return store
