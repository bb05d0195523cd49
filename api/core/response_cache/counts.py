"""A page's total from the shared cache: COUNT(*) over a large filtered table costs more than the
page itself (a scan of every visible row), and the total only changes when the filters, the caller,
the day or the resources' generations do. Every page, ordering and page size of one filtered list
shares it, so a list answer missing the response cache still skips the COUNT."""

from functools import cached_property, partial

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator

COUNT_PREFIX = "count:"


class CountedPaginator(Paginator):
    def __init__(self, *args, count_key: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = COUNT_PREFIX + count_key

    @cached_property
    def count(self) -> int:
        found = cache.get(self.count_key)
        if found is None:
            found = Paginator.count.func(self)
            cache.set(self.count_key, found, settings.RESPONSE_CACHE_SECONDS)
        return found


def paginator_class(view, request):
    """Django's paginator, or one counting through the cache when the view caches its list."""
    key = getattr(view, "count_key", lambda request: None)(request)
    return Paginator if key is None else partial(CountedPaginator, count_key=key)
