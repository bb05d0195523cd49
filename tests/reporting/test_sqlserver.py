"""The report aggregates compile to T-SQL offline for every kind of caller (tests/sqlserver discovers
only views with a queryset; these are plain APIViews)."""

import datetime

import pytest
from django.core.exceptions import EmptyResultSet

from api.reporting import selectors
from api.reporting.selectors import Scope
from tests.sqlserver.conftest import _skip_without_mssql_backend, sqlserver  # noqa: F401 (fixtures)
from tests.sqlserver.endpoints import viewers
from tests.sqlserver.offline import ALIAS, parse_tsql

VIEWERS = viewers()
NOW = datetime.datetime(2026, 3, 15, 12, tzinfo=datetime.UTC)
DATES = {"from": datetime.date(2025, 1, 1), "to": datetime.date(2026, 3, 31), "limit": 10}


def _compile(queryset):
    if queryset is None:
        return
    try:
        sql, params = queryset.query.get_compiler(using=ALIAS).as_sql()
    except EmptyResultSet:
        return
    assert len(params) < 2100
    parse_tsql(sql)
    return sql


def _scope(user):
    company = user.organisation if user.role == "member" and user.organisation.active else None
    return Scope(user=user, company=company)


@pytest.mark.parametrize("viewer", ["staff", "member", "recruiter"])
def test_report_aggregates_compile(sqlserver, viewer):  # noqa: F811
    scope = _scope(VIEWERS[viewer])
    filters = DATES | {"program": 1, "kind": "paper", "event": 1, "company": 2, "publication": 3}
    _compile(selectors.publication_counts(scope=scope, filters=filters))
    _compile(selectors.publication_total(scope=scope, filters=filters))
    for group_by in ("program", "task"):
        deliverables = selectors.deliverable_counts(
            scope=scope, filters=filters | {"group_by": group_by}, now=NOW, today=NOW.date()
        )
        assert "GROUP BY" in _compile(deliverables)
    for group_by in ("event", "company", "consortium"):
        _compile(selectors.registration_counts(filters=filters, group_by=group_by, now=NOW, organisation_id=5))
    _compile(selectors.profile_counts(scope=scope, filters=filters))
    _compile(selectors.profile_view_counts(filters=filters, organisation_id=5))


@pytest.mark.parametrize("watermark", [None, datetime.date(2025, 6, 1)])
def test_usage_queries_compile(sqlserver, watermark):  # noqa: F811
    filters = {"from": datetime.date(2025, 1, 1), "to": datetime.date(2026, 3, 1), "publication": 3, "company": 2}
    queries = selectors.usage_queries(
        filters=filters, group_by=("month", "company", "publication"), organisation_id=5, watermark=watermark
    )
    for queryset in (queries.rolled, queries.downloads, queries.files, queries.views):
        _compile(queryset)
    # Months are truncated in UTC, and the file's key is cast to text (never the logged text to a number).
    downloads = _compile(queries.downloads)
    files = _compile(queries.files)
    assert "GROUP BY" in downloads and "CAST" in files.upper()
