"""The cache against a real memcached (started by .ci/run), and what an outage does."""

import time

import pytest
from django.core.cache import caches
from pymemcache.client.base import Client as PymemcacheClient

from api.config.env import memcached_cache
from tests.core.support import memcached_of_our_own


@pytest.fixture
def memcached(settings):
    memcached_of_our_own(settings)
    return caches["default"]


def test_values_round_trip_through_memcached(memcached):
    memcached.set("wafer:test", {"a": [1, 2]}, timeout=30)
    assert memcached.get("wafer:test") == {"a": [1, 2]}
    assert memcached.add("wafer:n", 1) and memcached.incr("wafer:n") == 2
    memcached.delete("wafer:test")
    assert memcached.get("wafer:test") is None


def test_django_uses_memcached_for_throttles(memcached, api, db, throttle_clock):
    window = int(throttle_clock // 60)  # api.core.throttling counts per minute window
    api.get("/api/v1/organisations/")
    api.get("/api/v1/organisations/")
    assert memcached.get(f"throttle_anon_127.0.0.1:{window}") == 2


def test_connections_outlive_a_request(memcached, api, db, monkeypatch):
    # Django closes cache connections when a request finishes; reopening one per request is waste.
    memcached.get("opens-the-connection")
    connects = []
    original = PymemcacheClient._connect
    monkeypatch.setattr(PymemcacheClient, "_connect", lambda client: (connects.append(1), original(client))[1])
    for _ in range(5):
        assert api.get("/api/v1/organisations/").status_code == 200
    assert connects == []  # every request reused the one opened above


def test_an_unreachable_memcached_slows_nothing_down_and_raises_nothing(settings):
    settings.CACHES = {"default": memcached_cache(["127.0.0.1:9"])}
    cache = caches["default"]
    started = time.monotonic()
    cache.set("k", "v")
    assert cache.get("k") is None
    assert cache.get_many(["a", "b"]) == {}
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("url", ["/api/v1/organisations/", "/api/v1/publications/"])
def test_the_api_still_answers_when_memcached_is_down(settings, api, db, url):
    settings.CACHES = {"default": memcached_cache(["127.0.0.1:9"])}
    assert [api.get(url).status_code for _ in range(3)] == [200] * 3


def test_a_cached_list_counts_its_caller_without_a_round_trip_of_its_own(
    memcached, api, db, monkeypatch, throttle_clock
):
    """The throttle's incr goes with noreply in front of the read of the generations and the answer,
    in one send: a hit is one round trip in all (api.core.cache.get_many_counting)."""
    url = "/api/v1/publications/"
    assert api.get(url)["X-Cache"] == "miss"
    trips, sent_only = [], []
    for name in ("_fetch_cmd", "_store_cmd", "_misc_cmd"):
        original = getattr(PymemcacheClient, name)

        def spy(client, *args, _original=original, _name=name, **kwargs):
            waits = not (_name == "_misc_cmd" and (args[2] if len(args) > 2 else kwargs.get("noreply")))
            (trips if waits else sent_only).append(_name)
            return _original(client, *args, **kwargs)

        monkeypatch.setattr(PymemcacheClient, name, spy)
    assert api.get(url)["X-Cache"] == "hit"
    assert (trips, sent_only) == (["_fetch_cmd"], [])
    assert memcached.get(f"throttle_anon_127.0.0.1:{int(throttle_clock // 60)}") == 2


def test_replies_are_read_in_large_chunks_and_arrive_whole(memcached):
    import pymemcache.client.base

    from api.core.cache import READ_CHUNK

    assert pymemcache.client.base.RECV_SIZE == READ_CHUNK  # set at start-up (api.core.apps)
    big = bytes(range(256)) * 1200  # ~300 KB: several chunks
    rows = {f"wafer:row:{i}": bytes([i]) * (1700 + i) for i in range(60)}
    memcached.set("wafer:big", big, timeout=30)
    memcached.set_many(rows, timeout=30)
    assert memcached.get("wafer:big") == big
    assert memcached.get_many(list(rows)) == rows


def test_a_cached_list_stores_what_it_built_without_waiting(memcached, api, db, monkeypatch):
    """A miss stores its answer and rows with noreply (api.core.cache.store_without_waiting): the next
    request reads them all back."""
    from api.publications import services

    for n in range(3):
        services.publication_create(
            title=f"Open wafer {n}", kind="paper", year=2025, access="public", authors=[{"name": "A. Writer"}]
        )
    stores = []
    original = PymemcacheClient._store_cmd

    def spy(client, name, values, expire, noreply, *args, **kwargs):
        stores.append((name, len(values), noreply))
        return original(client, name, values, expire, noreply, *args, **kwargs)

    monkeypatch.setattr(PymemcacheClient, "_store_cmd", spy)
    url = "/api/v1/publications/"
    miss = api.get(url)
    assert miss["X-Cache"] == "miss"
    # The answer and the 3 rows; the total waits for its store (single_flight's waiters look for it),
    # and the test's own transaction sets a generation (waiting).
    assert sorted(count for name, count, noreply in stores if name == b"set" and noreply) == [1, 3]
    hit = api.get(url)
    assert (hit["X-Cache"], hit.content) == ("hit", miss.content)
    other_page = api.get(url, {"page_size": 2, "page": 2})
    assert other_page.json()["count"] == 3 and other_page["X-Cache"] == "miss"


@pytest.mark.parametrize("bad", ["two words", "tab\there", "new\nline", "del\x7f", "x" * 251, "nul\x00"])
def test_keys_memcached_would_refuse_are_refused_with_django_s_message(memcached, bad):
    from django.core.cache.backends.base import InvalidCacheKey, memcache_key_warnings

    with pytest.raises(InvalidCacheKey) as refused:
        memcached.set(bad, 1)
    assert str(refused.value) == next(memcache_key_warnings(memcached.make_key(bad)))


def test_every_other_key_is_accepted(memcached):
    keys = ["answer:abc", "row-json:publication:2026-11-27:1.2:5:", "é-ünïcode", "x" * 200, "!#$%&'()*+,-./~"]
    memcached.set_many({key: n for n, key in enumerate(keys)}, timeout=30)
    assert memcached.get_many(keys) == {key: n for n, key in enumerate(keys)}


def test_a_cached_list_s_throttle_counts_exactly_on_memcached(memcached, api, db, monkeypatch, throttle_clock):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "anon": "3/min"})
    url = "/api/v1/publications/"
    window = int(throttle_clock // 60)
    first = api.get(url)
    answers = [first["X-Cache"], api.get(url)["X-Cache"], api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])["X-Cache"]]
    assert answers == ["miss", "hit", "not-modified"]
    assert memcached.get(f"throttle_anon_127.0.0.1:{window}") == 3
    refused = api.get(url)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
