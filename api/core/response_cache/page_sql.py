"""The SQL of a visitor's list page, compiled once per process for each filter set, and run every time.

A list answer that misses the answer cache runs one query, for its page's primary keys (rows.py takes
the rows' JSON from the cache). Building that query took Django longer than the database took to run
it: the caller's visibility, the filterset with its form, the ordering, the slice, then compiling
(bench/: 1.4 ms of a 6.7 ms plain page, 3.2 ms of a 9.4 ms search). For a visitor (anonymous) the
SQL depends on nothing but the parameters the filters and the ordering read, the day and the
database: the view says so by setting `visitor_pages_compiled`. So the SQL compiled for one request
is run as it is for the next one with the same of those: another page size, a parameter no filter
reads, the same page after a write. Only the compiling is saved: the ids are always read fresh.

The first request of each filter set is built as any other (a bad value is its 400), so every key
kept here belongs to a request that passed the filters' checks; later ones with the same key would
pass them too, as the checks read only those parameters.
"""

from functools import cached_property

from django.core.exceptions import EmptyResultSet
from django.db import connections, router

from api.core.filters import StrictOrderingFilter, WaferFilterBackend
from api.core.response_cache.keys import filter_names, read_by

MAX_KEPT = 2048  # compiled slices per process (~1 KB each); all are dropped when full, and compiled again
_compiled: dict[tuple, tuple[str, tuple, str]] = {}
_checked: dict[tuple, bool] = {}  # filter sets whose parameters passed the filters' checks


def filter_set_key(view, request) -> tuple | None:
    """What a visitor's page query depends on besides the slice; None when the view has not said its
    query depends on nothing else, for a caller who is not a visitor, for rows with a variant (not a
    flat list of ids), or for a filter backend we do not know the parameters of."""
    if not getattr(view, "visitor_pages_compiled", False) or request.user.is_authenticated:
        return None
    if getattr(view, "row_variant", None) is not None:
        return None
    if any(backend not in (WaferFilterBackend, StrictOrderingFilter) for backend in view.filter_backends):
        return None
    model = getattr(view.queryset, "model", None)
    if model is None:
        return None
    read = read_by((*filter_names(view), StrictOrderingFilter.ordering_param))
    params = request.query_params
    filters = tuple(sorted((name, tuple(params.getlist(name))) for name in params if read(name)))
    return (type(view).__qualname__, router.db_for_read(model), view.cache_day().isoformat(), filters)


class CompiledPages:
    """A list's page ids as Django's Paginator takes them (`count()` and slices), from SQL compiled
    once per filter set and slice. `build()` is the list as the view builds it (filtered, ordered, a
    flat `values_list` of the primary key): built at once the first time its key is seen, so that
    its checks run, and later only when a slice is new or the total is not cached."""

    ordered = True  # the list is (build() orders it; Paginator warns otherwise)

    def __init__(self, key: tuple, build):
        self.key, self.build = key, build
        if key not in _checked:
            self.queryset  # noqa: B018 - built for its checks: a bad filter value raises its 400 here
            _keep(_checked, key, True)

    @cached_property
    def queryset(self):
        return self.build()

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, page: slice) -> list:
        key = (*self.key, page.start, page.stop)
        compiled = _compiled.get(key)
        if compiled is None:
            compiled = _compile(self.queryset[page])
            if compiled is None:
                return list(self.queryset[page])
            _keep(_compiled, key, compiled)
        sql, params, alias = compiled
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]


def _compile(queryset) -> tuple[str, tuple, str] | None:
    """The queryset's SQL, parameters and database; None when its values need converting on the way
    out or it can have no rows (the ORM then reads it, as it would have, without asking the database)."""
    alias = queryset.db
    compiler = queryset.query.get_compiler(using=alias)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    if compiler.col_count != 1 or compiler.get_converters([compiler.select[0][0]]):
        return None
    return sql, tuple(params), alias


def _keep(kept: dict, key, value) -> None:
    if len(kept) >= MAX_KEPT:
        kept.clear()
    kept[key] = value
