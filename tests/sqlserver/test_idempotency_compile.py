"""The Idempotency-Key statements compile to T-SQL: look-up, purges, reservation fencing, storing an answer."""

from django.db.models import F
from django.db.models.sql.subqueries import DeleteQuery, UpdateQuery
from django.utils import timezone

from api.core.idempotency.models import IdempotencyRecord
from api.core.idempotency.services import PURGE_BATCH

from .offline import ALIAS, parse_tsql


def compile_query(query) -> str:
    sql, _ = query.get_compiler(using=ALIAS).as_sql()
    parse_tsql(sql)
    return sql


def test_the_look_up_and_the_purge_batch_compile(sqlserver):
    compile_query(IdempotencyRecord.objects.filter(owner_id=7, key_digest="0" * 64).query)
    now = timezone.now()
    batch = IdempotencyRecord.objects.filter(expires_at__lte=now).order_by("pk").values_list("pk", flat=True)
    sql = compile_query(batch[:PURGE_BATCH].query)
    assert f"TOP {PURGE_BATCH}" in sql or f"FETCH FIRST {PURGE_BATCH}" in sql, sql


def test_the_deletes_compile(sqlserver):
    now = timezone.now()
    for queryset in (
        IdempotencyRecord.objects.filter(owner_id=7, expires_at__lte=now),
        IdempotencyRecord.objects.filter(pk=1, attempt=2),
        IdempotencyRecord.objects.filter(pk__in=list(range(1, PURGE_BATCH + 1))),
    ):
        assert "DELETE FROM [core_idempotencyrecord]" in compile_query(queryset.query.chain(DeleteQuery))


def test_the_fenced_updates_compile(sqlserver):
    taken = IdempotencyRecord.objects.filter(pk=1, state="in_progress", attempt=1).query.chain(UpdateQuery)
    taken.add_update_values({"attempt": F("attempt") + 1, "locked_at": timezone.now()})
    assert "UPDATE [core_idempotencyrecord]" in compile_query(taken)
    stored = IdempotencyRecord.objects.filter(pk=1, state="in_progress", attempt=1).query.chain(UpdateQuery)
    stored.add_update_values(
        {"state": "done", "response_status": 201, "response_headers": {"Content-Type": "application/json"},
         "replayable": True, "response_body": b"{}"}
    )  # fmt: skip
    assert "UPDATE [core_idempotencyrecord]" in compile_query(stored)
