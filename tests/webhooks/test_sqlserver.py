"""The webhook statements tests/sqlserver does not discover compile to T-SQL offline: the row locks
(watermark, endpoint, delivery), the dispatcher's page of changes, the lease update and the sweep."""

import datetime

from django.db.models import Q
from django.db.models.sql import UpdateQuery

from api.changes.models import Change
from api.webhooks import dispatch, sending
from api.webhooks.models import Delivery, DispatchState, Endpoint
from tests.sqlserver.conftest import _skip_without_mssql_backend, sqlserver  # noqa: F401 (fixtures)
from tests.sqlserver.offline import ALIAS, parse_tsql

NOW = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)


def compile_sql(queryset):
    sql, params = queryset.query.get_compiler(using=ALIAS).as_sql()
    parse_tsql(sql)
    return sql, params


def test_row_locks_compile_to_rowlock_updlock(sqlserver, monkeypatch):  # noqa: F811
    monkeypatch.setattr(sqlserver, "get_autocommit", lambda: False)
    for model in (DispatchState, Endpoint, Delivery):
        sql, params = model.objects.select_for_update().filter(pk=1).query.get_compiler(using=ALIAS).as_sql()
        assert f"[{model._meta.db_table}] WITH (ROWLOCK, UPDLOCK)" in sql and " JOIN " not in sql
        assert params == (1,)


def test_the_dispatchers_reads_compile(sqlserver):  # noqa: F811
    sql, _ = compile_sql(Change.objects.filter(seq__gt=10).order_by("seq")[: dispatch.BATCH])
    assert f"TOP {dispatch.BATCH}" in sql and "ORDER BY" in sql
    compile_sql(dispatch.eligible_endpoints())
    sql, params = compile_sql(dispatch._existing([Change(pk=n) for n in range(1, dispatch.BATCH + 1)]))
    assert len(params) < 2100


def test_a_delivery_batch_stays_under_the_parameter_limit():
    columns = len([field for field in Delivery._meta.concrete_fields if not field.primary_key])
    assert dispatch.INSERT_BATCH * columns < 2100


def test_the_lease_and_the_sweep_compile(sqlserver):  # noqa: F811
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=NOW)
    free = Q(locked_until__isnull=True) | Q(locked_until__lte=NOW)
    sql, _ = compile_sql(Delivery.objects.filter(due, free, status__in=sending.OPEN).order_by("id")[:500])
    assert "TOP 500" in sql
    # The lease: one UPDATE that takes an open, due, free delivery (two workers cannot both win it).
    query = Delivery.objects.filter(due, free, pk=1, status__in=sending.OPEN).query.chain(UpdateQuery)
    query.add_update_values({"locked_until": NOW})
    sql, _ = query.get_compiler(using=ALIAS).as_sql()
    parse_tsql(sql)
    assert "UPDATE [webhooks_delivery] SET [locked_until]" in sql
