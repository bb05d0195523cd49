"""A page's total from the shared cache: COUNT(*) over a large filtered table costs more than the
page itself (a scan of every visible row), and the total only changes when the filters, the caller,
the day or the resources' generations do. Every page, ordering and page size of one filtered list
shares it, so a list answer missing the response cache still skips the COUNT."""

from functools import cached_property, partial

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator

from api.core.response_cache.single_flight import computed_once

COUNT_PREFIX = "count:"


class CountedPaginator(Paginator):
    """Counts through the cache when the view caches its list (`count_key`), and with the view's own
    `count_rows(queryset)` when it has a cheaper way to the same number than `queryset.count()`."""

    def __init__(self, *args, count_key: str | None, count_rows=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = None if count_key is None else COUNT_PREFIX + count_key
        self.count_rows = count_rows

    @cached_property
    def count(self) -> int:
        if self.count_key is None:
            return self._counted()
        found = cache.get(self.count_key)
        if found is None:  # one COUNT at a time, however many requests missed it together
            found = computed_once(self.count_key, self._counted, settings.RESPONSE_CACHE_SECONDS)
        return found

    def _counted(self) -> int:
        return Paginator.count.func(self) if self.count_rows is None else self.count_rows(self.object_list)


def paginator_class(view, request):
    """Django's paginator, or one counting through the cache or the view's `count_rows`."""
    key = getattr(view, "count_key", lambda request: None)(request)
    count_rows = getattr(view, "count_rows", None)
    if key is None and count_rows is None:
        return Paginator
    return partial(CountedPaginator, count_key=key, count_rows=count_rows)
