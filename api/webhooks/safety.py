"""Which webhook URLs Wafer posts to: never into its own network (server-side request forgery).

An endpoint URL is checked when it is registered or changed, and again before every attempt
(DNS answers change). The check resolves the host and refuses the URL when *any* address is
loopback, private, link-local, shared (CGNAT), multicast, reserved or unspecified — also when
the address hides inside IPv6 (IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4, Teredo).
The connection is then made to an address that was checked (transport.py), with the URL's host
name sent as `Host` and used for TLS, so a DNS answer that changes between the check and the
connection (DNS rebinding) cannot move the request elsewhere.

Also refused: schemes other than https (http only when WEBHOOK_ALLOW_HTTP is on), user names or
passwords in the URL (they would be sent as credentials and they leak into logs), fragments, and
ports below 1024 other than 80 and 443: those are the well-known ports of other protocols (SSH 22,
SMTP 25, LDAP 389, ...), never a webhook receiver's, and refusing them keeps Wafer from being used
to poke at such services on public hosts. Unprivileged ports (1024-65535) stay allowed, as
receivers often listen on 8080 or 8443.

WEBHOOK_ALLOW_PRIVATE_URLS turns the address rule off (a receiver on the same network, the tests'
receiver on 127.0.0.1); the other rules always apply.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

DEFAULT_PORTS = {"https": 443, "http": 80}
NAT64 = ipaddress.ip_network("64:ff9b::/96")
SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT: not global, yet not "private" in 3.11


class UnsafeURL(ValueError):
    """The URL may not be posted to; the message says why, for the person registering it."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as in the URL (Host header, TLS server name); IPv6 without brackets
    port: int
    path: str  # path and query, as sent in the request line
    addresses: tuple[str, ...]  # checked addresses, in the resolver's order


def _embedded(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    inner = []
    if address.ipv4_mapped is not None:
        inner.append(address.ipv4_mapped)
    if address in NAT64:
        inner.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    if address.sixtofour is not None:
        inner.append(address.sixtofour)
    if address.teredo is not None:
        inner.extend(address.teredo)
    return inner


def _is_internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (address.version == 4 and address in SHARED)
        or not address.is_global
    )


def address_refused(raw: str) -> bool:
    """True when `raw` (an IP address as the resolver gives it) points inside a network."""
    address = ipaddress.ip_address(raw.split("%", 1)[0])  # drop an IPv6 zone (fe80::1%eth0)
    if _is_internal(address):
        return True
    return address.version == 6 and any(_is_internal(inner) for inner in _embedded(address))


def _port(parts) -> int:
    try:
        port = parts.port
    except ValueError as exc:
        raise UnsafeURL("The port is not a number from 1 to 65535.") from exc
    if port is None:
        return DEFAULT_PORTS[parts.scheme]
    if port < 1024 and port not in DEFAULT_PORTS.values():
        raise UnsafeURL("Use port 80, 443 or 1024 and above: lower ports belong to other protocols.")
    return port


def parse(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of an acceptable URL, without resolving it."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # "Invalid IPv6 URL" (an unclosed `[`): refused like any other bad URL
        raise UnsafeURL("This is not a URL (check the brackets around an IPv6 address).") from exc
    allowed = ("https", "http") if settings.WEBHOOK_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed:
        raise UnsafeURL("The URL must start with https://." if len(allowed) == 1 else "Use an http(s) URL.")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise UnsafeURL("The URL may not hold a user name or password; the signature authenticates Wafer.")
    if parts.fragment:
        raise UnsafeURL("The URL may not have a #fragment (it would never be sent).")
    if not parts.hostname:
        raise UnsafeURL("The URL needs a host name.")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, _port(parts), path


def resolve(host: str, port: int) -> tuple[str, ...]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise UnsafeURL(f"The host {host!r} cannot be resolved.") from exc
    addresses = tuple(dict.fromkeys(info[4][0] for info in found))
    if not addresses:
        raise UnsafeURL(f"The host {host!r} cannot be resolved.")
    return addresses


def check(url: str) -> Target:
    """The URL's target with its checked addresses; UnsafeURL when Wafer may not post there."""
    scheme, host, port, path = parse(url)
    addresses = resolve(host, port)
    if not settings.WEBHOOK_ALLOW_PRIVATE_URLS:
        refused = [address for address in addresses if address_refused(address)]
        if refused:
            raise UnsafeURL(
                f"The host {host!r} resolves to an internal address ({refused[0]}); webhooks go to public addresses."
            )
    return Target(scheme=scheme, host=host, port=port, path=path, addresses=addresses)
