"""Pure text helpers shared by stages: normalising, hashing, tokens, URLs."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import urlsplit, urlunsplit

_WORD = re.compile(r"\w+", re.UNICODE)
_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'"})


def normalise(text: str) -> str:
    """Return text in NFKC form with unified quotes and collapsed whitespace, lower-cased."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _SPACE.sub(" ", text).strip().lower()


def tokens(text: str) -> list[str]:
    """Return the lower-cased word tokens of text."""
    return _WORD.findall(normalise(text))


def content_hash(text: str) -> str:
    """Return a stable hash of the normalised words of text (ignores punctuation and spacing)."""
    return hashlib.sha256(" ".join(tokens(text)).encode()).hexdigest()


def domain_of(url: str) -> str:
    """Return the host of url without a leading ``www.``."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def clean_url(url: str) -> str:
    """Return url without its fragment and with a lower-cased scheme and host."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def first_sentences(text: str, limit: int = 300) -> str:
    """Return the leading sentences of text, up to about limit characters."""
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    cut = text.rfind(". ", 0, limit)
    return text[: cut + 1] if cut > 40 else text[:limit].rsplit(" ", 1)[0] + "…"
