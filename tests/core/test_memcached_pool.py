"""MEMCACHED_SERVERS with several servers: one pool with consistent hashing, and a dead server costs
cache misses for its share of the keys, never a failed request.

Two real memcached processes on free 127.0.0.1 ports, started and killed by the test (bounded).
"""

import contextlib
import os
import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import caches
from pymemcache.client.hash import HashClient

from api.config.env import memcached_cache

MEMCACHED = shutil.which("memcached")

pytestmark = pytest.mark.skipif(
    MEMCACHED is None and not os.environ.get("CI"),
    reason="memcached is not installed (apt-get install memcached; CI installs it)",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _listening(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
        return True
    return False


@pytest.fixture
def two_memcached(settings):
    assert MEMCACHED, "memcached is not installed (.ci/run installs it)"
    ports = [_free_port(), _free_port()]
    user = ["-u", "root"] if os.geteuid() == 0 else []  # memcached refuses root without it
    procs = [subprocess.Popen([MEMCACHED, *user, "-l", "127.0.0.1", "-p", str(p), "-U", "0", "-m", "8"]) for p in ports]
    try:
        deadline = time.monotonic() + 5
        while not all(_listening(p) for p in ports):
            assert time.monotonic() < deadline, "memcached did not start"
            time.sleep(0.05)
        # Ours, not another process's memcached that took a port between _free_port and the start
        # (a benchmark's, say, whose throttle counters would then be ours): a memcached that could not
        # bind exits at once.
        time.sleep(0.3)
        assert len(set(ports)) == 2 and all(proc.poll() is None for proc in procs), "a port was taken"
        settings.CACHES = {"default": memcached_cache([f"127.0.0.1:{p}" for p in ports])}
        yield caches["default"], ports, procs
    finally:
        for proc in procs:
            proc.kill()
            proc.wait(timeout=5)


def _server_of(cache, key: str):
    return cache._cache._get_client(cache.make_and_validate_key(key)).server


def _items(client) -> int:
    return int(client.stats()[b"curr_items"])


def test_several_servers_make_one_consistent_hashing_pool(two_memcached):
    cache, ports, _ = two_memcached
    pool = cache._cache
    assert isinstance(pool, HashClient)
    assert sorted(client.server for client in pool.clients.values()) == sorted(("127.0.0.1", p) for p in ports)
    assert pool.ignore_exc is True and pool.use_pooling is True
    assert all(c.connect_timeout == 0.2 and c.timeout == 0.2 for c in pool.clients.values())
    for i in range(40):
        cache.set(f"pool:{i}", i)
    counts = [_items(client) for client in pool.clients.values()]
    assert sum(counts) == 40 and all(count > 0 for count in counts), counts  # the keys are spread
    assert cache.get_many([f"pool:{i}" for i in range(40)]) == {f"pool:{i}": i for i in range(40)}


def test_a_dead_server_fails_no_request_and_its_keys_move_to_the_other(two_memcached, api, db):
    cache, ports, procs = two_memcached
    pool = cache._cache
    dead = 1
    dead_server = ("127.0.0.1", ports[dead])
    # A key that the dead server holds.
    key = next(f"k{i}" for i in range(1000) if _server_of(cache, f"k{i}") == dead_server)
    cache.clear()  # no throttle history but this test's
    procs[dead].kill()
    procs[dead].wait(timeout=5)

    started = time.monotonic()
    for _ in range(5):
        response = api.get("/api/v1/organisations/")
        assert response.status_code == 200, response.content  # throttling and sessions use the cache
    assert time.monotonic() - started < 5

    # pymemcache tries the dead server retry_attempts times, retry_timeout apart, then hashes its keys
    # to the living servers until dead_timeout has passed (then it tries it again).
    started, moved = time.monotonic(), None
    while time.monotonic() - started < 10:
        cache.set(key, "here")
        if cache.get(key) == "here":
            moved = time.monotonic() - started
            break
        time.sleep(0.1)
    print(f"\none of two memcached servers killed: its keys served by the other after {moved} s")
    assert moved is not None, "the dead server's keys never moved to the living one"
    assert dead_server in pool._dead_clients and _server_of(cache, key) != dead_server
