"""Fixtures shared by every test: one API client per role, tokens, and a query counter."""

import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from api.core.throttling import WindowThrottle
from api.core.tokens.services import token_create
from tests import factories


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttle counters and cached values must not leak between tests.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def throttle_clock(monkeypatch) -> float:
    """The throttles' clock, stopped in the middle of the current minute. Throttles count in fixed
    windows (api.core.throttling); a test that crossed a window's edge would see its count start
    again, and a caller over the limit let through (PostgreSQL CI, stop 18). Returns the time."""
    now = time.time() // 60 * 60 + 30
    monkeypatch.setattr(WindowThrottle, "timer", staticmethod(lambda: now))
    return now


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    # Uploaded files of one test never reach another test, or the developer's var/.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api():
    """An anonymous client."""
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)  # a session-like sign-in, without CSRF checks
    return client


@pytest.fixture
def member_company(db):
    return factories.OrganisationFactory(name="Aster Microdevices", short_name="Aster")


@pytest.fixture
def other_company(db):
    return factories.OrganisationFactory(name="Helix Foundry", short_name="Helix")


@pytest.fixture
def inactive_company(db):
    return factories.OrganisationFactory(name="Obsidian Systems", short_name="Obsidian", active=False)


@pytest.fixture
def university(db):
    return factories.OrganisationFactory(university=True, name="University of Westbridge")


@pytest.fixture
def staff_user(db):
    return factories.staff(email="staff@example.com")


@pytest.fixture
def member_user(member_company):
    return factories.member(member_company, email="liaison@aster.example.com")


@pytest.fixture
def colleague(member_company):
    return factories.member(member_company, email="colleague@aster.example.com")


@pytest.fixture
def other_member(other_company):
    return factories.member(other_company, email="liaison@helix.example.com")


@pytest.fixture
def inactive_member(inactive_company):
    return factories.member(inactive_company, email="liaison@obsidian.example.com")


@pytest.fixture
def faculty_user(university):
    return factories.faculty(university, email="chen@westbridge.example.edu")


@pytest.fixture
def student_user(university):
    return factories.student(university, email="khan@westbridge.example.edu")


@pytest.fixture
def recruiter(member_company):
    return factories.member(member_company, email="recruiter@aster.example.com", is_recruiter=True)


@pytest.fixture
def other_recruiter(other_company):
    return factories.member(other_company, email="recruiter@helix.example.com", is_recruiter=True)


@pytest.fixture
def inactive_recruiter(inactive_company):
    return factories.member(inactive_company, email="recruiter@obsidian.example.com", is_recruiter=True)


@pytest.fixture
def company_admin(member_company):
    return factories.member(member_company, email="admin@aster.example.com", is_company_admin=True)


@pytest.fixture
def other_company_admin(other_company):
    return factories.member(other_company, email="admin@helix.example.com", is_company_admin=True)


@pytest.fixture
def inactive_company_admin(inactive_company):
    return factories.member(inactive_company, email="admin@obsidian.example.com", is_company_admin=True)


def client_fixture(user_fixture: str):
    @pytest.fixture
    def signed_in(request):
        return client_for(request.getfixturevalue(user_fixture))

    signed_in.__doc__ = f"An API client signed in as {user_fixture}."
    return signed_in


staff_api = client_fixture("staff_user")
member_api = client_fixture("member_user")
other_member_api = client_fixture("other_member")
inactive_member_api = client_fixture("inactive_member")
faculty_api = client_fixture("faculty_user")
student_api = client_fixture("student_user")
recruiter_api = client_fixture("recruiter")
other_recruiter_api = client_fixture("other_recruiter")
inactive_recruiter_api = client_fixture("inactive_recruiter")
company_admin_api = client_fixture("company_admin")
other_company_admin_api = client_fixture("other_company_admin")
inactive_company_admin_api = client_fixture("inactive_company_admin")


def bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def make_token():
    """make_token(user, scopes=["read"], **kwargs) -> (token, raw)."""

    def _make(user, scopes=("read",), **kwargs):
        issued = token_create(user=user, name=kwargs.pop("name", "test"), scopes=list(scopes), **kwargs)
        return issued.token, issued.raw

    return _make


@pytest.fixture
def count_queries():
    """with count_queries() as captured: ...; len(captured) is the number of queries."""
    return lambda: CaptureQueriesContext(connection)
