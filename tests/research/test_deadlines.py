"""Deadlines, late and overdue (api.research.deadlines): the end of the due date in the deadline
time zone, derived from stored facts so it never flips back."""

import datetime
import zoneinfo

import pytest

from api.research import services
from api.research.deadlines import deadline_for, today
from api.research.models import Deliverable
from tests.research.support import NOW, UTC, pdf, submit

pytestmark = pytest.mark.django_db
URL = "/api/v1/deliverables/"
LOS_ANGELES = "America/Los_Angeles"


def at(*args, tz=UTC):
    return datetime.datetime(*args, tzinfo=tz)


def new(task, due_on, title="Report"):
    return services.deliverable_create(task=task, title=title, kind="report", due_on=due_on)


def flags(api, deliverable):
    body = api.get(f"{URL}{deliverable.pk}/").json()
    return {key: body[key] for key in ("status", "late", "overdue", "submitted_late")}


@pytest.mark.parametrize(
    ("zone", "due_on", "deadline"),
    [
        ("UTC", datetime.date(2026, 3, 31), at(2026, 4, 1)),
        (LOS_ANGELES, datetime.date(2026, 3, 31), at(2026, 4, 1, 7)),  # PDT, UTC-7
        (LOS_ANGELES, datetime.date(2026, 3, 7), at(2026, 3, 8, 8)),  # PST, UTC-8: before the switch
        (LOS_ANGELES, datetime.date(2026, 3, 8), at(2026, 3, 9, 7)),  # the day clocks go forward
        ("Europe/Berlin", datetime.date(2026, 10, 25), at(2026, 10, 25, 23)),  # the day clocks go back
        ("Asia/Tokyo", datetime.date(2026, 3, 31), at(2026, 3, 31, 15)),
    ],
)
def test_the_deadline_is_the_end_of_the_due_date_in_the_deadline_time_zone(settings, task, zone, due_on, deadline):
    settings.DEADLINE_TIME_ZONE = zone
    assert deadline_for(due_on) == deadline
    assert new(task, due_on).deadline_at == deadline


def test_today_is_counted_in_the_deadline_time_zone(settings, clock):
    clock.set(at(2026, 4, 1, 6, 59, 59))
    settings.DEADLINE_TIME_ZONE = LOS_ANGELES
    assert today() == datetime.date(2026, 3, 31)
    settings.DEADLINE_TIME_ZONE = "UTC"
    assert today() == datetime.date(2026, 4, 1)


@pytest.mark.parametrize(
    ("zone", "submitted_at", "late"),
    [
        ("UTC", at(2026, 3, 31, 23, 59, 59), False),
        ("UTC", at(2026, 4, 1), True),
        (LOS_ANGELES, at(2026, 4, 1, 6, 59, 59), False),
        (LOS_ANGELES, at(2026, 4, 1, 7), True),
        (LOS_ANGELES, at(2026, 3, 31, 23, 59, 59, tz=zoneinfo.ZoneInfo(LOS_ANGELES)), False),
    ],
)
def test_a_submission_is_late_from_midnight_after_the_due_date(
    settings, clock, task, faculty_api, zone, submitted_at, late
):
    settings.DEADLINE_TIME_ZONE = zone  # before the deliverable exists: deadline_at is derived on save
    deliverable = new(task, datetime.date(2026, 3, 31))
    clock.set(submitted_at)
    response = faculty_api.post(f"{URL}{deliverable.pk}/reports/", {"file": pdf()}, format="multipart")
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["late"], body["overdue"], body["submitted_late"]) == ("submitted", late, False, late)
    assert body["submitted_at"] == submitted_at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def test_overdue_flips_when_the_deadline_passes(settings, clock, task, member_api):
    settings.DEADLINE_TIME_ZONE = LOS_ANGELES
    deliverable = new(task, datetime.date(2026, 3, 31))
    clock.set(at(2026, 4, 1, 6, 59, 59))
    assert flags(member_api, deliverable) == {
        "status": "planned",
        "late": False,
        "overdue": False,
        "submitted_late": False,
    }
    clock.set(at(2026, 4, 1, 7))
    assert flags(member_api, deliverable) == {
        "status": "planned",
        "late": True,
        "overdue": True,
        "submitted_late": False,
    }


def test_an_extension_after_becoming_overdue_makes_it_not_late_again(clock, task, staff_api, faculty_user):
    deliverable = new(task, datetime.date(2026, 3, 10))
    assert flags(staff_api, deliverable)["overdue"] is True  # NOW is 2026-03-15
    response = staff_api.post(f"{URL}{deliverable.pk}/extend/", {"due_on": "2026-03-20", "reason": "Cleanroom shut."})
    assert (response.json()["late"], response.json()["overdue"]) == (False, False)
    assert response.json()["original_due_on"] == "2026-03-10"
    submit(deliverable, faculty_user, at=at(2026, 3, 20, 23, 59, 59), clock=clock)
    assert flags(staff_api, deliverable) == {
        "status": "submitted",
        "late": False,
        "overdue": False,
        "submitted_late": False,
    }


def test_an_extension_does_not_undo_a_late_submission(clock, task, staff_api, faculty_user):
    deliverable = new(task, datetime.date(2026, 3, 10))
    submit(deliverable, faculty_user, at=at(2026, 3, 12), clock=clock)
    staff_api.post(f"{URL}{deliverable.pk}/request-revision/", {"reason": "Redo."})
    response = staff_api.post(f"{URL}{deliverable.pk}/extend/", {"due_on": "2026-04-30", "reason": "For the redo."})
    assert response.status_code == 200
    assert (response.json()["late"], response.json()["submitted_late"]) == (True, True)


def test_late_is_stable_after_acceptance_and_later_versions(clock, task, staff_api, faculty_user):
    late = new(task, datetime.date(2026, 3, 10), "Late one")
    on_time = new(task, datetime.date(2026, 3, 10), "On-time one")
    submit(late, faculty_user, at=at(2026, 3, 11), clock=clock)
    submit(on_time, faculty_user, at=at(2026, 3, 9), clock=clock)
    clock.set(NOW)
    staff_api.post(f"{URL}{on_time.pk}/request-revision/", {"reason": "Redo."})
    submit(on_time, faculty_user, at=at(2026, 3, 14), clock=clock)  # a second version after the deadline
    for deliverable in (late, on_time):
        assert staff_api.post(f"{URL}{deliverable.pk}/accept/").status_code == 200
    clock.set(at(2027, 1, 1))
    assert flags(staff_api, late) == {"status": "accepted", "late": True, "overdue": False, "submitted_late": True}
    assert flags(staff_api, on_time) == {"status": "accepted", "late": False, "overdue": False, "submitted_late": False}
    assert Deliverable.objects.get(pk=on_time.pk).submitted_at == at(2026, 3, 9)  # the first submission


@pytest.fixture
def mix(task, faculty_user, clock):
    """At NOW (2026-03-15 12:00 UTC; the 30-day window ends 2026-04-14)."""

    def make(title, due_on, *, submitted=None, accepted=False, skipped=False, extended_to=None):
        deliverable = new(task, due_on, title)
        if extended_to:
            services.deliverable_extend(deliverable=deliverable, due_on=extended_to, reason="Later.")
        if submitted:
            submit(deliverable, faculty_user, at=submitted, clock=clock)
        if accepted:
            services.deliverable_accept(deliverable=deliverable)
        if skipped:
            services.deliverable_skip(deliverable=deliverable, reason="Dropped.")
        clock.set(NOW)
        return deliverable

    return [
        make("due soon", datetime.date(2026, 3, 20)),
        make("due on the window's last day", datetime.date(2026, 4, 14)),
        make("due after the window", datetime.date(2026, 4, 15)),
        make("overdue", datetime.date(2026, 3, 10)),
        make("overdue since midnight", datetime.date(2026, 3, 14)),
        make("due today", datetime.date(2026, 3, 15)),
        make("submitted on time", datetime.date(2026, 3, 31), submitted=at(2026, 3, 14)),
        make("submitted late", datetime.date(2026, 3, 1), submitted=at(2026, 3, 5)),
        make("accepted on time", datetime.date(2026, 2, 28), submitted=at(2026, 2, 27), accepted=True),
        make("accepted late", datetime.date(2026, 2, 10), submitted=at(2026, 2, 11), accepted=True),
        make("skipped instead of overdue", datetime.date(2026, 3, 1), skipped=True),
        make("extended out of overdue", datetime.date(2026, 3, 1), extended_to=datetime.date(2026, 3, 31)),
    ]


LATE_ONES = {"overdue", "overdue since midnight", "submitted late", "accepted late"}


def test_the_deliverable_summary_on_a_mix(task, mix, member_api):
    assert member_api.get(f"/api/v1/tasks/{task.pk}/").json()["deliverable_summary"] == {
        "total": 12,
        "accepted": 2,
        "on_time": 2,
        "late": 4,
        "overdue": 2,
        "due_next_30_days": 4,  # due soon, the window's last day, due today, extended
        "skipped": 1,
    }


def test_the_late_field_on_a_mix(mix, member_api):
    rows = member_api.get(URL, {"page_size": 100}).json()["results"]
    assert {row["title"] for row in rows if row["late"]} == LATE_ONES
    assert {row["title"] for row in rows if row["overdue"]} == {"overdue", "overdue since midnight"}


@pytest.mark.parametrize(
    "moment",
    [
        NOW,
        at(2026, 3, 15, 23, 59, 59),
        at(2026, 3, 16),  # "due today" becomes overdue
        at(2026, 4, 1),  # and the 31st: "submitted on time" stays on time, "extended…" is overdue
        at(2027, 1, 1),
    ],
)
def test_the_late_filter_agrees_with_the_late_field_on_every_row(clock, mix, member_api, moment):
    clock.set(moment)
    rows = member_api.get(URL, {"page_size": 100}).json()["results"]
    late = member_api.get(URL, {"late": "true", "page_size": 100}).json()["results"]
    not_late = member_api.get(URL, {"late": "false", "page_size": 100}).json()["results"]
    assert len(rows) == len(mix)
    assert late == [row for row in rows if row["late"]]
    assert not_late == [row for row in rows if not row["late"]]
    assert {row["title"] for row in late} >= LATE_ONES


def test_the_summary_counts_from_today_in_the_deadline_time_zone(settings, clock, task, faculty_api):
    settings.DEADLINE_TIME_ZONE = LOS_ANGELES
    new(task, datetime.date(2026, 4, 30))
    url = f"/api/v1/tasks/{task.pk}/"
    clock.set(at(2026, 4, 1, 6, 0))  # still 31 March in Los Angeles: 30 April is 30 days away
    assert faculty_api.get(url).json()["deliverable_summary"]["due_next_30_days"] == 1
    clock.set(at(2026, 3, 31, 6, 0))  # 30 March in Los Angeles: 31 days away
    assert faculty_api.get(url).json()["deliverable_summary"]["due_next_30_days"] == 0
