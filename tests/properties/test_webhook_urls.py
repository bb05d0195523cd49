"""Webhook URLs (api.webhooks.safety): any text is a target or an UnsafeURL (the one error the services turn
into a 400), and an internal address is refused however it is written, also hidden inside IPv6."""

import ipaddress

from django.test import override_settings
from hypothesis import example, given
from hypothesis import strategies as st

from api.webhooks import safety
from tests.properties.support import PURE

url_parts = st.sampled_from(
    ["https://", "http://", "ftp://", "//", "[", "]", "::1", "@", ":", "%", "#", "?", "/", "example.com", "user:pw@",
     ":0", ":22", ":443", ":8443", ":99999", ":-1", "[::1]", "[fe80::1%25eth0]", "\\", " ", "\x00", "\u3002"]
)  # fmt: skip
urls = st.one_of(st.text(max_size=40), st.lists(st.one_of(url_parts, st.text(max_size=4)), max_size=8).map("".join))


@PURE
@given(urls, st.booleans())
@example("https://[", False)  # urlsplit's own ValueError ("Invalid IPv6 URL") is not an UnsafeURL
@example("https://[::1", True)
def test_any_text_is_a_target_or_an_unsafe_url(url, allow_http):
    try:
        with override_settings(WEBHOOK_ALLOW_HTTP=allow_http):
            scheme, host, port, path = safety.parse(url)
    except safety.UnsafeURL:
        return
    assert scheme == "https" or (allow_http and scheme == "http")
    assert host and path.startswith("/")
    assert 1 <= port <= 65535 and (port >= 1024 or port in (80, 443))


private_networks = st.sampled_from(
    ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16", "100.64.0.0/10", "0.0.0.0/8",
     "224.0.0.0/4", "240.0.0.0/4"]
)  # fmt: skip


@PURE
@given(private_networks.flatmap(lambda network: st.ip_addresses(network=network)))
def test_an_internal_ipv4_address_is_refused_also_inside_ipv6(address):
    assert safety.address_refused(str(address))
    assert safety.address_refused(f"::ffff:{address}")  # IPv4-mapped
    assert safety.address_refused(str(ipaddress.IPv6Address(int(ipaddress.IPv6Address("64:ff9b::")) | int(address))))
    six_to_four = ipaddress.IPv6Address((0x2002 << 112) | (int(address) << 80))
    assert safety.address_refused(str(six_to_four))


@PURE
@given(st.ip_addresses())
def test_any_address_is_refused_or_global(address):
    assert safety.address_refused(str(address)) or address.is_global
