"""Bytes to text: BOM, then the HTTP charset, then <meta>/XML declarations, then detection.

Declared charsets lie, so a declared charset is used only if the bytes decode cleanly with it;
text that is valid UTF-8 wins over a declared single-byte charset (which decodes anything).
"""

from __future__ import annotations

import codecs
import logging
import re

from charset_normalizer import from_bytes

log = logging.getLogger(__name__)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.I)
# WHATWG: these labels mean windows-1252 in practice.
_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252"}
_SNIFF_BYTES = 4096


def charset_from_content_type(content_type: str | None) -> str | None:
    """Return the charset parameter of a Content-Type header, if any."""
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def declared_charsets(body: bytes, content_type: str | None = None) -> list[str]:
    """Return the charsets the response declares: HTTP header first, then XML declaration and <meta>."""
    head = body[:_SNIFF_BYTES]
    found = [charset_from_content_type(content_type)]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        match = pattern.search(head)
        found.append(match.group(1).decode("ascii", "replace") if match else None)
    return [c for c in found if c]


def _codec(label: str) -> str | None:
    label = label.strip().lower()
    try:
        name = codecs.lookup(_ALIASES.get(label, label)).name
    except LookupError:
        return None
    # A declared UTF-16/32 without a BOM is almost always an ASCII page lying about itself.
    return None if name.startswith(("utf-16", "utf-32")) else name


def _mostly_utf8(body: bytes) -> str | None:
    """Return body decoded as UTF-8 with replacement characters if it is mostly valid UTF-8."""
    text = body.decode("utf-8", "replace")
    bad = text.count("\ufffd") - body.count(b"\xef\xbf\xbd")
    valid = sum(1 for ch in text if ord(ch) > 127) - bad
    # Text in a single-byte charset is almost never valid UTF-8 by chance, so valid sequences
    # outnumbering invalid bytes means UTF-8 with some damage, not another charset.
    return text if valid > 0 and bad <= valid else None


def decode_body(body: bytes, content_type: str | None = None) -> str:
    """Return body as text, trusting declared charsets only when they decode cleanly."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body.decode(codec, "replace")
    try:
        utf8: str | None = body.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = None
    for label in declared_charsets(body, content_type):
        codec = _codec(label)
        if codec is None:
            continue
        if utf8 is not None and codec != "utf-8" and not body.isascii():
            log.debug("declared charset %s ignored: the bytes are valid UTF-8", label)
            return utf8
        try:
            return body.decode(codec)
        except UnicodeDecodeError:
            log.debug("declared charset %s does not decode the bytes; detecting", label)
    if utf8 is not None:
        return utf8
    return _mostly_utf8(body) or _detect(body)


def _detect(body: bytes) -> str:
    best = from_bytes(body).best()
    if best is None or best.encoding is None:
        return body.decode("utf-8", "replace")
    return body.decode(best.encoding, "replace")
