"""Shared fixtures: a real SQLite file and a real PostgreSQL server for the store, paths to ../shared."""

from __future__ import annotations

import itertools
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from newsdesk.store import Store, open_store

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TESTDATA = Path(__file__).parent / "testdata"
IN_CI = os.environ.get("CI", "").lower() == "true"
DEFAULT_PG = "postgresql+psycopg://newsdesk:newsdesk@127.0.0.1:5432/newsdesk"


@contextmanager
def served(app: Any) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on 127.0.0.1 (a free port) in a thread; yield its base URL."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def need_shared(*parts: str) -> Path:
    """Return a path under ../shared, skipping the test when it is missing (failing in CI)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{path} is missing: these tests read the shared corpora next to the repository"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def shared() -> Path:
    """The ../shared folder (skips the test when it is missing, fails in CI)."""
    return need_shared()


def _pg_admin_url() -> str | None:
    url = os.environ.get("NEWSDESK_TEST_PG", DEFAULT_PG)
    try:
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means "no server here"
        if IN_CI:
            pytest.fail(f"PostgreSQL at {make_url(url).render_as_string()} unreachable in CI: {exc}")
        return None
    return url


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str | None]:
    """A migrated PostgreSQL template database, or None when no server runs here (outside CI)."""
    admin = _pg_admin_url()
    if admin is None:
        yield None
        return
    name = f"newsdesk_tpl_{os.getpid()}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    store = open_store(make_url(admin).set(database=name).render_as_string(hide_password=False))
    store.close()
    yield admin
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


_counter = itertools.count()


def _fresh_pg_database(pg_template: str) -> Iterator[str]:
    name = f"newsdesk_t_{os.getpid()}_{next(_counter)}"
    template = f"newsdesk_tpl_{os.getpid()}"
    engine = create_engine(pg_template, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield make_url(pg_template).set(database=name).render_as_string(hide_password=False)
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture
def pg_url(pg_template: str | None) -> Iterator[str]:
    """The URL of an empty, migrated PostgreSQL database, for tests of what only PostgreSQL can do."""
    if pg_template is None:
        pytest.skip("no PostgreSQL server reachable (set NEWSDESK_TEST_PG or run scripts/start-postgres.sh)")
    yield from _fresh_pg_database(pg_template)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, pg_template: str | None) -> Iterator[str]:
    """The URL of an empty, migrated database: a SQLite file, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'newsdesk.db'}"
        open_store(url).close()
        yield url
        return
    if pg_template is None:
        pytest.skip("no PostgreSQL server reachable (set NEWSDESK_TEST_PG or run scripts/start-postgres.sh)")
    yield from _fresh_pg_database(pg_template)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """An open Store on an empty database (SQLite and PostgreSQL)."""
    opened = open_store(db_url, upgrade=False)
    yield opened
    opened.close()
