"""One computation of a missing cached value at a time, across workers (a cache stampede guard).

When a write retires a list's total, or a search is new, every request asking for it at that moment
missed the cache and would run the same COUNT. Here the first takes a lock in the shared cache (an
atomic add) and computes; the others wait for its value instead of running the query again. In the
bench's search, both wrk threads ask for each new word at the same moment, so every first COUNT
(about 27 ms of PostgreSQL each) ran twice.

A waiter never waits for long: it computes the value itself when the lock is gone without a value (the
computing request failed) or after WAIT_SECONDS, so a lost lock or a dead worker only costs what no
lock would have cost.
"""

import time

from django.core.cache import cache

from api.core.cache import store_without_waiting

LOCK_PREFIX = "computing:"
LOCK_SECONDS = 10  # a lock outlives no computation by much: a worker that dies holding it costs this once
WAIT_SECONDS = 2.0
POLL_SECONDS = 0.005


def computed_once(key: str, compute, timeout: int):
    """The value cached under `key`, computed by `compute()` and cached for `timeout` seconds if it is
    missing, by one request at a time. Never None (None is how the cache says "missing")."""
    lock = LOCK_PREFIX + key
    if cache.add(lock, 1, LOCK_SECONDS):
        try:
            value = compute()
            cache.set(key, value, timeout)  # waited for: the waiters must find it once the lock is gone
            return value
        finally:
            cache.delete(lock)
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        found = cache.get_many([key, lock])
        if key in found:
            return found[key]
        if lock not in found:  # its holder failed, or the cache lost it: compute it here
            break
    value = compute()
    store_without_waiting(cache, {key: value}, timeout)
    return value
