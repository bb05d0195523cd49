"""A search's totals and migration 0008's UPDATEs compile to T-SQL: the bench runs them on PostgreSQL
only, and the endpoint sweep (test_queries_compile) never searches nor counts."""

import importlib
from types import SimpleNamespace

import mssql.compiler
import pytest
from django.apps import apps
from django.db import connections, router

from api.publications import search
from api.publications.access import public_on, today
from api.publications.models import Publication

from .offline import ALIAS, parse_tsql


@pytest.fixture
def captured(sqlserver, monkeypatch):
    """The statements sent, compiled for SQL Server instead of run: reads on the `mssql` alias, and
    every SELECT and UPDATE answered with nothing."""
    statements = []

    def capture(compiler, *args, **kwargs):
        statement, params = compiler.as_sql()
        assert len(params) < 2100, "SQL Server takes at most 2100 parameters a statement"
        parse_tsql(statement)
        statements.append(statement)
        return None

    monkeypatch.setattr(router, "db_for_read", lambda model, **hints: ALIAS)
    monkeypatch.setattr(mssql.compiler.SQLCompiler, "execute_sql", capture)
    monkeypatch.setattr(mssql.compiler.SQLUpdateCompiler, "execute_sql", lambda compiler, *a: capture(compiler) or 0)
    return statements


def test_a_visitors_search_total_reads_the_words_alone(captured):
    search.count_public("wafer", today())
    search.count_public("wafer bond", today())
    one_word, two_words = captured
    assert "COUNT_BIG(DISTINCT" in one_word and "[public_from] <=" in one_word
    assert "[publications_publication]" not in one_word and "T3.[word] LIKE" in two_words


def test_a_filtered_search_total_reads_the_filtered_list(captured):
    visible = Publication.objects.filter(public_on(today()), kind="paper")
    search.count(visible, "wafer bond")
    [statement] = captured
    assert "COUNT_BIG(DISTINCT" in statement and "[kind] =" in statement


def test_migration_0008_fills_the_day_in_two_updates(captured):
    migration = importlib.import_module("api.publications.migrations.0008_search_words_public_from")
    migration.fill_public_from(apps, SimpleNamespace(connection=connections[ALIAS]))
    assert len(captured) == 2
    assert all("UPDATE [publications_searchword] SET [public_from] =" in statement for statement in captured)
