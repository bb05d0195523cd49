"""Research fixtures: a program, tasks with their teams and sponsors, deliverables in every state.

Everything is built through api.research.services, so deadlines, late flags and the audit trail
are the real ones. Time is frozen at support.NOW (the `clock` fixture, which every task fixture
pulls in through `program`), so late and overdue never depend on the day the suite runs.
"""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.research import services
from api.research.models import Deliverable
from tests import factories
from tests.research.support import NOW, UTC, Clock, submit


@pytest.fixture
def clock(monkeypatch):
    frozen = Clock(NOW)
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def program(db, clock):
    return services.program_create(name="Lithography", code="LITH", description="Patterning.")


@pytest.fixture
def other_program(db, clock):
    return services.program_create(name="Packaging", code="PACK", description="Chips in boxes.")


@pytest.fixture
def liaison(db):
    """A liaison of the tasks, from a company that sponsors neither."""
    return factories.member(
        factories.OrganisationFactory(name="Quanta Memory", short_name="Quanta"), email="liaison@quanta.example.com"
    )


@pytest.fixture
def other_university(db):
    return factories.OrganisationFactory(university=True, name="Eastmoor Institute of Technology")


@pytest.fixture
def other_faculty(other_university):
    """Faculty of another university, on other_task only."""
    return factories.faculty(other_university, email="okafor@eastmoor.example.edu")


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


@pytest.fixture
def liaison_api(liaison):
    return client_for(liaison)


@pytest.fixture
def other_faculty_api(other_faculty):
    return client_for(other_faculty)


@pytest.fixture
def colleague_api(colleague):
    return client_for(colleague)


@pytest.fixture
def task(program, university, faculty_user, student_user, member_company, liaison):
    """Non-confidential, sponsored by member_company."""
    return services.task_create(
        number="3160.001",
        title="EUV resist outgassing",
        abstract="Measuring what resists emit under EUV exposure.",
        program=program,
        university=university,
        start=datetime.date(2025, 9, 1),
        end=datetime.date(2028, 8, 31),
        status="active",
        confidential=False,
        principal_investigators=[faculty_user],
        students=[student_user],
        liaisons=[liaison],
        sponsors=[member_company],
    )


@pytest.fixture
def confidential_task(program, university, faculty_user, student_user, member_company, liaison):
    """Confidential, sponsored by member_company."""
    return services.task_create(
        number="3160.002",
        title="Secret stochastic defects",
        abstract="Nobody outside may know.",
        program=program,
        university=university,
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2027, 12, 31),
        status="active",
        confidential=True,
        principal_investigators=[faculty_user],
        students=[student_user],
        liaisons=[liaison],
        sponsors=[member_company],
    )


@pytest.fixture
def other_task(other_program, other_university, other_faculty, other_company):
    """Non-confidential, another PI, sponsored by other_company."""
    return services.task_create(
        number="4200.001",
        title="Fan-out wafer warpage",
        abstract="Why panels bend.",
        program=other_program,
        university=other_university,
        start=datetime.date(2024, 1, 1),
        end=datetime.date(2025, 12, 31),
        status="completed",
        confidential=False,
        principal_investigators=[other_faculty],
        sponsors=[other_company],
    )


def make_deliverable(task, title, due_on, kind="report"):
    return services.deliverable_create(task=task, title=title, kind=kind, due_on=due_on)


@pytest.fixture
def deliverables(task, faculty_user, clock):
    """One deliverable of `task` in each state, keyed by status. The clock ends at NOW."""
    planned = make_deliverable(task, "Final report", datetime.date(2026, 6, 30))
    submitted = make_deliverable(task, "Q1 report", datetime.date(2026, 3, 31))
    submit(submitted, faculty_user, at=datetime.datetime(2026, 3, 14, 9, 0, tzinfo=UTC), clock=clock)
    accepted = make_deliverable(task, "Resist dataset", datetime.date(2026, 2, 28), kind="data")
    submit(accepted, faculty_user, at=datetime.datetime(2026, 2, 20, 9, 0, tzinfo=UTC), clock=clock)
    services.deliverable_accept(deliverable=accepted)
    revision = make_deliverable(task, "Interim review", datetime.date(2026, 3, 10), kind="presentation")
    submit(revision, faculty_user, at=datetime.datetime(2026, 3, 12, 9, 0, tzinfo=UTC), clock=clock)  # late
    services.deliverable_request_revision(deliverable=revision, reason="Add the error bars.")
    skipped = make_deliverable(task, "Tool software", datetime.date(2026, 3, 1), kind="software")
    services.deliverable_skip(deliverable=skipped, reason="The tool was decommissioned.")
    clock.set(NOW)
    return {
        status: Deliverable.objects.get(pk=deliverable.pk)
        for status, deliverable in [
            ("planned", planned),
            ("submitted", submitted),
            ("accepted", accepted),
            ("revision_requested", revision),
            ("skipped", skipped),
        ]
    }


@pytest.fixture
def secret_deliverable(confidential_task, faculty_user, clock):
    """A submitted deliverable (with a report) of the confidential task."""
    deliverable = make_deliverable(confidential_task, "Defect map", datetime.date(2026, 4, 30))
    submit(deliverable, faculty_user, at=NOW, clock=clock)
    return Deliverable.objects.get(pk=deliverable.pk)


@pytest.fixture
def other_deliverable(other_task, other_faculty, clock):
    """A submitted deliverable (with a report) of other_task."""
    deliverable = make_deliverable(other_task, "Warpage model", datetime.date(2025, 11, 30), kind="software")
    submit(deliverable, other_faculty, at=datetime.datetime(2025, 11, 1, tzinfo=UTC), clock=clock)
    clock.set(NOW)
    return Deliverable.objects.get(pk=deliverable.pk)
