"""One computation of a missing cached value at a time (api.core.response_cache.single_flight)."""

import threading
import time

import pytest
from django.core.cache import cache

from api.core.response_cache import single_flight
from api.core.response_cache.single_flight import LOCK_PREFIX, computed_once


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def counting(value, seconds=0.0):
    calls = []

    def compute():
        calls.append(threading.get_ident())
        time.sleep(seconds)
        return value

    return compute, calls


def test_a_missing_value_is_computed_cached_and_the_lock_released():
    compute, calls = counting(42)
    assert computed_once("count:k", compute, 60) == 42
    assert cache.get("count:k") == 42 and cache.get(LOCK_PREFIX + "count:k") is None
    assert len(calls) == 1


def test_requests_missing_it_together_compute_it_once():
    compute, calls = counting(7, seconds=0.2)
    results = []
    threads = [threading.Thread(target=lambda: results.append(computed_once("count:k", compute, 60))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [7, 7, 7, 7]
    assert len(calls) == 1


def test_a_waiter_computes_it_when_the_holder_failed():
    cache.add(LOCK_PREFIX + "count:k", 1, 10)  # another worker computes...
    compute, calls = counting(5)
    threading.Timer(0.05, cache.delete, [LOCK_PREFIX + "count:k"]).start()  # ...and fails, storing nothing
    started = time.monotonic()
    assert computed_once("count:k", compute, 60) == 5
    assert len(calls) == 1 and time.monotonic() - started < 1


def test_a_waiter_never_waits_longer_than_its_limit(monkeypatch):
    monkeypatch.setattr(single_flight, "WAIT_SECONDS", 0.1)
    cache.add(LOCK_PREFIX + "count:k", 1, 10)  # held by a worker that died
    compute, calls = counting(3)
    started = time.monotonic()
    assert computed_once("count:k", compute, 60) == 3
    assert 0.1 <= time.monotonic() - started < 1 and len(calls) == 1


def test_a_failing_computation_raises_and_releases_the_lock():
    def compute():
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        computed_once("count:k", compute, 60)
    assert cache.get(LOCK_PREFIX + "count:k") is None and cache.get("count:k") is None
