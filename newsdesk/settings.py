"""Every setting newsdesk reads, in one table, loaded from the environment and validated at load."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from newsdesk.errors import InputError
from newsdesk.extract import ExtractOptions
from newsdesk.ingest.fetch import FetchOptions


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting: its name, default, type, environment variable and help."""

    name: str
    default: Any
    type: Callable[[str], Any]
    env: str
    help: str
    secret: bool = False


def _bool(value: str) -> bool:
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _hosts(value: str) -> tuple[str, ...]:
    return tuple(h.strip() for h in value.split(",") if h.strip())


SETTINGS: tuple[Setting, ...] = (
    Setting("db", None, str, "NEWSDESK_DB", "SQLAlchemy URL of the database (default: SQLite in the data dir)."),
    Setting("allow_private", False, _bool, "NEWSDESK_ALLOW_PRIVATE", "Allow fetching private/loopback addresses."),
    Setting("allowed_hosts", (), _hosts, "NEWSDESK_ALLOWED_HOSTS", "Hosts allowed despite a private address."),
    Setting("fetch_timeout", 20.0, float, "NEWSDESK_FETCH_TIMEOUT", "Seconds before a fetch gives up."),
    Setting("max_bytes", 5_000_000, int, "NEWSDESK_MAX_BYTES", "Largest page or feed body accepted, in bytes."),
    Setting("per_host_delay", 1.0, float, "NEWSDESK_PER_HOST_DELAY", "Seconds between two requests to one host."),
    Setting("respect_robots", True, _bool, "NEWSDESK_RESPECT_ROBOTS", "Obey robots.txt."),
    Setting("poll_interval", 900, int, "NEWSDESK_POLL_INTERVAL", "Seconds between two polls of a feed."),
    Setting("secret_key", "", str, "NEWSDESK_SECRET_KEY", "Key signing session cookies (random if unset).", True),
)


@dataclass(frozen=True, slots=True)
class Settings:
    """The loaded settings."""

    db: str | None
    allow_private: bool
    allowed_hosts: tuple[str, ...]
    fetch_timeout: float
    max_bytes: int
    per_host_delay: float
    respect_robots: bool
    poll_interval: int
    secret_key: str

    def fetch_options(self) -> FetchOptions:
        """Return the options of the fetcher."""
        return FetchOptions(
            timeout=self.fetch_timeout,
            max_bytes=self.max_bytes,
            allow_private=self.allow_private,
            allowed_hosts=self.allowed_hosts,
            per_host_delay=self.per_host_delay,
            respect_robots=self.respect_robots,
        )

    def extract_options(self) -> ExtractOptions:
        """Return the options of the extract stage."""
        return ExtractOptions()


def load(env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Return settings from env (default: the process environment), then overrides that are not None."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = env.get(setting.env)
        try:
            values[setting.name] = setting.default if raw is None else setting.type(raw)
        except ValueError as exc:
            raise InputError(f"invalid value: {exc}", input=setting.env) from exc
    values.update({k: v for k, v in overrides.items() if v is not None})
    if not values["secret_key"]:
        values["secret_key"] = secrets.token_hex(32)
    return Settings(**values)


def dump(settings: Settings, *, mask: bool = True) -> dict[str, Any]:
    """Return every setting's value, secrets masked unless told otherwise."""
    return {
        s.name: ("********" if s.secret and mask and getattr(settings, s.name) else getattr(settings, s.name))
        for s in SETTINGS
    }
