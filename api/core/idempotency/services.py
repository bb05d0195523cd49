"""Reserving an `Idempotency-Key`, keeping the answer it earned, and purging expired keys.

The middleware (api.core.idempotency.middleware) calls these; the rules live here so the
management command and the tests use the same ones.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from api.core.idempotency.models import IdempotencyRecord

# A reservation older than this belongs to a request that died (a killed worker, a lost database)
# before it stored an answer. That request's writes ran in the same transaction as storing the
# answer, so they were rolled back with it and running the request again is safe. Longer than any
# request may run (the server's timeout), so a slow upload is never run twice.
IN_PROGRESS_TIMEOUT = timedelta(minutes=5)
PURGE_BATCH = 1000  # rows per DELETE: small batches keep SQL Server from escalating to a table lock

RUN = "run"  # reserved: run the request, then store or release
REPLAY = "replay"  # answered before: send that answer again
REUSED = "reused"  # the key was used for a different request
IN_PROGRESS = "in_progress"  # the first request with the key is still running
NOT_REPLAYABLE = "not_replayable"  # answered before, but the answer was not kept


@dataclass(frozen=True)
class Verdict:
    kind: str
    record: IdempotencyRecord | None = None


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("ascii")).hexdigest()


def ttl() -> timedelta:
    return timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)


def _current(owner_id, digest: str, now) -> IdempotencyRecord | None:
    """The owner's unexpired record of a key; an expired one counts as absent."""
    try:
        record = IdempotencyRecord.objects.get(owner_id=owner_id, key_digest=digest)
    except IdempotencyRecord.DoesNotExist:
        return None
    return record if record.expires_at > now else None


def idempotency_reserve(*, owner_id, key: str, method: str, path: str, fingerprint: str, now=None) -> Verdict:
    """Reserve `key` for this request (RUN), or say how the earlier request with it answers."""
    now = now or timezone.now()
    digest = key_digest(key)
    record = _current(owner_id, digest, now)
    if record is None:
        # The owner's expired keys go now, also an expired record of this key that would block the insert.
        IdempotencyRecord.objects.filter(owner_id=owner_id, expires_at__lte=now).delete()
        try:
            with transaction.atomic():  # its own short transaction: concurrent requests see it at once
                record = IdempotencyRecord.objects.create(
                    owner_id=owner_id,
                    key_digest=digest,
                    key=key,
                    method=method,
                    path=path[:1000],
                    fingerprint=fingerprint,
                    locked_at=now,
                    created_at=now,
                    expires_at=now + ttl(),
                )
            return Verdict(RUN, record)
        except IntegrityError:
            # The unique constraint decides races: another request with this key got there first.
            record = _current(owner_id, digest, now)
            if record is None:  # ... and has already given the key back (it failed): try again
                return Verdict(IN_PROGRESS)
    return _verdict(record, fingerprint, now)


def _verdict(record: IdempotencyRecord, fingerprint: str, now) -> Verdict:
    if record.fingerprint != fingerprint:
        return Verdict(REUSED, record)
    if record.state == IdempotencyRecord.State.DONE:
        return Verdict(REPLAY if record.replayable else NOT_REPLAYABLE, record)
    if record.locked_at > now - IN_PROGRESS_TIMEOUT:
        return Verdict(IN_PROGRESS, record)
    # Abandoned (see IN_PROGRESS_TIMEOUT): take it over; the attempt number fences out the old request.
    taken = IdempotencyRecord.objects.filter(
        pk=record.pk, state=IdempotencyRecord.State.IN_PROGRESS, attempt=record.attempt
    ).update(attempt=F("attempt") + 1, locked_at=now)
    if not taken:
        return Verdict(IN_PROGRESS, record)
    record.attempt += 1
    record.locked_at = now
    return Verdict(RUN, record)


def idempotency_store(*, record: IdempotencyRecord, status: int, headers: dict, body: bytes | None) -> bool:
    """Keep the answer (body None: not replayable). Called inside the request's transaction, so the
    answer commits with the request's writes or not at all. False: the reservation was taken over."""
    return bool(
        IdempotencyRecord.objects.filter(
            pk=record.pk, attempt=record.attempt, state=IdempotencyRecord.State.IN_PROGRESS
        ).update(
            state=IdempotencyRecord.State.DONE,
            response_status=status,
            response_headers=headers,
            replayable=body is not None,
            response_body=body,
        )
    )


def idempotency_release(*, record: IdempotencyRecord) -> None:
    """Give the key back (the request failed and wrote nothing): a retry runs again."""
    IdempotencyRecord.objects.filter(pk=record.pk, attempt=record.attempt).delete()


def idempotency_purge(*, now=None) -> int:
    """Delete every expired record; returns how many."""
    now = now or timezone.now()
    deleted = 0
    while True:
        batch = list(
            IdempotencyRecord.objects.filter(expires_at__lte=now)
            .order_by("pk")
            .values_list("pk", flat=True)[:PURGE_BATCH]
        )
        if not batch:
            return deleted
        deleted += IdempotencyRecord.objects.filter(pk__in=batch).delete()[0]
