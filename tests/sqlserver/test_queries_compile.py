"""The querysets behind every list and detail endpoint compile to T-SQL, for every kind of caller.

A page is what WaferPagination runs: the filtered queryset with a total order, sliced to an
OFFSET page; SQL Server needs ORDER BY for OFFSET/FETCH (sqlserver.md, Pagination).
"""

import pytest
import sqlglot
from django.db.models.query import MAX_GET_RESULTS
from rest_framework.settings import api_settings
from sqlglot import exp

from api.core.pagination import with_total_order

from .endpoints import is_refused, make_view, queryset_views, viewers
from .offline import ALIAS, parse_tsql

VIEWS = queryset_views()
VIEWERS = viewers()
MUST_FIND = ("organisations/", "people/", "auth/tokens/")
MAX_PARAMETERS = 2100


def test_discovery_finds_the_known_endpoints():
    routes = list(VIEWS)
    for name in MUST_FIND:
        assert any(route.endswith("/" + name) for route in routes), f"{name} not discovered in {routes}"


def compile_sql(queryset):
    sql, params = queryset.query.get_compiler(using=ALIAS).as_sql()
    assert len(params) < MAX_PARAMETERS, f"{len(params)} parameters: SQL Server takes at most 2100 a statement"
    parse_tsql(sql)
    return sql


def count_sql(queryset, monkeypatch):
    """The statement queryset.count() sends: captured from the compiler instead of executed."""
    import mssql.compiler

    captured = []

    def capture(compiler, *args, **kwargs):
        captured.append(compiler.as_sql()[0])
        return None  # no row: count() then reports 0 without a database

    monkeypatch.setattr(mssql.compiler.SQLCompiler, "execute_sql", capture)
    queryset.using(ALIAS).count()
    assert len(captured) == 1
    parse_tsql(captured[0])
    return captured[0]


def order_by_not_selected(sql):
    """ORDER BY terms of a SELECT DISTINCT that are not in its select list: SQL Server error 145."""
    tree = sqlglot.parse_one(sql.replace("%s", "?"), read="tsql")
    if not isinstance(tree, exp.Select) or not tree.args.get("distinct") or not tree.args.get("order"):
        return []
    selected = {expression.unalias().sql("tsql") for expression in tree.expressions}
    selected |= {expression.alias_or_name for expression in tree.expressions}
    terms = [ordered.this.sql("tsql") for ordered in tree.args["order"].expressions]
    return [term for term in terms if term not in selected]


def _query_variants(view):
    """No parameters (the default list), then each ordering the endpoint offers, both directions."""
    yield {}
    ordering_fields = getattr(view, "ordering_fields", None)
    if isinstance(ordering_fields, list | tuple):
        for field in ordering_fields:
            yield {"ordering": field}
            yield {"ordering": f"-{field}"}


@pytest.mark.parametrize("viewer", list(VIEWERS))
@pytest.mark.parametrize("route", list(VIEWS))
def test_endpoint_queries_compile(sqlserver, monkeypatch, route, viewer):
    callback = VIEWS[route]
    page_size = api_settings.PAGE_SIZE or 25
    if is_refused(make_view(route, callback, VIEWERS[viewer])):
        pytest.skip(f"{viewer} is refused by the permissions of {route} before any query runs")
    compiled = 0
    for params in _query_variants(make_view(route, callback, VIEWERS[viewer])):
        view = make_view(route, callback, VIEWERS[viewer], params)
        queryset = view.filter_queryset(view.get_queryset())
        if queryset.query.is_empty():
            continue  # .none(): Django answers without sending SQL
        compiled += 1
        page = compile_sql(with_total_order(queryset)[page_size : 2 * page_size])
        assert "ORDER BY" in page and "OFFSET" in page and "FETCH" in page, page
        assert not order_by_not_selected(page), f"DISTINCT page ordered by unselected columns: {page}"
        detail = queryset.filter(**{view.lookup_field: 1})
        compile_sql(detail)
        # What get_object()'s .get() sends: ordering dropped, at most MAX_GET_RESULTS rows (TOP n).
        assert "TOP" in compile_sql(detail.order_by()[:MAX_GET_RESULTS])
        assert "COUNT" in count_sql(queryset, monkeypatch)
    if not compiled:
        pytest.skip(f"{route} gives {viewer} an empty queryset (.none()): no SQL is sent")


def test_distinct_order_rule_can_fail(sqlserver):
    from api.accounts.models import User

    sql = compile_sql(User.objects.values("given_name").distinct()[10:20])
    assert order_by_not_selected(sql)
