"""Careers fixtures: recruiters and company admins of the shared test companies."""

import pytest

from tests import factories
from tests.conftest import client_for


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
def recruiter_api(recruiter):
    return client_for(recruiter)


@pytest.fixture
def other_recruiter_api(other_recruiter):
    return client_for(other_recruiter)


@pytest.fixture
def inactive_recruiter_api(inactive_recruiter):
    return client_for(inactive_recruiter)


@pytest.fixture
def company_admin_api(company_admin):
    return client_for(company_admin)
