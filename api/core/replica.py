"""Where reads may go when a read replica is configured (DATABASE_REPLICA_URL, api.core.db_routers).

A replica lags the primary by a moment, so a read goes there only when a stale answer cannot surprise
anyone: not inside a transaction (it would not see the transaction's own rows), and not after the same
request wrote (a client that just saved something must read it back). Both facts are per request, kept
in context variables: a thread in a threaded server and a task under ASGI each have their own.

- `ReplicaPinningMiddleware` starts every request unpinned; the router pins it at its first write.
- `replica_reads()` (a context manager and a decorator) lets reporting code read from the replica
  always: its figures may lag by seconds anyway (REPORT_CACHE_SECONDS).
- `primary_reads()` is the opposite, for answers that will be cached (api.core.response_cache).

Outside a request (management commands, the background worker) nothing unpins: after its first write a
thread reads from the primary for good, which is always correct, only less spread out.
"""

import contextlib
import contextvars

from django.conf import settings

REPLICA = "replica"

_wrote = contextvars.ContextVar("wafer_wrote_to_primary", default=False)
_replica_reads = contextvars.ContextVar("wafer_replica_reads", default=False)


def configured() -> bool:
    return REPLICA in settings.DATABASES


def note_write() -> None:
    _wrote.set(True)


def wrote() -> bool:
    return _wrote.get()


def reads_forced_to_replica() -> bool:
    return _replica_reads.get()


def alias_for_reporting() -> str:
    """For an explicit `.using(...)`: the replica when there is one, else the primary."""
    return REPLICA if configured() else "default"


@contextlib.contextmanager
def replica_reads():
    """Reads in this block go to the replica even after a write or inside a transaction (reporting)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


@contextlib.contextmanager
def primary_reads():
    """Reads in this block go to the primary. For an answer about to be cached under the current
    generation numbers (api.core.response_cache): a lagging replica could still show the data from
    before the write that bumped them, and the cache would then keep that stale answer."""
    token = _wrote.set(True)
    try:
        yield
    finally:
        _wrote.reset(token)


@contextlib.contextmanager
def request_scope():
    """A fresh start: nothing written yet, no forced replica reads."""
    wrote_token, reads_token = _wrote.set(False), _replica_reads.set(False)
    try:
        yield
    finally:
        _replica_reads.reset(reads_token)
        _wrote.reset(wrote_token)


class ReplicaPinningMiddleware:
    """First in MIDDLEWARE, so every database access of the request, middleware included, is in scope."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_scope():
            return self.get_response(request)
