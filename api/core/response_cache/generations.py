"""Generation numbers per cached resource, bumped after each committed write that touches it."""

import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from api.core.audit.services import audited
from api.core.cache import get_many_counting

PREFIX = "gen:"
# A generation outlives any answer built from it (answers expire long before this).
TIMEOUT = 30 * 24 * 3600
# What each watched model's writes invalidate: model class -> resource names.
_watched: dict[type, set[str]] = {}


def current(resources: tuple[str, ...]) -> str:
    """The resources' generations as one string, for a cache key. A missing number (a new or
    restarted cache) starts from the clock, never from a number an older answer was built with."""
    return current_and(resources, [])[0]


def current_and(resources: tuple[str, ...], also: list[str], counted: list[str] = ()) -> tuple[str, dict]:
    """`current(resources)`, and whichever of the cache keys `also` are cached, read in the same round
    trip (api.core.response_cache.views reads an answer so, under the generations it expects), after
    adding 1 to the counts `counted` (a throttle's: api.core.cache.get_many_counting)."""
    flush = _registered_flush()
    if flush is not None:
        # This transaction wrote to them and now reads them: its answer must not be the one from
        # before its own write (nor from before its previous read).
        for name in flush.dirty.intersection(resources):
            _increment(name)
            flush.dirty.discard(name)
    keys = [PREFIX + name for name in resources]
    found = get_many_counting(cache, list(counted), keys + also)
    for key in keys:
        if key not in found:
            cache.add(key, time.time_ns(), timeout=TIMEOUT)
            found[key] = cache.get(key, time.time_ns())
    return ".".join(str(found[key]) for key in keys), {key: found[key] for key in also if key in found}


class _Flush:
    """One transaction's bumps: applied when it commits, and before its own reads of them."""

    def __init__(self):
        self.names: set[str] = set()
        self.dirty: set[str] = set()

    def __call__(self):
        for name in sorted(self.names):
            _increment(name)


def _registered_flush() -> _Flush | None:
    connection = transaction.get_connection()
    flush = getattr(connection, "_response_cache_flush", None)
    # A rollback drops the callback from run_on_commit (its entries are (sids, func, robust)).
    if connection.in_atomic_block and flush is not None and any(e[1] is flush for e in connection.run_on_commit):
        return flush
    return None


def bump(*resources: str) -> None:
    """Invalidate the resources' cached answers once the current transaction commits (at once
    outside one), and before the transaction's own next read of them.

    Not at the write itself: a concurrent reader would then cache pre-commit data under the new
    number. Many writes in one transaction (an import of thousands of rows) bump each resource once."""
    if not transaction.get_connection().in_atomic_block:
        for name in resources:
            _increment(name)
        return
    flush = _registered_flush()
    if flush is None:
        flush = transaction.get_connection()._response_cache_flush = _Flush()
        transaction.on_commit(flush)
    flush.names.update(resources)
    flush.dirty.update(resources)


def _increment(name: str) -> None:
    try:
        cache.incr(PREFIX + name)
    except ValueError:  # not in the cache (evicted, restarted, unreachable): start afresh
        cache.set(PREFIX + name, time.time_ns(), timeout=TIMEOUT)


def watch(resource: str, *models) -> None:
    """Writes to these models (saves, deletes, many-to-many changes, audited service writes,
    which include bulk writes that send no model signals) invalidate `resource`."""
    for model in models:
        _watched.setdefault(model, set()).add(resource)
        post_save.connect(_on_save, sender=model, dispatch_uid=f"response-cache-save-{model._meta.label}")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"response-cache-delete-{model._meta.label}")
        m2m_changed.connect(_on_write, sender=model, dispatch_uid=f"response-cache-m2m-{model._meta.label}")


# Signing in saves only `last_login`: that changes no answer, and bumping on it would empty the
# cache at every sign-in.
IRRELEVANT_UPDATES = frozenset({"last_login"})


def _on_save(sender, update_fields=None, **kwargs):
    if update_fields and set(update_fields) <= IRRELEVANT_UPDATES:
        return
    _on_write(sender)


def _on_write(sender, **kwargs):
    resources = _watched.get(sender)
    if resources:
        bump(*resources)


def _on_audited(sender, **kwargs):
    _on_write(sender)


audited.connect(_on_audited, dispatch_uid="response-cache-audited")
