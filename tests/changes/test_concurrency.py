"""No gaps and no duplicates while writers commit out of order (PostgreSQL: real concurrency).

The seq a reader follows is assigned after commit (api/changes/models.py): a change that commits
late gets a later seq, so a reader whose cursor has moved past earlier seqs still finds it.
"""

import threading

import pytest
from django.db import connection, transaction

from api.changes import feed
from api.changes.models import Change
from api.changes.registry import ANONYMOUS

from .support import publication

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises every write, which would hide the race (CI runs this on PostgreSQL)",
)
pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True)]


def read_from(seq):
    """Everything from `seq` on, as the anonymous public; returns (ids, last seq)."""
    ids = []
    while True:
        page = feed.read(ANONYMOUS, after_seq=seq, limit=100)
        ids += [entry["id"] for entry in page.entries]
        seq = page.last_seq
        if not page.has_more:
            return ids, seq


def test_a_change_committing_late_is_not_skipped():
    inserted, release = threading.Event(), threading.Event()
    made = {}

    def slow_writer():
        try:
            with transaction.atomic():
                made["slow"] = publication("slow").pk  # its change row has the smaller id...
                inserted.set()
                release.wait(timeout=30)  # ...but commits last
        finally:
            connection.close()

    writer = threading.Thread(target=slow_writer)
    writer.start()
    assert inserted.wait(timeout=30)
    fast = publication("fast").pk
    seen, cursor = read_from(0)
    assert seen == [fast]  # the slow change is not committed: not visible, and no seq yet
    release.set()
    writer.join(timeout=30)
    more, cursor = read_from(cursor)
    assert more == [made["slow"]]  # found after the cursor, although its id is smaller
    slow_change, fast_change = (Change.objects.get(object_id=made["slow"]), Change.objects.get(object_id=fast))
    assert slow_change.id < fast_change.id and slow_change.seq > fast_change.seq


def test_writers_and_a_reader_in_parallel_see_every_change_once():
    writers, per_writer = 4, 12
    created, seen, errors = [], [], []
    done = threading.Event()

    def write(n):
        try:
            for i in range(per_writer):
                with transaction.atomic():
                    created.append(publication(f"w{n}-{i}").pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    def read():
        cursor = 0
        try:
            while not done.is_set():
                ids, cursor = read_from(cursor)
                seen.extend(ids)
            ids, cursor = read_from(cursor)  # after the last commit
            seen.extend(ids)
        except Exception as exc:  # pragma: no cover
            errors.append(exc)
        finally:
            connection.close()

    reader = threading.Thread(target=read)
    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    reader.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    done.set()
    reader.join(timeout=120)
    assert not errors, errors
    assert len(created) == writers * per_writer
    assert len(seen) == len(set(seen)), "a change was read twice"
    assert sorted(seen) == sorted(created), "a change was missed"
    seqs = list(Change.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(created) + 1))  # dense: one seq per change, none skipped
