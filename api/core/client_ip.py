"""The client's IP address, taken from X-Forwarded-For only when the peer is a trusted proxy.

mod_rpaf in the seed; here the rule is: walk X-Forwarded-For from the right (the hops our own
proxies appended) and stop at the first address that is not one of our proxies. Anything to the
left of it was written by the client and cannot be believed.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(item, strict=False) for item in proxies)


def _parse(address: str):
    try:
        parsed = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return None
    # A zone (`fe80::1%eth0`) names an interface of the sender's host, not an address: the audit trail's
    # GenericIPAddressField (an `inet` on PostgreSQL) refuses it, so every audited write would fail.
    return None if getattr(parsed, "scope_id", None) else parsed


def is_trusted_proxy(address, proxies: tuple[str, ...]) -> bool:
    return address is not None and any(address in network for network in _networks(proxies))


def client_ip(meta: dict, trusted_proxies=None) -> str | None:
    proxies = tuple(settings.TRUSTED_PROXIES if trusted_proxies is None else trusted_proxies)
    peer = _parse(meta.get("REMOTE_ADDR", ""))
    if peer is None:
        return None
    if not is_trusted_proxy(peer, proxies):
        return str(peer)
    hops = [hop for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    nearest = peer
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            break  # a garbled hop: believe nothing beyond the last good one
        nearest = address
        if not is_trusted_proxy(address, proxies):
            break
    return str(nearest)
