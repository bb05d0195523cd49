"""The events admin writes through api.events.services (audited, seats kept right)."""

import datetime

import pytest

from api.core.audit.models import AuditEvent
from api.events.models import Event, FeedToken, Registration
from tests.events.api_support import make_event, register, with_agenda

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_browser(client, staff_user):
    client.force_login(staff_user)
    return client


def form(event_fields: dict) -> dict:
    data = {key: "" if value is None else value for key, value in event_fields.items()}
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        moment = event_fields.get(name)
        data[f"{name}_0"] = moment.strftime("%Y-%m-%d") if moment else ""
        data[f"{name}_1"] = moment.strftime("%H:%M:%S") if moment else ""
        data.pop(name, None)
    data.update({"sessions-TOTAL_FORMS": "0", "sessions-INITIAL_FORMS": "0"})
    return data


FIELDS = {
    "kind": "webinar",
    "title": "Admin webinar",
    "description": "",
    "starts_at": datetime.datetime(2031, 3, 1, 15, 0),
    "ends_at": datetime.datetime(2031, 3, 1, 16, 0),
    "time_zone": "Europe/Berlin",
    "location": "Online",
    "online_link": "",
    "audience": "public",
    "capacity": 1,
    "company_cap": None,
    "registration_opens_at": None,
    "registration_closes_at": None,
    "status": "published",
}


def test_adding_an_event_goes_through_the_service(staff_browser):
    response = staff_browser.post("/admin/events/event/add/", form(FIELDS))
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get()
    assert (event.title, event.time_zone, event.capacity) == ("Admin webinar", "Europe/Berlin", 1)
    audit = AuditEvent.objects.get(action="create", target_type="events.event")
    assert (audit.via, audit.target_id) == ("admin", str(event.pk))


def test_raising_the_capacity_in_the_admin_promotes(staff_browser, member_user, faculty_user):
    event = make_event(capacity=1, audience="public")
    register(event, member_user)
    waiting = register(event, faculty_user)
    fields = {**FIELDS, "starts_at": event.starts_at.replace(tzinfo=None), "ends_at": event.ends_at.replace(
        tzinfo=None), "time_zone": "UTC", "capacity": 2}  # fmt: skip
    response = staff_browser.post(f"/admin/events/event/{event.pk}/change/", form(fields))
    assert response.status_code == 302, response.content.decode()[:3000]
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert AuditEvent.objects.filter(action="promote", via="admin").exists()


def test_the_admin_refuses_to_reopen_a_cancelled_event_or_to_leave_its_agenda(staff_browser):
    event = with_agenda(make_event())
    naive = {"starts_at": event.starts_at.replace(tzinfo=None), "ends_at": event.ends_at.replace(tzinfo=None),
             "time_zone": "UTC"}  # fmt: skip
    moved = {**FIELDS, **naive, "starts_at": naive["starts_at"] + datetime.timedelta(days=1),
             "ends_at": naive["ends_at"] + datetime.timedelta(days=1)}  # fmt: skip
    response = staff_browser.post(f"/admin/events/event/{event.pk}/change/", form(moved))
    assert response.status_code == 200 and "outside these times" in response.content.decode()
    Event.objects.filter(pk=event.pk).update(status="cancelled")
    response = staff_browser.post(f"/admin/events/event/{event.pk}/change/", form({**FIELDS, **naive}))
    assert response.status_code == 200 and "stays cancelled" in response.content.decode()
    assert Event.objects.get(pk=event.pk).title == "Spring Review"


def test_check_in_and_cancel_actions(staff_browser, member_user, faculty_user, student_user):
    event = make_event(capacity=1)
    seated = register(event, member_user)
    waiting = register(event, faculty_user)
    last = register(event, student_user)
    url = "/admin/events/registration/"
    response = staff_browser.post(url, {"action": "check_in", "_selected_action": [seated.pk, waiting.pk]})
    assert response.status_code == 302
    seated.refresh_from_db(), waiting.refresh_from_db()
    assert seated.checked_in_at is not None and waiting.checked_in_at is None  # only the confirmed check in

    response = staff_browser.post(url, {"action": "cancel", "_selected_action": [waiting.pk]})
    assert response.status_code == 302
    waiting.refresh_from_db(), last.refresh_from_db()
    assert (waiting.status, last.status, last.position) == ("cancelled", "waitlisted", 1)
    assert AuditEvent.objects.filter(action="cancel", via="admin", target_type="events.registration").exists()
    assert Registration.objects.get(pk=seated.pk).status == "confirmed"


def test_feed_tokens_are_listed_without_their_hash(staff_browser, member_user):
    token = FeedToken.objects.create(person=member_user, key_hash="f" * 64)
    listing = staff_browser.get("/admin/events/feedtoken/").content.decode()
    detail = staff_browser.get(f"/admin/events/feedtoken/{token.pk}/change/").content.decode()
    assert member_user.full_name in listing
    assert "f" * 64 not in listing and "f" * 64 not in detail
