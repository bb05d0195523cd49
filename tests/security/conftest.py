"""Security fixtures (prefixed `sec_`)."""

import contextlib
import datetime

import pytest

from api.research import services as research_services
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
    program = research_services.program_create(name="Lithography", code="LITH", description="")
    return research_services.task_create(
        number="3160.001",
        title="EUV resist outgassing",
        abstract="",
        program=program,
        university=university,
        start=datetime.date(2025, 9, 1),
        end=datetime.date(2028, 8, 31),
        status="active",
        confidential=False,
        principal_investigators=[faculty_user],
        students=[student_user],
        sponsors=[member_company],
    )


@pytest.fixture
def sec_deliverable(sec_task):
    due_on = datetime.date.today() + datetime.timedelta(days=60)
    return research_services.deliverable_create(task=sec_task, title="Q1 report", kind="report", due_on=due_on)
