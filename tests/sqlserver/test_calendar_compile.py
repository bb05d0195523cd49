"""The calendar feeds' queries compile to T-SQL: TOP n in a total order, visibility as a subquery."""

import pytest

from api.accounts.models import User
from api.events import selectors

from .offline import ALIAS, parse_tsql


def compile_sql(queryset) -> str:
    sql, _ = queryset.query.get_compiler(using=ALIAS).as_sql()
    parse_tsql(sql)
    return sql


def test_the_public_feed_compiles(sqlserver):
    sql = compile_sql(selectors.public_feed_events())
    assert f"TOP {selectors.FEED_LIMIT}" in sql or f"FETCH FIRST {selectors.FEED_LIMIT}" in sql, sql
    assert "ORDER BY" in sql


@pytest.mark.parametrize("role", [User.Role.STAFF, User.Role.FACULTY])
def test_the_personal_feed_compiles(sqlserver, role):
    person = User(pk=7, role=role, is_active=True)  # no member company to look up: nothing is sent
    sql = compile_sql(selectors.personal_feed_registrations(person=person))
    assert f"TOP {selectors.FEED_LIMIT}" in sql or f"FETCH FIRST {selectors.FEED_LIMIT}" in sql, sql
