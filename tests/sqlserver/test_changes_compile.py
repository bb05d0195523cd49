"""The change feed's statements compile to T-SQL: the page read (TOP n in seq order), the pending
check, the sequencer's lock and its batched update (under SQL Server's 2,100-parameter limit)."""

from api.changes import feed, sequencer
from api.changes.models import Change, ChangeSequence

from .offline import ALIAS, parse_tsql


def compile_sql(queryset) -> tuple[str, tuple]:
    sql, params = queryset.query.get_compiler(using=ALIAS).as_sql()
    parse_tsql(sql)
    return sql, params


def test_the_page_read_compiles(sqlserver):
    sql, _ = compile_sql(Change.objects.filter(seq__gt=10).order_by("seq")[: feed.SCAN_LIMIT + 1])
    assert f"TOP {feed.SCAN_LIMIT + 1}" in sql and "ORDER BY" in sql


def test_the_pending_rows_are_read_in_id_order(sqlserver):
    sql, _ = compile_sql(Change.objects.filter(seq__isnull=True).order_by("id").only("id")[: sequencer.BATCH])
    assert "IS NULL" in sql and f"TOP {sequencer.BATCH}" in sql


def test_the_sequence_lock_compiles_to_a_row_lock(sqlserver, monkeypatch):
    monkeypatch.setattr(sqlserver, "get_autocommit", lambda: False)
    sql, _ = ChangeSequence.objects.select_for_update().filter(pk=1).query.get_compiler(using=ALIAS).as_sql()
    assert "WITH (ROWLOCK, UPDLOCK)" in sql


def test_a_seq_batch_stays_under_the_parameter_limit():
    # bulk_update sends a CASE over the batch: two parameters per row plus the id list.
    assert sequencer.UPDATE_BATCH * 3 < 2100
