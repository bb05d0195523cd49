"""Background jobs for every domain: Django's tasks API (the django-tasks backport on Django 5.2).

A domain declares a job in its `tasks.py` with `@task()` (`from django_tasks import task`) and a
service enqueues it with `enqueue_on_commit`. settings.TASKS chooses the backend: in production
and `make run` the database backend (django-tasks-db) stores each job as a row that
`manage.py db_worker` runs outside any request; the tests run jobs at once (ImmediateBackend).

The worker runs a job's function in autocommit mode, not inside one transaction: a job that
writes progress a client may poll commits each write itself (`transaction.atomic` per step).
"""

from django.db import transaction


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Enqueue `task(*args, **kwargs)` once the current transaction commits (at once outside one).

    Why not enqueue at once: the job usually reads rows this transaction is writing (the resume
    book it is to build). Enqueued before the commit, a worker may pick it up and find no row yet,
    or find it and then see the transaction roll back; and a job queued by a request that later
    fails (400, 409) must never run. After the commit the job sees exactly what was saved, and a
    rolled-back transaction enqueues nothing.

    The price: a process that dies between the commit and the enqueue leaves the row without its
    job, so a domain whose rows wait for a job sweeps stalled ones (e.g. resume books' `fail_stalled`).
    With ImmediateBackend (tests) the job runs inside this callback, in the caller's thread.
    """
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
