"""Exceptions newsdesk raises on purpose.

    NewsdeskError                 base; .input names the file, URL or WARC offset at fault
    ├── InputError                bad input: unreadable file, broken feed, not HTML, bad WARC
    │   ├── TooLargeError         a body over the size cap
    │   └── TruncatedError        a WARC or gzip stream that ends early
    ├── FetchError                network failure or HTTP error status
    │   ├── BlockedAddressError   a private/loopback address that is not allowed
    │   └── RobotsDisallowedError robots.txt forbids the URL
    ├── ExtractionError           no article could be extracted
    └── StoreError                the database refused an operation

One item's ``NewsdeskError`` never stops a batch; any other exception is a bug and does.
"""

from __future__ import annotations


class NewsdeskError(Exception):
    """Base of every error newsdesk raises on purpose."""

    def __init__(self, message: str, *, input: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.input = input
        self.status = status
        self.reason = message

    def __str__(self) -> str:
        base = super().__str__()
        return f"{self.input}: {base}" if self.input else base


class InputError(NewsdeskError):
    """The input (file, feed, page, archive) cannot be used."""


class TooLargeError(InputError):
    """The input is larger than the configured cap."""


class TruncatedError(InputError):
    """The input ends before it should."""


class FetchError(NewsdeskError):
    """A URL could not be fetched."""


class BlockedAddressError(FetchError):
    """The URL resolves to an address newsdesk is not allowed to contact."""


class RobotsDisallowedError(FetchError):
    """robots.txt of the host forbids fetching the URL."""


class ExtractionError(NewsdeskError):
    """No article could be extracted from a page."""


class StoreError(NewsdeskError):
    """The database refused an operation."""
