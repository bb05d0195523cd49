import pytest

from api.core.client_ip import client_ip

PROXIES = ["127.0.0.1", "10.0.0.0/8"]


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.7", "", "203.0.113.7"),  # direct client
        ("203.0.113.7", "1.2.3.4", "203.0.113.7"),  # an untrusted peer cannot claim another address
        ("127.0.0.1", "198.51.100.9", "198.51.100.9"),  # our proxy tells us the client
        ("127.0.0.1", "6.6.6.6, 198.51.100.9", "198.51.100.9"),  # the client's own hop is ignored
        ("127.0.0.1", "198.51.100.9, 10.1.2.3", "198.51.100.9"),  # two of our proxies in a row
        ("127.0.0.1", "10.1.2.3", "10.1.2.3"),  # everything trusted: the leftmost hop
        ("127.0.0.1", "", "127.0.0.1"),  # proxy sent nothing
        ("127.0.0.1", "garbage", "127.0.0.1"),  # garbled header: believe only the peer
        ("127.0.0.1", "2001:db8::1", "2001:db8::1"),
        ("not-an-ip", "1.2.3.4", None),
    ],
)
def test_client_ip_believes_only_trusted_proxies(remote, forwarded, expected):
    meta = {"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded}
    assert client_ip(meta, PROXIES) == expected


def test_without_trusted_proxies_the_peer_is_the_client():
    assert client_ip({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, []) == "127.0.0.1"


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # A client behind our two proxies pre-seeds hops: the walk stops at the first untrusted one from the right.
        ("127.0.0.1", "6.6.6.6, 7.7.7.7, 198.51.100.9, 10.0.0.5", "198.51.100.9"),
        # HAProxy in the farm replaces the header with the peer: the client's own claims never arrive.
        ("127.0.0.1", "127.0.0.1", "127.0.0.1"),
        # A garbled hop ends the walk at the last good (trusted) hop; nothing to its left is believed.
        ("127.0.0.1", "198.51.100.9, bogus, 10.1.2.3", "10.1.2.3"),
        ("::1", "198.51.100.9", "::1"),  # IPv6 loopback is not trusted unless listed
    ],
)
def test_walk_from_the_right_stops_at_the_first_untrusted_hop(remote, forwarded, expected):
    meta = {"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded}
    assert client_ip(meta, PROXIES) == expected


def test_the_middleware_uses_the_trusted_proxies_setting(settings, rf):
    from api.core.middleware import ClientIPMiddleware

    seen = {}

    def view(request):
        seen["ip"] = request.client_ip
        return None

    middleware = ClientIPMiddleware(view)
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    middleware(rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.9"))
    assert seen["ip"] == "198.51.100.9"
    middleware(rf.get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.9"))
    assert seen["ip"] == "203.0.113.7"  # a spoofed header from an untrusted peer is ignored
    settings.TRUSTED_PROXIES = []
    middleware(rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9"))
    assert seen["ip"] == "127.0.0.1"
