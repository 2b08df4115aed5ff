"""robots.txt rules per origin, loaded once through the caller's (guarded) fetch function."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from urllib.parse import urlsplit

from protego import Protego

from newsdesk.errors import NewsdeskError

log = logging.getLogger(__name__)

# (status, text) of GET robots.txt; may raise NewsdeskError.
RobotsLoader = Callable[[str], tuple[int, str]]


def robots_url(url: str) -> str:
    """Return the robots.txt URL of the origin of url."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


class RobotsCache:
    """Answers whether a URL may be fetched, reading each origin's robots.txt once."""

    def __init__(self, load: RobotsLoader, user_agent: str) -> None:
        self._load = load
        self._agent = user_agent.split("/", 1)[0]
        self._rules: dict[str, Protego | None] = {}
        self._lock = threading.Lock()

    def allowed(self, url: str) -> bool:
        """Return whether robots.txt of url's origin lets this user agent fetch url."""
        rules = self._rules_for(robots_url(url))
        return rules is None or bool(rules.can_fetch(url, self._agent))

    def _rules_for(self, address: str) -> Protego | None:
        with self._lock:
            if address in self._rules:
                return self._rules[address]
        rules = self._fetch(address)
        with self._lock:
            self._rules[address] = rules
        return rules

    def _fetch(self, address: str) -> Protego | None:
        """Return the parsed rules, or None when everything is allowed."""
        try:
            status, text = self._load(address)
        except NewsdeskError as exc:
            # The page fetch that follows meets the same failure and reports it itself.
            log.info("robots.txt %s unavailable (%s); allowing all", address, exc.reason)
            return None
        if status >= 500:
            # RFC 9309 §2.3.1.4: an unreachable robots.txt means "disallow everything".
            log.info("robots.txt %s answered %s; disallowing all", address, status)
            return Protego.parse("User-agent: *\nDisallow: /\n")
        if status >= 400:
            return None
        return Protego.parse(text)
