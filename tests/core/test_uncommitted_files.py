"""api.core.files.uncommitted: files saved for a transaction leave storage when it rolls back.
(Through the API, with injected failures: tests/security/test_mid_write_failures.py.)"""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from api.core.files import uncommitted
from api.core.files.uploads import check_upload
from tests.research.support import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _nothing_pending():
    # The tests' connection outlives each test, whose transaction never commits: start from empty.
    pending().clear()


def save() -> str:
    return uncommitted.save_upload("tests", check_upload(SimpleUploadedFile("a.pdf", PDF)))


def pending() -> dict:
    return getattr(connection, uncommitted._ATTRIBUTE, {})


def test_a_rollback_removes_only_the_files_saved_since_its_mark():
    before = save()
    since = uncommitted.mark()
    with pytest.raises(RuntimeError), transaction.atomic():
        during = save()
        raise RuntimeError
    uncommitted.discard(since=since)
    assert default_storage.exists(before) and not default_storage.exists(during)
    assert list(pending().values()) == [before]


def test_a_commit_forgets_the_file_and_keeps_it(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        kept = save()
    uncommitted.discard(since=-1)  # a later rollback of anything: the committed file is not its own
    assert default_storage.exists(kept) and pending() == {}


def test_remove_deletes_and_forgets():
    name = save()
    uncommitted.remove(name)
    assert not default_storage.exists(name) and pending() == {}
