"""The feedback queries tests/sqlserver does not discover compile to T-SQL offline: the row lock the
services take, and the summary's grouped aggregate (the list and detail are compiled there)."""

import pytest
from django.core.exceptions import EmptyResultSet

from api.feedback.models import RUBRIC, Feedback
from api.research import access
from api.research.models import Deliverable, ResearchTask
from tests.sqlserver.conftest import _skip_without_mssql_backend, sqlserver  # noqa: F401 (fixtures)
from tests.sqlserver.endpoints import viewers
from tests.sqlserver.offline import ALIAS, parse_tsql

VIEWERS = viewers()


def test_the_feedback_row_lock_compiles_to_rowlock_updlock(sqlserver, monkeypatch):  # noqa: F811
    monkeypatch.setattr(sqlserver, "get_autocommit", lambda: False)
    sql, params = Feedback.objects.select_for_update().filter(pk=1).query.get_compiler(using=ALIAS).as_sql()
    assert "[feedback_feedback] WITH (ROWLOCK, UPDLOCK)" in sql and " JOIN " not in sql
    assert params == (1,)


def test_the_summary_aggregate_compiles(sqlserver):  # noqa: F811
    from django.db.models import Count, Sum

    grouped = (
        Feedback.objects.filter(task_id=1, hidden=False, deliverable_id=2)
        .values("deliverable_id")
        .annotate(count=Count("id"), **{name: Sum(name) for name in RUBRIC})
        .order_by("deliverable_id")
    )
    sql, _ = grouped.query.get_compiler(using=ALIAS).as_sql()
    parse_tsql(sql)
    assert "GROUP BY" in sql and "created_at" not in sql  # the default ordering does not join the grouping


def _compile(queryset):
    try:
        sql, _ = queryset.query.get_compiler(using=ALIAS).as_sql()
    except EmptyResultSet:
        return  # an access condition that matches nothing: Django sends no SQL
    parse_tsql(sql)


@pytest.mark.parametrize("viewer", list(VIEWERS))
def test_the_summary_lookups_compile_for_every_caller(sqlserver, viewer):  # noqa: F811
    user = VIEWERS[viewer]
    _compile(ResearchTask.objects.filter(access.visible(user), pk=1))
    _compile(Deliverable.objects.filter(access.on_tasks(access.full(user)), pk=1))
    _compile(ResearchTask.objects.filter(access.leads(user), pk=1))  # may_see_summary
