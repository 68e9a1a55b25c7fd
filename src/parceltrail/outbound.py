"""Outgoing requests to URLs a shop (not the operator) chose: the one guard against server-side
request forgery, shared by webhook endpoints, notification channels and anything else that calls out.

A URL passes when its scheme is allowed and every address its host resolves to is publicly routable:
not loopback, private, link-local, shared (carrier-grade NAT), multicast, reserved, unspecified or
documentation space, in IPv4 or IPv6 — including IPv4 addresses carried inside IPv6 (``::ffff:a.b.c.d``,
NAT64 ``64:ff9b::/96``, 6to4 ``2002::/16``, Teredo, the deprecated ``::a.b.c.d``). Numeric tricks such as
``http://2130706433/`` or ``http://0x7f.1/`` are resolved by the system first, so they are judged as the
address they name. An operator may allow private targets (tests, the demo, a shop on the same network).

``GuardedTransport`` closes the DNS-rebinding gap: it resolves the host itself when it opens a
connection, checks the addresses and connects to the address it checked, so a name that answers with a
public address to the check and a private one to the connect cannot slip through. TLS still verifies
the certificate against the host name (httpcore passes the name, not the address, to the TLS layer).
Checking every answer (not only the first) refuses names that mix public and private addresses.
"""

from __future__ import annotations

import ipaddress
import socket
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore
import httpx
from httpcore._backends.sync import SyncStream

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]
"""(host, port) -> addresses as text; the default asks the system (``getaddrinfo``)."""

_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_SHARED = ipaddress.ip_network("100.64.0.0/10")


class BlockedTarget(httpcore.ConnectError):
    """The URL may not be called: ``reason`` says why in words a shop can act on.

    A ``ConnectError`` so that httpx turns it into ``httpx.ConnectError`` (with this as its cause) and
    callers that already handle unreachable hosts handle it too.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def system_resolver(host: str, port: int) -> list[str]:
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise BlockedTarget(f"the host {host!r} does not resolve ({error})") from None
    addresses: list[str] = []
    for *_, sockaddr in answers:
        address = str(sockaddr[0]).split("%", 1)[0]  # drop an IPv6 scope id
        if address not in addresses:
            addresses.append(address)
    return addresses


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries, when it is one of the forms that reach IPv4 hosts."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if any(ip in net for net in _NAT64) or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def refusal(ip: IPAddress) -> str | None:
    """Why an outgoing connection to ``ip`` is refused (e.g. "loopback"), or None when it is public."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            why = refusal(inner)
            return f"{why} (IPv4 {inner} inside an IPv6 address)" if why else None
        if ip.is_site_local:
            return "site-local"
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("shared address space (carrier-grade NAT)", ip.version == 4 and ip in _SHARED),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("not publicly routable", not ip.is_global),
    )
    return next((name for name, hit in checks if hit), None)


def check_host(host: str, port: int, allow_private: bool = False,
               resolver: Resolver = system_resolver) -> list[str]:
    """The addresses to connect to for ``host``; raises ``BlockedTarget`` if any of them is refused."""
    addresses = list(resolver(host, port))
    if not addresses:
        raise BlockedTarget(f"the host {host!r} does not resolve to any address")
    if allow_private:
        return addresses
    for text in addresses:
        ip = ipaddress.ip_address(text)
        why = refusal(ip)
        if why:
            shown = host if host == text else f"{host} ({text})"
            raise BlockedTarget(
                f"{shown} is a {why} address; outgoing calls go to public addresses only "
                "(the operator can allow private targets)"
            )
    return addresses


@dataclass(frozen=True, slots=True)
class CheckedURL:
    url: str
    scheme: str
    host: str
    port: int
    addresses: tuple[str, ...]


def check_url(url: str, allow_private: bool = False, schemes: Sequence[str] = ("https", "http"),
              resolver: Resolver = system_resolver) -> CheckedURL:
    """Check a URL before storing it (and again, by the transport, on every connection)."""
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise BlockedTarget("the URL contains spaces or control characters")
    try:
        parts = urlsplit(url)
    except ValueError as error:  # e.g. an unclosed [IPv6 literal
        raise BlockedTarget(f"the URL is not valid ({error})") from None
    scheme = parts.scheme.lower()
    if scheme not in schemes:
        raise BlockedTarget(f"expected a URL starting with {' or '.join(s + '://' for s in schemes)}")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        raise BlockedTarget("the URL's port is not a number from 1 to 65535") from None
    if not host:
        raise BlockedTarget("the URL has no host")
    port = port or (443 if scheme == "https" else 80)
    return CheckedURL(url, scheme, host, port, tuple(check_host(host, port, allow_private, resolver)))


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's network layer with resolution done here: checked, then connected by address."""

    def __init__(self, allow_private: bool = False, resolver: Resolver = system_resolver) -> None:
        self.allow_private = allow_private
        self.resolver = resolver

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: typing.Iterable[typing.Any] | None = None) -> httpcore.NetworkStream:
        addresses = check_host(host, port, self.allow_private, self.resolver)
        last: OSError | None = None
        for address in addresses:
            try:
                sock = socket.create_connection((address, port), timeout,
                                                source_address=(local_address, 0) if local_address else None)
            except TimeoutError as error:
                raise httpcore.ConnectTimeout(f"connecting to {host} ({address}) timed out") from error
            except OSError as error:
                last = error
                continue
            for option in socket_options or ():
                sock.setsockopt(*option)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return SyncStream(sock)
        raise httpcore.ConnectError(f"cannot connect to {host}: {last}")

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: typing.Iterable[typing.Any] | None = None) -> httpcore.NetworkStream:
        raise BlockedTarget("outgoing calls do not use Unix sockets")

    def sleep(self, seconds: float) -> None:
        httpcore.SyncBackend().sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """An httpx transport whose every connection passes ``check_host``."""

    def __init__(self, allow_private: bool = False, resolver: Resolver = system_resolver, **kwargs: typing.Any) -> None:
        super().__init__(**kwargs)
        # httpx does not take a network backend; its pool reads this attribute for each new connection.
        self._pool._network_backend = GuardedBackend(allow_private, resolver)  # type: ignore[union-attr]


def guarded_client(allow_private: bool = False, timeout: float = 10.0, resolver: Resolver = system_resolver,
                   **kwargs: typing.Any) -> httpx.Client:
    """An httpx client for shop-chosen URLs: guarded, no environment proxies, no redirects followed."""
    return httpx.Client(transport=GuardedTransport(allow_private, resolver), timeout=httpx.Timeout(timeout),
                        trust_env=False, follow_redirects=False, **kwargs)
