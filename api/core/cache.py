"""The memcached backend: connections that live as long as the process, replies read in large chunks,
keys checked at C speed, and writes that need not wait for an answer."""

import contextlib
import re

import pymemcache.client.base
from django.core.cache import caches, close_caches
from django.core.cache.backends.base import MEMCACHE_MAX_KEY_LENGTH
from django.core.cache.backends.memcached import PyMemcacheCache
from django.core.signals import request_finished
from django.utils.connection import ConnectionProxy
from pymemcache.client.base import PooledClient

# pymemcache reads replies 4 KB per recv(); a cached page (~85 KB for 50 publications, an answer or its
# rows) took ~21 calls, each with its Python overhead. 64 KB made a cached answer ~3% and a page of
# cached rows ~6% faster in process (bench.profile's requests); larger gave no more.
READ_CHUNK = 64 * 1024


# What Django's memcache_key_warnings looks for in a key, character by character in Python: ~2 µs a
# key, 0.1 ms for a page of 50 cached rows (bench/). The same test at C speed.
_UNSAFE_KEY = re.compile(r"[\x00-\x20\x7f]")


class MemcachedCache(PyMemcacheCache):
    """Django's pymemcache backend, which checks each key in one regex search rather than a Python loop
    over its characters; a key it refuses gets Django's own message."""

    def validate_key(self, key):
        if len(key) > MEMCACHE_MAX_KEY_LENGTH or _UNSAFE_KEY.search(key):
            super().validate_key(key)


def keep_connections_between_requests() -> None:
    """Django closes every cache's connections when a request finishes, because some memcached client
    libraries leak them; pymemcache's pool (`use_pooling`, api.config.env.memcached_cache) does not, and
    opening a new TCP connection for every request cost 16% of a cached answer in the benchmark (bench/).
    Caches still close when Django swaps them (tests' settings overrides) and when the process exits."""
    request_finished.disconnect(close_caches)


def read_in_large_chunks() -> None:
    """pymemcache has no option for it: its module constant is read at each recv()."""
    pymemcache.client.base.RECV_SIZE = READ_CHUNK


def _memcached(cache) -> PyMemcacheCache | None:
    backend = caches[cache._alias] if isinstance(cache, ConnectionProxy) else cache  # DRF's throttles hold the proxy
    return backend if isinstance(backend, PyMemcacheCache) else None


def incr_without_waiting(cache, key: str) -> None:
    """Add 1 to `key` if it is cached, without waiting for the answer: memcached's `incr ... noreply`
    costs one send, not a round trip (~0.1 ms in a request on the bench box), for a caller that reads
    the value later (get_many_counting, when it cannot send both together). Other backends
    (the local-memory cache of dev and tests) add 1 as usual. A missing key stays missing."""
    backend = _memcached(cache)
    if backend is not None:
        backend._cache.incr(backend.make_and_validate_key(key), 1, noreply=True)
        return
    with contextlib.suppress(ValueError):
        cache.incr(key)


def get_many_counting(cache, counted: list[str], keys: list[str]) -> dict:
    """`cache.get_many(keys)` after adding 1 to each key of `counted` that is cached (include them in
    `keys` to read the new counts). With one memcached server, the incrs go with noreply ahead of the
    get, in the same send on the same connection: one round trip in all, and the get reads them
    counted (memcached answers a connection's commands in order). Each separate noreply send cost
    about half a round trip in a cached list's hit (bench/). Otherwise: the incrs, then the get."""
    backend = _memcached(cache) if counted else None
    client = _only_server(backend) if backend is not None else None
    if client is None:
        return _counted_then_read(cache, counted, keys)
    made = {backend.make_and_validate_key(key): key for key in keys}
    counted_made = [backend.make_and_validate_key(key) for key in counted]
    try:
        with client.client_pool.get_and_release(destroy_on_fail=True) as connection:
            # pymemcache writes `<name> <keys>\r\n`: the incrs ride in front of its `get`, and it
            # reads the get's answer as usual (noreply incrs answer nothing).
            incrs = b"".join(b"incr %s 1 noreply\r\n" % connection.check_key(key, b"") for key in counted_made)
            found = connection._fetch_cmd(incrs + b"get", list(made), False, b"")
    except Exception:
        # The usual calls, through the client that keeps track of failing servers. (Should the incrs
        # have reached memcached before the failure, a count is one too high this once.)
        return _counted_then_read(cache, counted, keys)
    return {made[key]: value for key, value in found.items()}


def _counted_then_read(cache, counted: list[str], keys: list[str]) -> dict:
    for key in counted:
        incr_without_waiting(cache, key)
    return cache.get_many(keys)


def _only_server(backend):
    """The pooled pymemcache client when the cache has exactly one server and it has not been failing
    (then pymemcache's HashClient decides when to try it again), else None."""
    hashing = backend._cache
    clients = getattr(hashing, "clients", {})
    if len(clients) != 1 or getattr(hashing, "_failed_clients", None) or getattr(hashing, "_dead_clients", None):
        return None
    client = next(iter(clients.values()))
    return client if isinstance(client, PooledClient) else None


def store_without_waiting(cache, values: dict, timeout: int) -> None:
    """`cache.set_many` without waiting for memcached's answers (`set ... noreply`): a list answer or
    rows that missed are stored on the way out, one round trip (~0.1 ms) sooner. Only for keys that
    name their content (they hold the generations: api.core.response_cache), so a store that fails
    (a value over memcached's item size, a server gone) leaves nothing stale under the key, which is
    why Django's own set waits to delete it then."""
    backend = _memcached(cache)
    if backend is None:
        cache.set_many(values, timeout)
        return
    stored = {backend.make_and_validate_key(key): value for key, value in values.items()}
    backend._cache.set_many(stored, backend.get_backend_timeout(timeout), noreply=True)
