"""The client's address from REMOTE_ADDR and X-Forwarded-For (api.core.client_ip): any header values give
None or one plain IP address (what the audit trail's GenericIPAddressField, an `inet` on PostgreSQL, stores),
and hops written by the client never outvote a hop our proxies vouch for."""

import ipaddress

from hypothesis import example, given
from hypothesis import strategies as st

from api.core.client_ip import client_ip
from tests.properties.support import PURE

PROXIES = ("127.0.0.1", "10.0.0.0/8")
ipv4 = st.ip_addresses(v=4).map(str)
ipv6 = st.ip_addresses(v=6).map(str)
addresses = st.one_of(ipv4, ipv6)
untrusted = addresses.filter(lambda text: not (text == "127.0.0.1" or text.startswith("10.")))
trusted = st.one_of(st.just("127.0.0.1"), st.ip_addresses(network="10.0.0.0/8").map(str))
hops = st.one_of(addresses, st.text(max_size=20), st.sampled_from(["fe80::1%eth0", "[::1]", "1.2.3.4:80", " ", ""]))


def plain_address(text: str) -> bool:
    return "%" not in text and str(ipaddress.ip_address(text)) == text


@PURE
@given(st.one_of(hops, trusted), st.lists(hops, max_size=5).map(", ".join))
@example("127.0.0.1", "fe80::1%eth0")  # a zone is no part of an address: was the answer, which `inet` refuses
@example("10.0.0.5", "fe80::1%" + "x" * 300 + ", 10.0.0.9")
def test_any_headers_give_none_or_one_plain_address(remote, forwarded):
    found = client_ip({"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded}, PROXIES)
    assert found is None or plain_address(found)


@PURE
@given(untrusted, st.lists(hops, max_size=5).map(", ".join))
def test_an_untrusted_peer_is_the_client_whatever_it_forwards(remote, forwarded):
    assert client_ip({"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded}, PROXIES) == remote


@PURE
@given(trusted, st.lists(hops, max_size=4), untrusted, st.lists(trusted, max_size=3))
def test_the_nearest_untrusted_hop_wins_over_anything_the_client_wrote_before_it(peer, written, client, proxies):
    forwarded = ", ".join([*written, client, *proxies])
    assert client_ip({"REMOTE_ADDR": peer, "HTTP_X_FORWARDED_FOR": forwarded}, PROXIES) == client
