"""Files saved for a transaction that may still roll back.

A service saves the upload before the row that names it (the row needs the generated name), and its
own `except` removes the file when the service itself fails. But the service's transaction can be a
savepoint inside a longer one (the Idempotency-Key middleware runs the whole request in one
transaction, and rolls it back on a 5xx answer): when *that* rolls back after the service returned,
the row is gone and the file would stay in storage for ever, named by nothing.

So each file saved inside a transaction is remembered here until the transaction commits (an
on_commit callback forgets it); whoever rolls back a transaction that may hold such files calls
`discard(since=mark())` afterwards and the files saved in it leave storage. Django has no
on_rollback hook, hence the explicit mark.
"""

import itertools
import logging

from django.core.files.storage import default_storage
from django.db import transaction

from api.core.files.uploads import CheckedUpload, generated_name

logger = logging.getLogger(__name__)

_numbers = itertools.count()
_ATTRIBUTE = "wafer_uncommitted_files"  # {number: name} on the database connection


def _pending(connection) -> dict[int, str]:
    pending = getattr(connection, _ATTRIBUTE, None)
    if pending is None:
        pending = {}
        setattr(connection, _ATTRIBUTE, pending)
    return pending


def save_upload(prefix: str, upload: CheckedUpload) -> str:
    """Save a checked upload under a generated name; the name, remembered until the transaction commits."""
    name = default_storage.save(generated_name(prefix, upload.kind), upload.file)
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        number = next(_numbers)
        pending = _pending(connection)
        pending[number] = name
        transaction.on_commit(lambda: pending.pop(number, None))
    return name


def remove(name: str) -> None:
    """The service that saved `name` failed: the file leaves storage now, and is forgotten here."""
    pending = _pending(transaction.get_connection())
    for number in [number for number, pending_name in pending.items() if pending_name == name]:
        del pending[number]
    default_storage.delete(name)


def mark() -> int:
    """Taken when a transaction opens: files saved after it belong to that transaction."""
    return next(_numbers)


def discard(*, since: int) -> None:
    """After a rollback: remove the files saved since `since` whose transaction never committed."""
    pending = _pending(transaction.get_connection())
    for number in sorted(key for key in pending if key > since):
        name = pending.pop(number)
        try:
            default_storage.delete(name)
        except OSError:  # the answer is already an error; a leftover file is logged, not raised
            logger.exception("could not remove %s from storage after a rollback", name)
