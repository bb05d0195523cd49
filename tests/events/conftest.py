"""Events fixtures (prefixed `ev_`): published events open for registration, and people to fill them.

Events are built with the ORM (full_clean first): the registration services are what these tests
exercise, and they only need an event row in a given state.
"""

import datetime

import pytest
from django.utils import timezone

from api.events.models import Event, Registration
from tests import factories


@pytest.fixture
def ev_event(db):
    """ev_event(capacity=None, company_cap=None, **fields) -> a published public event, registration
    open now, starting in two weeks (override any field: status, audience, registration_opens_at...)."""

    def _make(*, capacity=None, company_cap=None, **fields):
        starts_at = fields.pop("starts_at", timezone.now() + datetime.timedelta(days=14))
        values = {
            "kind": Event.Kind.WORKSHOP,
            "title": "Advanced Packaging Workshop",
            "starts_at": starts_at,
            "ends_at": starts_at + datetime.timedelta(hours=6),
            "time_zone": "America/Chicago",
            "location": "Westbridge Hall 2",
            "audience": Event.Audience.PUBLIC,
            "status": Event.Status.PUBLISHED,
            "capacity": capacity,
            "company_cap": company_cap,
            **fields,
        }
        event = Event(**values)
        event.full_clean()
        event.save()
        return event

    return _make


@pytest.fixture
def ev_member(db):
    """ev_member(company=None) -> a new person of `company` (an active member company by default)."""
    return lambda company=None, **kwargs: factories.member(company or factories.OrganisationFactory(), **kwargs)


@pytest.fixture
def ev_company(db):
    """ev_company(**fields) -> a new active member company."""
    return lambda **fields: factories.OrganisationFactory(**fields)


@pytest.fixture
def ev_faculty(university):
    """ev_faculty() -> a new faculty member (no member company, so never capped)."""
    return lambda **kwargs: factories.faculty(university, **kwargs)


def ev_waitlist(event) -> list[tuple[int, int]]:
    """[(person_id, position), ...] of the waiting list, front first."""
    return list(
        Registration.objects.filter(event=event, status=Registration.Status.WAITLISTED)
        .order_by("position")
        .values_list("person_id", "position")
    )


@pytest.fixture
def ev_assert_gap_free():
    """ev_assert_gap_free(event) -> the waiting list's person ids, front first, after asserting that its
    positions are exactly 1..n and that no one outside it holds a position."""

    def _check(event):
        waiting = ev_waitlist(event)
        assert [position for _, position in waiting] == list(range(1, len(waiting) + 1))
        assert not Registration.objects.filter(event=event, position__isnull=False).exclude(
            status=Registration.Status.WAITLISTED
        )
        return [person_id for person_id, _ in waiting]

    return _check
