"""The citation export's own queries compile to T-SQL and stay under 2100 parameters: the id list
(TOP n, in the list's order), then per chunk the publications and their authors (IN lists of at most
CHUNK_SIZE ids)."""

import pytest

from api.publications import citations
from api.publications.models import Publication
from api.publications.views.citations import DEFAULT_EXPORT_MAX

from .endpoints import make_view, queryset_views, viewers
from .offline import ALIAS, parse_tsql

MAX_PARAMETERS = 2100
EXPORT = "api/v1/publications/export/"


def compile_sql(queryset):
    sql, params = queryset.query.get_compiler(using=ALIAS).as_sql()
    assert len(params) < MAX_PARAMETERS, f"{len(params)} parameters: SQL Server takes at most 2100 a statement"
    parse_tsql(sql)
    return sql, params


@pytest.mark.parametrize("viewer", ["anonymous", "member", "staff"])
@pytest.mark.parametrize("query", [{}, {"q": "wafer etch", "year_from": 2020, "ordering": "-title"}])
def test_the_export_id_query_compiles(sqlserver, viewer, query):
    view = make_view(EXPORT, queryset_views()[EXPORT], viewers()[viewer], {"format": "bibtex", **query})
    ids = citations.export_ids(view.filter_queryset(view.get_queryset()), DEFAULT_EXPORT_MAX)
    sql, _ = compile_sql(ids)
    assert f"TOP {DEFAULT_EXPORT_MAX + 1}" in sql or f"FETCH FIRST {DEFAULT_EXPORT_MAX + 1}" in sql, sql
    assert "ORDER BY" in sql


def test_a_chunk_reads_under_the_parameter_limit(sqlserver):
    chunk = list(range(1, citations.CHUNK_SIZE + 1))
    _, params = compile_sql(Publication.objects.filter(pk__in=chunk))
    assert len(params) == citations.CHUNK_SIZE
    # What the authors prefetch sends for that chunk.
    _, params = compile_sql(citations.citation_authors().filter(publication__in=chunk))
    assert len(params) == citations.CHUNK_SIZE
