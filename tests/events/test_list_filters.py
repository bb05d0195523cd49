"""Filters the SPA's event screens use: past or upcoming to the minute, the caller's own
registrations, and searching an event's registrations (staff check-in)."""

import datetime

import pytest
from django.utils import timezone

from api.events import services
from tests.events.api_support import URL, make_event, register

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_past_is_ended_before_now_and_upcoming_is_not_over(member_api):
    upcoming = make_event(title="Upcoming", days=3)
    running = make_event(title="Running", starts_at=timezone.now() - datetime.timedelta(hours=1), hours=4)
    ended = make_event(title="Ended", days=3)
    ended.starts_at = timezone.now() - datetime.timedelta(hours=3)
    ended.ends_at = timezone.now() - datetime.timedelta(minutes=5)
    ended.save()
    assert ids(member_api.get(URL + "?past=true")) == [ended.pk]
    assert ids(member_api.get(URL + "?past=false")) == [running.pk, upcoming.pk]
    assert member_api.get(URL + "?past=maybe").status_code == 400


def test_registered_keeps_the_caller_s_confirmed_and_waitlisted_events(member_api, api, member_user, faculty_user):
    confirmed = make_event(title="Confirmed", days=3)
    waiting = make_event(title="Waiting", days=4, capacity=1)
    cancelled = make_event(title="Cancelled", days=5)
    other = make_event(title="Not mine", days=6)
    register(confirmed, member_user)
    register(waiting, faculty_user)
    register(waiting, member_user)
    services.registration_cancel(registration=register(cancelled, member_user))
    assert ids(member_api.get(URL + "?registered=true")) == [confirmed.pk, waiting.pk]
    assert ids(member_api.get(URL + "?registered=false")) == [cancelled.pk, other.pk]
    assert ids(api.get(URL + "?registered=true&audience=public")) == []


def test_staff_search_registrations_by_name_email_or_company(staff_api, member_user, faculty_user, member_company):
    event = make_event()
    member = register(event, member_user)
    faculty = register(event, faculty_user)
    url = f"{URL}{event.pk}/registrations/"
    assert ids(staff_api.get(url, {"q": member_user.family_name})) == [member.pk]
    assert ids(staff_api.get(url, {"q": faculty_user.email.upper()})) == [faculty.pk]
    assert ids(staff_api.get(url, {"q": f"{member_user.given_name} {member_company.name}"})) == [member.pk]
    assert ids(staff_api.get(url, {"q": "nobody-by-this-name"})) == []


def test_registrations_filter_by_check_in(staff_api, member_user, faculty_user):
    event = make_event()
    arrived = services.registration_check_in(registration=register(event, member_user))
    expected = register(event, faculty_user)
    url = f"{URL}{event.pk}/registrations/"
    assert ids(staff_api.get(url, {"checked_in": "true"})) == [arrived.pk]
    assert ids(staff_api.get(url, {"checked_in": "false"})) == [expected.pk]
