"""Security fixtures (prefixed `sec_`)."""

import contextlib

import pytest

from tests.changes.support import deliverable, task
from tests.security.support import database_state, stored_files


@pytest.fixture
def sec_nothing_written(settings, django_capture_on_commit_callbacks):
    """`with sec_nothing_written(): <a write that fails part-way>` asserts that afterwards every table
    holds what it held before (no row, no audit event, no change-feed entry, no webhook delivery), the
    storage holds the same files (none orphaned, none lost), and no after-commit work is left queued
    (no job, notification, webhook dispatch or cache generation flush for the rolled-back write)."""

    @contextlib.contextmanager
    def check():
        rows, files = database_state(), stored_files(settings.MEDIA_ROOT)
        with django_capture_on_commit_callbacks() as callbacks:
            yield
        assert database_state() == rows
        assert stored_files(settings.MEDIA_ROOT) == files
        assert callbacks == []

    return check


@pytest.fixture
def sec_task(university, faculty_user, student_user, member_company):
    return task(university=university, faculty=[faculty_user], students=[student_user], sponsors=[member_company])


@pytest.fixture
def sec_deliverable(sec_task):
    return deliverable(sec_task, "Q1 report")
