"""The private-address guard: which hosts and IPs newsdesk may connect to.

A URL is checked before each request (every redirect hop), and the network backend
checks again at connect time, so a name that resolves differently the second time
(DNS rebinding) still cannot reach a private address.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpcore

from newsdesk.errors import BlockedAddressError, FetchError, NewsdeskError

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_blocked_ip(ip: IPAddress) -> bool:
    """Return whether ip is loopback, private, link-local, reserved or otherwise not global."""
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv4 hidden inside IPv6 (::ffff:127.0.0.1, 6to4, Teredo) is judged by its IPv4 part.
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            return is_blocked_ip(embedded)
    return not ip.is_global or ip.is_multicast


def literal_ip(host: str) -> IPAddress | None:
    """Return host as an IP address if it is one, including legacy forms like 127.1 or 0x7f000001."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if not host or not all(c in "0123456789abcdefxABCDEFX." for c in host):
        return None
    try:
        # inet_aton reads what the C resolver reads: 2130706433, 0x7f000001, 0177.0.0.1, 127.1.
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def resolve(host: str, port: int) -> list[IPAddress]:
    """Return every address host resolves to (the literal itself if it is an IP)."""
    ip = literal_ip(host)
    if ip is not None:
        return [ip]
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


@dataclass(frozen=True, slots=True)
class AddressGuard:
    """Decides whether a host may be contacted: public addresses always, private ones only if allowed."""

    allow_private: bool = False
    allowed_hosts: tuple[str, ...] = ()

    def _allowed_names(self) -> set[str]:
        names = {h.strip("[]").lower() for h in self.allowed_hosts}
        return names | {str(ip) for h in names if (ip := literal_ip(h)) is not None}

    def check(self, host: str, port: int, url: str) -> list[IPAddress]:
        """Return the addresses of host, or raise BlockedAddressError naming url if any is not allowed."""
        host = host.strip("[]").lower()
        try:
            addresses = resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise FetchError(f"cannot resolve host {host!r}: {exc}", input=url) from exc
        if self.allow_private:
            return addresses
        allowed = self._allowed_names()
        if host in allowed:
            return addresses
        for ip in addresses:
            if is_blocked_ip(ip) and str(ip) not in allowed:
                log.warning("refusing %s: host %s resolves to private address %s", url, host, ip)
                raise BlockedAddressError(f"host {host!r} resolves to non-public address {ip}", input=url)
        return addresses


class GuardedBackend(httpcore.SyncBackend):
    """A network backend that connects only to addresses the guard allows, to the very IP it checked."""

    def __init__(self, guard: AddressGuard) -> None:
        self.guard = guard

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        """Connect to an address of host, refusing all if any address of host is blocked."""
        try:
            addresses = self.guard.check(host, port, f"{host}:{port}")
        except NewsdeskError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        error: Exception = httpcore.ConnectError(f"no address for {host}")
        for ip in addresses:
            try:
                return super().connect_tcp(str(ip), port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                error = exc
        raise error
