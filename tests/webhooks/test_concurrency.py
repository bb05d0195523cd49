"""Writers committing in parallel, each commit running a dispatcher: every change is delivered once
(PostgreSQL: real concurrency; SQLite serialises every write, which would hide a race)."""

import threading
from collections import Counter

import pytest
from django.db import connection

from api.webhooks.models import Delivery
from tests.changes.support import publication

from .support import brief, endpoint

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (CI runs this on PostgreSQL)"
)
pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True)]


def test_parallel_dispatchers_deliver_each_change_once(receiver):
    endpoint(receiver.url(), events=["publication.published"])
    writers, per_writer = 4, 6
    created, errors = [], []

    def write(n):
        try:
            for i in range(per_writer):
                # Each commit queues a dispatcher, run at once in this thread (the tests' job backend).
                created.append(publication(f"w{n}-{i}").pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and len(created) == writers * per_writer
    sent = Counter(object_id for _, _, object_id in brief(receiver))
    assert sent == Counter(created)  # every publication once: none missed, none twice
    assert Delivery.objects.count() == len(created)
