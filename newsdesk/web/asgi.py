"""The web app built from the environment, for ASGI servers that start several worker processes."""

from __future__ import annotations

from fastapi import FastAPI

from newsdesk import settings
from newsdesk.store import open_store
from newsdesk.web.app import create_app


def app_from_environment() -> FastAPI:
    """Return the web app for the database and settings in the NEWSDESK_* environment variables."""
    config = settings.load()
    return create_app(open_store(config.db, upgrade=False), config)
