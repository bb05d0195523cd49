"""Publication fixtures, shared by the publication tests (all named `pub_*`).

Time is frozen at tests.research.support.NOW (2026-03-15 12:00 UTC) by `pub_clock`, which every
publication fixture pulls in, so "future" and "past" embargoes never depend on the day the suite
runs. Everything is built through the services (api.research.services, api.publications.services).
"""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.publications import services
from api.research import services as research_services
from tests import factories
from tests.conftest import bearer
from tests.publications.support import FUTURE, NOW, PAST
from tests.research.support import Clock

EMBARGOES = {"none": None, "future": FUTURE, "past": PAST}


@pytest.fixture
def pub_clock(monkeypatch):
    """Frozen time: every module reads `django.utils.timezone.now` through the module."""
    frozen = Clock(NOW)
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


@pytest.fixture
def pub_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def pub_program(db, pub_clock):
    return research_services.program_create(name="Lithography", code="LITH", description="Patterning.")


@pytest.fixture
def pub_other_program(db, pub_clock):
    return research_services.program_create(name="Packaging", code="PACK", description="Chips in boxes.")


@pytest.fixture
def pub_other_faculty(db):
    """Faculty of another university, PI of pub_other_task only."""
    university = factories.OrganisationFactory(university=True, name="Eastmoor Institute of Technology")
    return factories.faculty(university, email="okafor@eastmoor.example.edu")


@pytest.fixture
def pub_task(pub_program, university, faculty_user, member_company):
    """faculty_user leads it; member_company sponsors it; no students (student_user is unrelated)."""
    return research_services.task_create(
        number="3160.001",
        title="EUV resist outgassing",
        abstract="Measuring what resists emit.",
        program=pub_program,
        university=university,
        start=datetime.date(2025, 9, 1),
        end=datetime.date(2028, 8, 31),
        status="active",
        confidential=False,
        principal_investigators=[faculty_user],
        sponsors=[member_company],
    )


@pytest.fixture
def pub_other_task(pub_other_program, pub_other_faculty, other_company):
    """pub_other_faculty leads it; other_company sponsors it."""
    return research_services.task_create(
        number="4200.001",
        title="Fan-out wafer warpage",
        abstract="Why panels bend.",
        program=pub_other_program,
        university=pub_other_faculty.organisation,
        start=datetime.date(2024, 1, 1),
        end=datetime.date(2025, 12, 31),
        status="completed",
        confidential=False,
        principal_investigators=[pub_other_faculty],
        sponsors=[other_company],
    )


@pytest.fixture
def pub_make(db, pub_clock):
    """pub_make(**fields) -> Publication, through services.publication_create, with defaults."""
    counter = iter(range(1, 10_000))

    def make(**fields):
        n = next(counter)
        defaults = {
            "title": f"Publication {n:03d}",
            "kind": "paper",
            "year": 2025,
            "access": "public",
            "authors": [{"name": "A. Writer"}],
        }
        if fields.get("embargo_until") and "embargo_reason" not in fields:
            defaults["embargo_reason"] = "Patent filing pending."
        return services.publication_create(**{**defaults, **fields})

    return make


@pytest.fixture
def pub_matrix(pub_make, pub_task):
    """One publication linked to pub_task per (access, embargo): {("members", "future"): Publication}."""
    return {
        (level, embargo): pub_make(title=f"{level} {embargo}", access=level, embargo_until=until, tasks=[pub_task])
        for level in ("public", "members", "sponsors")
        for embargo, until in EMBARGOES.items()
    }


@pytest.fixture
def pub_read_token_api(member_user, make_token):
    """A read-scope API token of member_user (a person of pub_task's sponsor)."""
    _, raw = make_token(member_user, scopes=["read"])
    return bearer(raw)


@pytest.fixture
def pub_other_faculty_api(pub_other_faculty):
    client = APIClient()
    client.force_authenticate(user=pub_other_faculty)
    return client
