"""Handing out `seq` to committed changes, in one place, one caller at a time (see models.py)."""

from django.db import transaction

from api.changes.models import Change, ChangeSequence

BATCH = 1000
# bulk_update sends two parameters per row; SQL Server takes at most 2,100 per statement.
UPDATE_BATCH = 500


def pending() -> bool:
    return Change.objects.filter(seq__isnull=True).exists()


def assign_pending() -> int:
    """Give every committed change without a seq the next ones, in id order. Returns how many."""
    total = 0
    while True:
        with transaction.atomic():
            sequence = ChangeSequence.objects.select_for_update().filter(pk=1).first()
            if sequence is None:
                ChangeSequence.objects.get_or_create(pk=1)
                sequence = ChangeSequence.objects.select_for_update().get(pk=1)
            # Read after the lock: every change committed before this point is seen here.
            rows = list(Change.objects.filter(seq__isnull=True).order_by("id").only("id")[:BATCH])
            for offset, row in enumerate(rows, start=1):
                row.seq = sequence.last + offset
            Change.objects.bulk_update(rows, ["seq"], batch_size=UPDATE_BATCH)
            sequence.last += len(rows)
            sequence.save(update_fields=["last"])
        total += len(rows)
        if len(rows) < BATCH:
            return total
