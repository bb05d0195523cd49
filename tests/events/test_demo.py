"""The events demo data (api.events.demo through `manage.py seed_demo`)."""

import zoneinfo
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from api.core.audit.models import AuditEvent
from api.events import demo
from api.events.models import AgendaSession, Event, Registration, Speaker

pytestmark = pytest.mark.django_db


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in (Event, AgendaSession, Speaker, Registration,
                                                                 AuditEvent)}  # fmt: skip


@pytest.fixture
def seeded(settings, tmp_path, mailoutbox):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())
    return counts()


def test_a_second_run_creates_nothing(seeded):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert counts() == seeded
    assert "created" not in out.getvalue()


def test_the_demo_sends_no_email(seeded, mailoutbox):
    assert mailoutbox == []


def test_past_and_upcoming_events_of_every_kind(seeded):
    events = list(Event.objects.all())
    now = timezone.now()
    assert 10 <= len(events) <= 14
    assert {event.kind for event in events} == set(Event.Kind.values)
    assert {event.status for event in events} == set(Event.Status.values)
    assert {event.time_zone for event in events} == {"America/Chicago", "America/Los_Angeles", "Europe/Berlin"}
    assert sum(event.ends_at < now for event in events) >= 3
    assert sum(event.starts_at > now for event in events) >= 6
    public = [event for event in events if event.audience == "public"]
    assert 2 <= len(public) < len(events) / 2  # a few public, most members-only
    reviews = Event.objects.filter(kind="review", tasks__isnull=False).distinct()
    assert reviews.count() >= 3
    assert all(event.starts_at.minute == 0 for event in events)  # on the hour, local time


def test_a_full_event_has_a_waiting_list_in_order(seeded):
    full = Event.objects.get(title=demo.EVENTS[7]["title"])
    assert full.starts_at > timezone.now() and full.capacity == 4
    confirmed = full.registrations.filter(status="confirmed")
    waiting = list(full.registrations.filter(status="waitlisted").order_by("position").select_related("person"))
    assert confirmed.count() == 4
    assert [r.position for r in waiting] == [1, 2, 3]
    later = demo.EVENTS[7]["registrants"][4:]
    assert [r.person.email for r in waiting] == later  # in the order they registered


def test_a_company_cap_waitlists_the_second_colleague(seeded):
    capped = Event.objects.get(company_cap=1)
    recruiter = capped.registrations.get(person__email=demo.ASTER_RECRUITER)
    assert (recruiter.status, recruiter.position) == ("waitlisted", 1)
    assert capped.registrations.filter(status="confirmed").count() == 4


def test_a_cancelled_event_cancelled_its_registrations(seeded):
    cancelled = Event.objects.get(status="cancelled")
    assert cancelled.registrations.exists()
    assert set(cancelled.registrations.values_list("status", flat=True)) == {"cancelled"}


def test_a_past_event_has_check_ins_and_an_agenda_inside_its_times(seeded):
    past = Event.objects.get(title="Semester Research Review")
    assert past.ends_at < timezone.now()
    assert past.registrations.filter(checked_in_at__isnull=False).count() == 9
    assert past.registrations.filter(status="cancelled").count() == 1
    sessions = list(past.sessions.all())
    assert len(sessions) == 5
    assert all(past.starts_at <= s.starts_at < s.ends_at <= past.ends_at for s in sessions)


def test_speakers_are_demo_faculty_and_free_text_names(seeded):
    speakers = list(Speaker.objects.select_related("person"))
    assert {s.person.role for s in speakers if s.person} >= {"faculty"}
    assert any(s.person is None for s in speakers)
    assert all(s.name for s in speakers)


def test_local_times_are_the_hours_of_the_table(seeded):
    for row in demo.EVENTS:
        event = Event.objects.get(title=row["title"])
        local = event.starts_at.astimezone(zoneinfo.ZoneInfo(row["time_zone"]))
        assert (local.hour, local.minute) == (row["hour"], 0), row["title"]


def test_writes_are_audited_as_the_demo_staff(seeded):
    registrations = AuditEvent.objects.filter(action="register")
    assert registrations.count() == Registration.objects.count()
    assert set(registrations.values_list("via", "actor__email")) == {("command", "staff@wafer.example")}


def test_without_the_other_demos_events_have_no_registrations():
    lines = []
    demo.seed(lines.append)
    assert Event.objects.count() == len(demo.EVENTS)
    assert not Registration.objects.exists()
    assert not Speaker.objects.exclude(person=None).exists()
    assert lines == [f"created {len(demo.EVENTS)} events with 0 registrations"]
