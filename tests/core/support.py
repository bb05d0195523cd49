"""Helpers shared by the core tests (plain functions and constants; fixtures are in the test modules)."""

import os
import socket
import uuid

import pytest

from api.config.env import memcached_cache

# The memcached .ci/run starts; a developer's own with `memcached -d -l 127.0.0.1`.
MEMCACHED_SERVERS = [s for s in os.environ.get("MEMCACHED_TEST_SERVERS", "127.0.0.1:11211").split(",") if s]


def _reachable(server: str) -> bool:
    host, port = server.rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=0.5):
            return True
    except OSError:
        return False


def require_memcached() -> list[str]:
    """The test memcached servers; skip the test without one, or fail it in CI, which starts one."""
    if not _reachable(MEMCACHED_SERVERS[0]):
        if os.environ.get("CI"):
            pytest.fail(f"memcached is not running on {MEMCACHED_SERVERS[0]} (.ci/run starts it)")
        pytest.skip(f"memcached is not running on {MEMCACHED_SERVERS[0]}: `memcached -d -l 127.0.0.1` to run this")
    return MEMCACHED_SERVERS


def memcached_of_our_own(settings) -> str:
    """Django's cache on the test memcached, under a key prefix of its own instead of a flush: other
    test runs, a farm or a benchmark may be using the same memcached (a flush would empty theirs, and
    their keys, a throttle's count say, would be read as ours). Returns the prefix."""
    prefix = f"wafer-test-{uuid.uuid4().hex}"
    settings.CACHES = {"default": {**memcached_cache(require_memcached()), "KEY_PREFIX": prefix}}
    return prefix
