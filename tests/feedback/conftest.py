"""Feedback fixtures: two tasks with deliverables and reports, built through api.research.services,
and feedback given through api.feedback.services.

`task` is non-confidential, led by faculty_user, with student_user on its team and other_member
as a liaison (another company: a liaison sees the task, never another company's feedback).
`other_task` is confidential, led by other_faculty and sponsored by nobody.
"""

import datetime

import pytest

from api.research import services
from tests import factories
from tests.feedback.support import client_for, give, submit


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def program(db):
    return services.program_create(name="Lithography", code="LITH", description="Patterning.")


@pytest.fixture
def other_faculty(db):
    return factories.faculty(
        factories.OrganisationFactory(university=True, name="Eastmoor Institute"), email="okafor@eastmoor.example.edu"
    )


@pytest.fixture
def other_faculty_api(other_faculty):
    return client_for(other_faculty)


@pytest.fixture
def colleague_api(colleague):
    return client_for(colleague)


@pytest.fixture
def task(program, university, faculty_user, student_user, other_member):
    return services.task_create(
        number="3160.001",
        title="EUV resist roughness",
        program=program,
        university=university,
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2028, 12, 31),
        status="active",
        principal_investigators=[faculty_user],
        students=[student_user],
        liaisons=[other_member],
    )


@pytest.fixture
def other_task(program, university, other_faculty):
    return services.task_create(
        number="3160.002",
        title="Confidential etch study",
        program=program,
        university=university,
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2028, 12, 31),
        status="active",
        confidential=True,
        principal_investigators=[other_faculty],
    )


@pytest.fixture
def deliverable(task):
    return services.deliverable_create(
        task=task, title="Roughness model", kind="report", due_on=datetime.date(2027, 3, 31)
    )


@pytest.fixture
def second_deliverable(task):
    return services.deliverable_create(
        task=task, title="Final report", kind="report", due_on=datetime.date(2028, 6, 30)
    )


@pytest.fixture
def other_deliverable(other_task):
    return services.deliverable_create(
        task=other_task, title="Etch data", kind="data", due_on=datetime.date(2027, 3, 31)
    )


@pytest.fixture
def report(deliverable, faculty_user):
    return submit(deliverable, faculty_user)


@pytest.fixture
def second_report(second_deliverable, faculty_user):
    return submit(second_deliverable, faculty_user)


@pytest.fixture
def feedback(member_user, deliverable):
    """member_user's feedback on `deliverable` (of `task`), not replied to."""
    return give(member_user, deliverable=deliverable)
