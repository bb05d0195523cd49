"""Rows of a cached list, each kept on its own under the list's generations.

A list answer that misses the answer cache (another page, filter or order of the same rows) reads
only the page's primary keys, then takes each row's representation from the shared cache and
builds the missing ones in one query with their prefetches. Rows are kept as JSON, rendered once
when built, so a page joins their bytes (fragments.py) instead of unpickling and encoding dicts.
The key of a row holds the resources' generations and the day, as the answer's key does, so a write
or midnight retires every row at once.
Only for lists whose rows look the same to every caller who may see them (who sees which row is
still decided by the page's query)."""

from django.conf import settings
from django.core.cache import cache

from api.core.cache import store_without_waiting
from api.core.response_cache.fragments import render_row

# Not "row:", under which earlier versions kept dicts: during a rolling deploy neither reads the other's.
ROW_PREFIX = "row-json:"


def page_rows(page: list[tuple], *, name: str, stamp: str, build) -> list[bytes]:
    """The JSON of the rows of `page`, a list of (primary key, variant), in that order. The variant is what the
    caller's representation of a row depends on (e.g. their access to it: full or summary), the same
    for every caller with that variant. `stamp` is the request's (keys.stamp: day and generations).
    `build(missing_pks)` returns the caller's representations, each with its "id"."""
    prefix = f"{ROW_PREFIX}{name}:{stamp}:"
    keys = {pk: f"{prefix}{pk}:{variant}" for pk, variant in page}
    found = cache.get_many(list(keys.values()))
    missing = [pk for pk, key in keys.items() if key not in found]
    if missing:
        built = {keys[row["id"]]: render_row(row) for row in build(missing)}
        store_without_waiting(cache, built, settings.RESPONSE_CACHE_SECONDS)
        found.update(built)
    return [found[keys[pk]] for pk, _ in page]
