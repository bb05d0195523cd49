"""The cache against a real memcached (started by .ci/run), and what an outage does."""

import time

import pytest
from django.core.cache import caches
from pymemcache.client.base import Client as PymemcacheClient

from api.config.env import memcached_cache
from tests.core.support import MEMCACHED_SERVERS, require_memcached

SERVERS = MEMCACHED_SERVERS


@pytest.fixture
def memcached(settings):
    require_memcached()
    settings.CACHES = {"default": memcached_cache(SERVERS)}
    cache = caches["default"]
    cache.clear()
    yield cache
    cache.clear()


def test_values_round_trip_through_memcached(memcached):
    memcached.set("wafer:test", {"a": [1, 2]}, timeout=30)
    assert memcached.get("wafer:test") == {"a": [1, 2]}
    assert memcached.add("wafer:n", 1) and memcached.incr("wafer:n") == 2
    memcached.delete("wafer:test")
    assert memcached.get("wafer:test") is None


def test_django_uses_memcached_for_throttles(memcached, api, db):
    windows = {int(time.time() // 60)}  # api.core.throttling counts per minute window
    api.get("/api/v1/organisations/")
    api.get("/api/v1/organisations/")
    windows.add(int(time.time() // 60))
    assert sum(memcached.get(f"throttle_anon_127.0.0.1:{w}") or 0 for w in windows) == 2


def test_connections_outlive_a_request(memcached, api, db, monkeypatch):
    # Django closes cache connections when a request finishes; reopening one per request is waste.
    connects = []
    original = PymemcacheClient._connect
    monkeypatch.setattr(PymemcacheClient, "_connect", lambda client: (connects.append(1), original(client))[1])
    for _ in range(5):
        assert api.get("/api/v1/organisations/").status_code == 200
    assert connects == []  # the fixture's clear() opened the connection; every request reused it


def test_an_unreachable_memcached_slows_nothing_down_and_raises_nothing(settings):
    settings.CACHES = {"default": memcached_cache(["127.0.0.1:9"])}
    cache = caches["default"]
    started = time.monotonic()
    cache.set("k", "v")
    assert cache.get("k") is None
    assert cache.get_many(["a", "b"]) == {}
    assert time.monotonic() - started < 2


def test_the_api_still_answers_when_memcached_is_down(settings, api, db):
    settings.CACHES = {"default": memcached_cache(["127.0.0.1:9"])}
    assert api.get("/api/v1/organisations/").status_code == 200


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
