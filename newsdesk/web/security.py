"""Password hashing, the signed session cookie with its CSRF token, and sliding-window rate limits."""

from __future__ import annotations

import hmac
import re
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "nd_session"
SESSION_MAX_AGE = 30 * 24 * 3600
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{3,32}$")
MIN_PASSWORD, MAX_PASSWORD = 8, 256

_hasher = PasswordHasher()
# verifying against this keeps a login for an unknown name as slow as one for a known name
_DUMMY_HASH = _hasher.hash("not a real password")


def hash_password(password: str) -> str:
    """Return the argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Return whether password matches the hash (constant work when there is no hash)."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def account_problem(name: str, password: str) -> str | None:
    """Return why a new account's name or password is not acceptable, or None."""
    if not NAME_PATTERN.match(name):
        return "Names are 3 to 32 letters, digits, dots, dashes or underscores."
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        return f"Passwords are {MIN_PASSWORD} to {MAX_PASSWORD} characters long."
    return None


@dataclass(frozen=True, slots=True)
class Session:
    """What the session cookie holds: the signed-in user (if any) and the CSRF token."""

    csrf: str
    user_id: int | None = None


class SessionCodec:
    """Signs and reads the session cookie."""

    def __init__(self, secret_key: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="newsdesk.session")

    def dumps(self, session: Session) -> str:
        """Return the signed cookie value of a session."""
        return self._serializer.dumps({"c": session.csrf, "u": session.user_id})

    def loads(self, value: str | None) -> Session | None:
        """Return the session a cookie value holds, or None when it is missing, forged or expired."""
        if not value or len(value) > 4096:
            return None
        try:
            data: Any = self._serializer.loads(value, max_age=SESSION_MAX_AGE)
        except BadSignature:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("c"), str):
            return None
        user_id = data.get("u")
        return Session(data["c"], user_id if isinstance(user_id, int) else None)


def new_session(user_id: int | None = None) -> Session:
    """Return a fresh session with a new CSRF token."""
    return Session(secrets.token_urlsafe(32), user_id)


def csrf_matches(session: Session | None, token: str | None) -> bool:
    """Return whether a submitted form's token is the session's."""
    return bool(session and token) and hmac.compare_digest(session.csrf.encode(), str(token).encode())  # type: ignore[union-attr]


@dataclass
class RateLimit:
    """At most ``limit`` events per key within ``window`` seconds, counted in this process."""

    limit: int
    window: float
    _events: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def hit(self, key: str) -> bool:
        """Record an event for key; return False (and record nothing) when the limit is reached."""
        now = time.monotonic()
        with self._lock:
            if len(self._events) > 100_000:
                self._prune(now)
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            return True

    def _prune(self, now: float) -> None:
        stale = [k for k, v in self._events.items() if not v or v[-1] <= now - self.window]
        for key in stale:
            del self._events[key]


@dataclass
class Limits:
    """The rate limits of the site; tests pass tighter ones."""

    login_per_ip: RateLimit = field(default_factory=lambda: RateLimit(20, 300))
    login_per_name: RateLimit = field(default_factory=lambda: RateLimit(8, 300))
    register_per_ip: RateLimit = field(default_factory=lambda: RateLimit(10, 3600))
    comment_per_ip: RateLimit = field(default_factory=lambda: RateLimit(20, 600))
    comments_per_account: int = 5
    comment_window_s: int = 600


__all__ = [
    "Limits",
    "RateLimit",
    "SESSION_COOKIE",
    "SESSION_MAX_AGE",
    "Session",
    "SessionCodec",
    "account_problem",
    "csrf_matches",
    "hash_password",
    "new_session",
    "verify_password",
]
