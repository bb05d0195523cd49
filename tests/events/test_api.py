"""The events API: who sees which event, filters, order, staff writes, registrations, figures."""

import csv
import datetime
import io

import pytest

from api.core.audit.models import AuditEvent
from api.events import services
from api.events.models import AgendaSession, Event, Registration, Speaker
from tests.conftest import bearer
from tests.events.api_support import (
    URL,
    at,
    brief_json,
    event_json,
    iso,
    make_event,
    make_task,
    register,
    registration_json,
    session,
    with_agenda,
)

pytestmark = pytest.mark.django_db

PUBLIC, MEMBERS = Event.Audience.PUBLIC, Event.Audience.MEMBERS
HOUR = datetime.timedelta(hours=1)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def registrations_url(event, pk=None, action=None) -> str:
    url = f"{URL}{event.pk}/registrations/"
    if pk is not None:
        url += f"{pk}/"
    if action is not None:
        url += f"{action}/"
    return url


# --- Who sees what --------------------------------------------------------------------------------


@pytest.fixture
def events():
    """A draft, a members-only, a public and a cancelled (public) event, in that order of start."""
    draft = make_event(title="Draft planning", days=5, status=Event.Status.DRAFT)
    members = make_event(title="Members review", days=10)
    public = make_event(title="Open webinar", days=20, kind=Event.Kind.WEBINAR, audience=PUBLIC)
    cancelled = services.event_cancel(event=make_event(title="Called off", days=30, audience=PUBLIC))
    return {"draft": draft, "members": members, "public": public, "cancelled": cancelled}


EVERYONE = ["public", "cancelled"]
WITH_STANDING = ["members", "public", "cancelled"]
MATRIX = [
    ("api", EVERYONE),
    ("inactive_member_api", EVERYONE),  # an inactive member company: public access only
    ("member_api", WITH_STANDING),
    ("faculty_api", WITH_STANDING),
    ("student_api", WITH_STANDING),
    ("staff_api", ["draft", *WITH_STANDING]),
]


@pytest.mark.parametrize(("client", "visible"), MATRIX)
def test_who_sees_which_event(request, client, visible, events):
    api = request.getfixturevalue(client)
    assert ids(api.get(URL)) == [events[name].pk for name in visible]
    for name, event in events.items():
        detail = api.get(f"{URL}{event.pk}/")
        assert detail.status_code == (200 if name in visible else 404), name
        if name in visible:
            assert detail.json()["status"] == event.status


def test_a_public_event_as_anyone_sees_it(api, events):
    event = with_agenda(events["public"])
    body = api.get(f"{URL}{event.pk}/").json()
    assert body == event_json(event)
    assert body["online_link"] is None and body["my_registration"] is None
    assert [len(s["speakers"]) for s in body["sessions"]] == [2, 2]


def test_ended_events_come_after_upcoming_ones(api):
    ended = make_event(title="Last year's", days=-30, audience=PUBLIC)
    running = make_event(title="Going on now", starts_at=at(0, 0) - datetime.timedelta(hours=1), hours=48,
                         audience=PUBLIC)  # fmt: skip
    later = make_event(title="Later", days=40, audience=PUBLIC)
    sooner = make_event(title="Sooner", days=3, audience=PUBLIC)
    assert ids(api.get(URL)) == [running.pk, sooner.pk, later.pk, ended.pk]


# --- Filters --------------------------------------------------------------------------------------


@pytest.fixture
def task(faculty_user, university):
    return make_task("3161.001", faculty_user, university)


FILTERS = [
    # query, the matching event's fields, the other event's fields
    ("kind=webinar", {"kind": "webinar"}, {"kind": "workshop"}),
    ("audience=public", {"audience": "public"}, {"audience": "members"}),
    ("status=draft", {"status": "draft"}, {"status": "published"}),
    ("from={in_20}", {"days": 25}, {"days": 15}),
    ("to={in_20}", {"days": 15}, {"days": 25}),
]


@pytest.mark.parametrize(("query", "matching", "other"), FILTERS, ids=[row[0].split("=")[0] for row in FILTERS])
def test_each_filter_keeps_the_matching_event_only(staff_api, query, matching, other):
    yes = make_event(title="Yes", **matching)
    no = make_event(title="No", **other)
    query = query.format(in_20=at(20).date().isoformat())
    assert ids(staff_api.get(f"{URL}?{query}")) == [yes.pk]
    assert sorted(ids(staff_api.get(URL))) == sorted([yes.pk, no.pk])


def test_starts_from_keeps_an_event_still_running_on_that_day(staff_api):
    running = make_event(title="Long", days=18, hours=24 * 4)  # 18 to 22 days from today
    assert ids(staff_api.get(f"{URL}?from={at(20).date().isoformat()}")) == [running.pk]


def test_the_task_filter(member_api, task, faculty_user, university):
    other_task = make_task("3172.001", faculty_user, university)
    linked = make_event(title="Review 3161.001", kind=Event.Kind.REVIEW, tasks=[task])
    make_event(title="Review 3172.001", kind=Event.Kind.REVIEW, tasks=[other_task])
    make_event(title="No task")
    assert ids(member_api.get(f"{URL}?task={task.pk}")) == [linked.pk]
    assert member_api.get(f"{URL}{linked.pk}/").json()["tasks"] == [
        {"id": task.pk, "number": "3161.001", "title": "Task 3161.001"}
    ]


# --- Query counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("client", ["api", "member_api"])
def test_the_list_costs_the_same_queries_for_1_and_30_events(
    request, client, faculty_user, university, count_queries, django_assert_max_num_queries
):
    api = request.getfixturevalue(client)
    task = make_task("3161.001", faculty_user, university)

    def build(n):
        event = make_event(title=f"Event {n}", days=2 + n, audience=PUBLIC, tasks=[task])
        sessions = [
            session(event, "Opening", offset=0, speakers=[{"person": faculty_user}, {"name": "Guest"}]),
            session(event, "Panel", offset=2, speakers=[{"name": "Panellist"}]),
        ]
        event = services.event_update(event=event, sessions=sessions)
        register(event, faculty_user)

    build(0)
    with count_queries() as one:
        assert len(ids(api.get(URL))) == 1
    for n in range(1, 30):
        build(n)
    with django_assert_max_num_queries(len(one)):
        assert len(ids(api.get(URL))) == 25  # one full page


# --- Staff create and edit ------------------------------------------------------------------------


@pytest.fixture
def new_event(task, faculty_user):
    return {
        "kind": "workshop",
        "title": "High-NA EUV workshop",
        "description": "Two sessions and a lab tour.",
        "starts_at": "2031-07-01T14:00:00Z",
        "ends_at": "2031-07-01T22:00:00Z",
        "time_zone": "America/Chicago",
        "location": "Westbridge Hall 2",
        "online_link": "https://meet.example.com/high-na",
        "audience": "members",
        "capacity": 40,
        "company_cap": 3,
        "registration_opens_at": "2031-05-01T00:00:00Z",
        "registration_closes_at": "2031-06-30T00:00:00Z",
        "status": "published",
        "tasks": [task.pk],
        "sessions": [
            {
                "title": "Keynote",
                "starts_at": "2031-07-01T14:00:00Z",
                "ends_at": "2031-07-01T15:00:00Z",
                "room": "Auditorium",
                "speakers": [{"person": faculty_user.pk}, {"name": "Ingrid Solberg"}],
            },
            {
                "title": "Lab tour",
                "starts_at": "2031-07-01T16:00:00Z",
                "ends_at": "2031-07-01T17:30:00Z",
                "description": "Cleanroom gowns provided.",
            },
        ],
    }


def test_staff_create_an_event_with_its_agenda(staff_api, new_event, task, faculty_user):
    response = staff_api.post(URL, new_event, format="json")

    assert response.status_code == 201, response.content
    event = Event.objects.get()
    keynote, _tour = event.sessions.order_by("starts_at")
    body = response.json()
    assert body == event_json(event, insider=True)
    assert body["starts_at"] == "2031-07-01T14:00:00Z"
    assert body["starts_local"] == "2031-07-01T09:00:00-05:00"  # Chicago, daylight saving time
    assert body["ends_local"] == "2031-07-01T17:00:00-05:00"
    assert body["online_link"] == "https://meet.example.com/high-na"
    assert body["tasks"] == [{"id": task.pk, "number": "3161.001", "title": "Task 3161.001"}]
    assert body["seats"] == {"confirmed": 0, "waitlisted": 0, "available": 40}
    assert body["sessions"][0] == {
        "id": keynote.pk,
        "title": "Keynote",
        "starts_at": "2031-07-01T14:00:00Z",
        "ends_at": "2031-07-01T15:00:00Z",
        "starts_local": "2031-07-01T09:00:00-05:00",
        "ends_local": "2031-07-01T10:00:00-05:00",
        "room": "Auditorium",
        "description": "",
        "speakers": [{"name": faculty_user.full_name, "person": faculty_user.pk}, {"name": "Ingrid Solberg",
                                                                                 "person": None}],
        "materials": [],
    }  # fmt: skip
    assert body["sessions"][1]["speakers"] == [] and body["sessions"][1]["room"] == ""
    assert AuditEvent.objects.filter(action="create", target_type="events.event", target_id=str(event.pk)).exists()


def test_local_times_follow_the_event_s_time_zone_in_winter(staff_api, new_event):
    new_event.update(
        starts_at="2031-01-15T09:00:00Z", ends_at="2031-01-15T17:00:00Z", time_zone="Europe/Berlin",
        registration_opens_at=None, registration_closes_at=None, sessions=[],
    )  # fmt: skip
    body = staff_api.post(URL, new_event, format="json").json()
    assert (body["starts_local"], body["ends_local"]) == ("2031-01-15T10:00:00+01:00", "2031-01-15T18:00:00+01:00")


def test_staff_edit_an_event_and_replace_its_agenda(staff_api, task, faculty_user):
    event = with_agenda(make_event(title="Before"))
    old_sessions = set(event.sessions.values_list("pk", flat=True))
    starts = event.starts_at + datetime.timedelta(hours=2)
    response = staff_api.patch(
        f"{URL}{event.pk}/",
        {
            "title": "After",
            "time_zone": "America/Los_Angeles",
            "tasks": [task.pk],
            "sessions": [
                {"title": "Only session", "starts_at": iso(starts), "ends_at": iso(starts + HOUR),
                 "speakers": [{"name": "Rahul Iyer"}, {"person": faculty_user.pk, "name": "Prof. Chen"}]},
            ],
        },
        format="json",
    )  # fmt: skip

    assert response.status_code == 200, response.content
    body = response.json()
    assert body == event_json(event, insider=True)
    assert (body["title"], body["time_zone"]) == ("After", "America/Los_Angeles")
    assert body["starts_local"].endswith(("-07:00", "-08:00"))
    assert [s["title"] for s in body["sessions"]] == ["Only session"]
    assert body["sessions"][0]["speakers"] == [
        {"name": "Rahul Iyer", "person": None},
        {"name": "Prof. Chen", "person": faculty_user.pk},
    ]
    assert not AgendaSession.objects.filter(pk__in=old_sessions).exists()
    changes = AuditEvent.objects.filter(action="update", target_id=str(event.pk)).latest("id").changes
    assert changes["title"] == ["Before", "After"] and changes["tasks"] == [[], [task.pk]]


def test_a_patch_without_sessions_keeps_the_agenda(staff_api):
    event = with_agenda(make_event())
    response = staff_api.patch(f"{URL}{event.pk}/", {"location": "Room 5"}, format="json")
    assert response.status_code == 200
    assert len(response.json()["sessions"]) == 2 and response.json()["location"] == "Room 5"


def counts() -> tuple:
    return Event.objects.count(), AgendaSession.objects.count(), Speaker.objects.count(), AuditEvent.objects.count()


INVALID = [
    ({"ends_at": "2031-07-01T13:00:00Z"}, "ends_at"),
    ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
    ({"registration_closes_at": "2031-04-01T00:00:00Z"}, "registration_closes_at"),
    ({"kind": "party"}, "kind"),
    ({"title": ""}, "title"),
]


@pytest.mark.parametrize(("change", "field"), INVALID, ids=[field for _, field in INVALID])
def test_invalid_events_are_400s_naming_the_field_and_write_nothing(staff_api, new_event, change, field):
    before = counts()
    response = staff_api.post(URL, {**new_event, **change}, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert (body["status"], body["code"]) == (400, "invalid")
    assert list(body["fields"]) == [field]
    assert counts() == before


@pytest.mark.parametrize(
    ("starts", "ends", "field"),
    [
        ("2031-07-01T13:00:00Z", "2031-07-01T15:00:00Z", "sessions.1.starts_at"),  # before the event
        ("2031-07-01T21:00:00Z", "2031-07-01T23:00:00Z", "sessions.1.starts_at"),  # after it ends
        ("2031-07-01T16:00:00Z", "2031-07-01T15:00:00Z", "sessions.1.ends_at"),  # ends before it starts
    ],
)
def test_a_session_outside_its_event_is_a_400_and_nothing_is_written(staff_api, new_event, starts, ends, field):
    new_event["sessions"][1].update(starts_at=starts, ends_at=ends)
    before = counts()
    response = staff_api.post(URL, new_event, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()["fields"]) == [field]
    assert counts() == before


def test_an_invalid_edit_changes_nothing(staff_api):
    event = with_agenda(make_event(title="Kept"))
    before = (counts(), event_json(event, insider=True))
    response = staff_api.patch(
        f"{URL}{event.pk}/",
        {"title": "Lost", "sessions": [{"title": "Too early", "starts_at": iso(event.starts_at - datetime.timedelta(
            hours=2)), "ends_at": iso(event.starts_at)}]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["sessions.0.starts_at"]
    assert (counts(), event_json(event, insider=True)) == before


@pytest.mark.parametrize("client", ["member_api", "faculty_api", "student_api", "inactive_member_api"])
def test_only_staff_write_events(request, client, new_event, events):
    api = request.getfixturevalue(client)
    before = counts()
    assert api.post(URL, new_event, format="json").status_code == 403
    visible = events["public"]
    assert api.patch(f"{URL}{visible.pk}/", {"title": "Mine"}, format="json").status_code == 403
    assert api.post(f"{URL}{visible.pk}/cancel/").status_code == 403
    assert api.patch(f"{URL}{events['draft'].pk}/", {"title": "Mine"}, format="json").status_code == 404
    assert api.post(f"{URL}{events['draft'].pk}/cancel/").status_code == 404
    assert counts() == before


def test_anonymous_writes_are_401(api, new_event, events):
    assert api.post(URL, new_event, format="json").status_code == 401
    assert api.patch(f"{URL}{events['public'].pk}/", {"title": "x"}, format="json").status_code == 401
    assert api.post(f"{URL}{events['public'].pk}/cancel/").status_code == 401


def test_events_are_never_deleted_through_the_api(staff_api, events):
    assert staff_api.delete(f"{URL}{events['public'].pk}/").status_code == 405


def test_a_read_token_never_writes(make_token, staff_user, member_user, new_event):
    event = make_event(capacity=10)
    _, staff_raw = make_token(staff_user, scopes=["read"])
    _, member_raw = make_token(member_user, scopes=["read"])
    before = counts()
    for response in (
        bearer(staff_raw).post(URL, new_event, format="json"),
        bearer(staff_raw).patch(f"{URL}{event.pk}/", {"capacity": 20}, format="json"),
        bearer(member_raw).post(registrations_url(event), {}, format="json"),
    ):
        assert response.status_code == 403
        assert response.json()["code"] == "insufficient_scope"
    assert counts() == before and not Registration.objects.exists()
    assert bearer(member_raw).get(f"{URL}{event.pk}/").status_code == 200
    _, write_raw = make_token(member_user, scopes=["read", "write"])
    assert bearer(write_raw).post(registrations_url(event), {}, format="json").status_code == 201


# --- Registrations --------------------------------------------------------------------------------


def test_registering_the_caller(member_api, member_user, member_company):
    event = make_event(capacity=1)
    response = member_api.post(registrations_url(event), {}, format="json")
    assert response.status_code == 201, response.content
    registration = Registration.objects.get()
    assert response.json() == registration_json(registration)
    assert (response.json()["status"], response.json()["position"]) == ("confirmed", None)
    assert registration.person == member_user and registration.company == member_company


def test_the_second_registration_waits_with_its_place(member_api, other_member_api, faculty_api):
    event = make_event(capacity=1)
    assert member_api.post(registrations_url(event)).json()["status"] == "confirmed"
    second = other_member_api.post(registrations_url(event)).json()
    third = faculty_api.post(registrations_url(event)).json()
    assert [(second["status"], second["position"]), (third["status"], third["position"])] == [
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]


def test_registering_twice_is_a_409_carrying_the_existing_registration(member_api):
    event = make_event()
    member_api.post(registrations_url(event))
    response = member_api.post(registrations_url(event))
    assert response.status_code == 409
    assert response.json() == {
        "status": 409,
        "code": "already_registered",
        "detail": "You are already registered for this event.",
        "registration": registration_json(Registration.objects.get()),
    }
    assert Registration.objects.count() == 1


def test_staff_register_someone_else(staff_api, staff_user, faculty_user):
    event = make_event()
    response = staff_api.post(registrations_url(event), {"person": faculty_user.pk}, format="json")
    assert response.status_code == 201
    registration = Registration.objects.get()
    assert (registration.person, registration.registered_by) == (faculty_user, staff_user)
    assert response.json()["person"]["id"] == faculty_user.pk


def test_others_may_not_register_someone_else(member_api, member_user, colleague):
    event = make_event()
    response = member_api.post(registrations_url(event), {"person": colleague.pk}, format="json")
    assert response.status_code == 403
    assert not Registration.objects.exists()
    assert member_api.post(registrations_url(event), {"person": member_user.pk}, format="json").status_code == 201


def test_an_unknown_person_is_a_400(staff_api):
    event = make_event()
    response = staff_api.post(registrations_url(event), {"person": 999999}, format="json")
    assert response.status_code == 400 and list(response.json()["fields"]) == ["person"]


def test_registration_needs_a_signed_in_caller(api):
    event = make_event(audience=PUBLIC)
    assert api.post(registrations_url(event)).status_code == 401
    assert api.get(registrations_url(event)).status_code == 401


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"registration_opens_at": at(3)}, "registration_closed"),
        ({"registration_closes_at": at(-1), "registration_opens_at": at(-5)}, "registration_closed"),
        ({"days": -2}, "registration_closed"),  # it has started (and ended)
    ],
    ids=["not-open-yet", "closed", "past"],
)
def test_registration_outside_its_window_is_a_409(member_api, fields, code):
    event = make_event(**fields)
    response = member_api.post(registrations_url(event))
    assert response.status_code == 409
    assert response.json()["code"] == code
    assert not Registration.objects.exists()


def test_a_cancelled_event_takes_no_registrations(member_api):
    event = services.event_cancel(event=make_event())
    response = member_api.post(registrations_url(event))
    assert (response.status_code, response.json()["code"]) == (409, "event_cancelled")


def test_a_draft_is_a_404_to_others_and_closed_to_staff(member_api, staff_api):
    event = make_event(status=Event.Status.DRAFT)
    assert member_api.post(registrations_url(event)).status_code == 404
    response = staff_api.post(registrations_url(event))
    assert (response.status_code, response.json()["code"]) == (409, "registration_closed")


def test_a_members_only_event_is_a_404_to_an_inactive_member(inactive_member_api):
    event = make_event(audience=MEMBERS)
    assert inactive_member_api.post(registrations_url(event)).status_code == 404
    public = make_event(audience=PUBLIC)
    assert inactive_member_api.post(registrations_url(public)).status_code == 201


def test_staff_cannot_seat_someone_without_standing_at_a_members_only_event(staff_api, inactive_member):
    event = make_event(audience=MEMBERS)
    response = staff_api.post(registrations_url(event), {"person": inactive_member.pk}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "not_eligible")
    assert not Registration.objects.exists()


def test_staff_list_everyone_others_their_own(staff_api, member_api, faculty_api, member_user, faculty_user):
    event = make_event()
    mine = register(event, member_user)
    theirs = register(event, faculty_user)
    assert staff_api.get(registrations_url(event)).json()["results"] == [
        registration_json(mine),
        registration_json(theirs),
    ]
    assert member_api.get(registrations_url(event)).json()["results"] == [registration_json(mine)]
    assert faculty_api.get(registrations_url(event)).json()["results"] == [registration_json(theirs)]
    assert member_api.get(registrations_url(event, mine.pk)).json() == registration_json(mine)
    assert member_api.get(registrations_url(event, theirs.pk)).status_code == 404


def test_the_registration_list_filters_by_status(staff_api, member_user, faculty_user):
    event = make_event(capacity=1)
    register(event, member_user)
    waiting = register(event, faculty_user)
    assert ids(staff_api.get(registrations_url(event) + "?status=waitlisted")) == [waiting.pk]


def test_registrations_of_an_invisible_event_are_a_404(member_api, staff_user):
    draft = make_event(status=Event.Status.DRAFT)
    assert member_api.get(registrations_url(draft)).status_code == 404


@pytest.mark.parametrize("how", ["delete", "cancel"])
def test_cancelling_your_own_registration_promotes_the_first_waiting(
    member_api, member_user, faculty_user, student_user, how
):
    event = make_event(capacity=1)
    mine = register(event, member_user)
    first = register(event, faculty_user)
    second = register(event, student_user)
    if how == "delete":
        response = member_api.delete(registrations_url(event, mine.pk))
        assert response.status_code == 204
    else:
        response = member_api.post(registrations_url(event, mine.pk, "cancel"))
        assert response.status_code == 200
        assert response.json() == registration_json(mine)
        assert response.json()["status"] == "cancelled"
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, first.position) == ("confirmed", None)
    assert (second.status, second.position) == ("waitlisted", 1)


def test_someone_else_s_registration_is_a_404_to_cancel(member_api, faculty_user):
    event = make_event()
    theirs = register(event, faculty_user)
    assert member_api.delete(registrations_url(event, theirs.pk)).status_code == 404
    assert member_api.post(registrations_url(event, theirs.pk, "cancel")).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "confirmed"


def test_staff_cancel_anyone_s_registration(staff_api, faculty_user):
    event = make_event()
    theirs = register(event, faculty_user)
    assert staff_api.post(registrations_url(event, theirs.pk, "cancel")).json()["status"] == "cancelled"


def test_check_in_is_for_staff(staff_api, member_api, member_user, faculty_user):
    event = make_event()
    mine = register(event, member_user)
    theirs = register(event, faculty_user)
    assert member_api.post(registrations_url(event, mine.pk, "check-in")).status_code == 403
    assert member_api.post(registrations_url(event, theirs.pk, "check-in")).status_code == 404
    response = staff_api.post(registrations_url(event, mine.pk, "check-in"))
    assert response.status_code == 200
    assert response.json() == registration_json(mine) and response.json()["checked_in_at"] is not None
    assert Registration.objects.get(pk=theirs.pk).checked_in_at is None
    # A checked-in person can no longer give the seat up.
    response = member_api.post(registrations_url(event, mine.pk, "cancel"))
    assert (response.status_code, response.json()["code"]) == (409, "checked_in")


def test_a_waitlisted_person_cannot_be_checked_in(staff_api, member_user, faculty_user):
    event = make_event(capacity=1)
    register(event, member_user)
    waiting = register(event, faculty_user)
    response = staff_api.post(registrations_url(event, waiting.pk, "check-in"))
    assert (response.status_code, response.json()["code"]) == (409, "invalid_state")


def test_raising_the_capacity_promotes_the_first_waiting_person(staff_api, member_user, faculty_user, student_user):
    event = make_event(capacity=1)
    register(event, member_user)
    first = register(event, faculty_user)
    second = register(event, student_user)
    response = staff_api.patch(f"{URL}{event.pk}/", {"capacity": 2}, format="json")
    assert response.status_code == 200
    assert response.json()["seats"] == {"confirmed": 2, "waitlisted": 1, "available": 0}
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, second.status, second.position) == ("confirmed", "waitlisted", 1)


def test_cancelling_by_patching_the_status_cancels_every_registration(staff_api, member_user, faculty_user):
    event = make_event(capacity=1)
    register(event, member_user)
    register(event, faculty_user)
    response = staff_api.patch(f"{URL}{event.pk}/", {"status": "cancelled"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["seats"] == {"confirmed": 0, "waitlisted": 0, "available": 1}
    assert set(Registration.objects.values_list("status", "position")) == {("cancelled", None)}
    again = staff_api.patch(f"{URL}{event.pk}/", {"status": "published"}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "event_cancelled")


def test_the_cancel_action(staff_api, member_user):
    event = make_event()
    register(event, member_user)
    response = staff_api.post(f"{URL}{event.pk}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert Registration.objects.get().status == "cancelled"


def test_the_online_link_is_for_confirmed_registrants_and_staff(
    api, member_api, faculty_api, student_api, staff_api, member_user, faculty_user
):
    event = make_event(capacity=1, audience=PUBLIC)
    url = f"{URL}{event.pk}/"
    link = "https://meet.example.com/spring"
    assert api.get(url).json()["online_link"] is None
    assert student_api.get(url).json()["online_link"] is None  # not registered
    assert staff_api.get(url).json()["online_link"] == link
    register(event, member_user)
    register(event, faculty_user)  # waitlisted
    assert member_api.get(url).json()["online_link"] == link
    assert faculty_api.get(url).json()["online_link"] is None
    assert [row["online_link"] for row in member_api.get(URL).json()["results"]] == [link]
    assert [row["online_link"] for row in faculty_api.get(URL).json()["results"]] == [None]


def test_my_registration_and_seats_on_detail_and_list(member_api, faculty_api, api, member_user, faculty_user):
    event = make_event(capacity=1, audience=PUBLIC)
    other = make_event(title="Other", days=20, audience=PUBLIC)
    mine = register(event, member_user)
    waiting = register(event, faculty_user)
    detail = member_api.get(f"{URL}{event.pk}/").json()
    assert detail == event_json(event, mine=mine, insider=True)
    assert detail["my_registration"] == brief_json(mine)
    assert detail["seats"] == {"confirmed": 1, "waitlisted": 1, "available": 0}
    assert faculty_api.get(f"{URL}{event.pk}/").json()["my_registration"] == {
        **brief_json(waiting),
        "status": "waitlisted",
        "position": 1,
    }
    listed = {row["id"]: row for row in member_api.get(URL).json()["results"]}
    assert listed[event.pk] == detail
    assert listed[other.pk] == event_json(other)
    assert listed[other.pk]["seats"] == {"confirmed": 0, "waitlisted": 0, "available": None}
    assert api.get(f"{URL}{event.pk}/").json()["my_registration"] is None


def test_my_registration_shows_a_cancelled_one(member_api, member_user):
    event = make_event()
    mine = services.registration_cancel(registration=register(event, member_user))
    assert member_api.get(f"{URL}{event.pk}/").json()["my_registration"]["status"] == "cancelled"
    assert brief_json(mine)["status"] == "cancelled"


# --- Figures and attendance -----------------------------------------------------------------------


@pytest.fixture
def attended(member_user, colleague, other_member, faculty_user, student_user, member_company, other_company):
    """Capacity 3, one seat per company: Aster 1 confirmed (checked in) + 1 waiting, Helix 1 confirmed,
    faculty 1 confirmed, the student waiting then cancelled."""
    event = make_event(capacity=3, company_cap=1)
    services.registration_check_in(registration=register(event, member_user))
    register(event, colleague)
    register(event, other_member)
    register(event, faculty_user)
    services.registration_cancel(registration=register(event, student_user))
    return event


def test_figures_per_company(staff_api, attended, member_company, other_company):
    response = staff_api.get(f"{URL}{attended.pk}/figures/")
    assert response.status_code == 200
    assert response.json() == {
        "confirmed": 3,
        "waitlisted": 1,
        "cancelled": 1,
        "checked_in": 1,
        "companies": [
            {"company": member_company.pk, "name": "Aster Microdevices", "confirmed": 1, "waitlisted": 1,
             "checked_in": 1},
            {"company": other_company.pk, "name": "Helix Foundry", "confirmed": 1, "waitlisted": 0, "checked_in": 0},
            {"company": None, "name": "No member company", "confirmed": 1, "waitlisted": 0, "checked_in": 0},
        ],
    }  # fmt: skip


@pytest.mark.parametrize("action", ["figures", "attendance"])
def test_figures_and_attendance_are_for_staff(request, api, member_api, attended, action):
    url = f"{URL}{attended.pk}/{action}/"
    assert api.get(url).status_code == 401
    assert member_api.get(url).status_code == 403
    draft = make_event(status=Event.Status.DRAFT)
    assert member_api.get(f"{URL}{draft.pk}/{action}/").status_code == 404


def test_attendance_csv(staff_api, attended, member_user, colleague, other_member, faculty_user, student_user):
    member_user.given_name, member_user.family_name = '=HYPERLINK("http://evil.example")', "+1"
    member_user.save()
    response = staff_api.get(f"{URL}{attended.pk}/attendance/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="attendance-{attended.pk}.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["name", "email", "company", "status", "waiting_position", "registered_at", "checked_in_at"]
    registrations = list(Registration.objects.filter(event=attended).order_by("created_at", "id"))
    assert [row[1] for row in rows[1:]] == [r.person.email for r in registrations]
    first = rows[1]
    assert first[0] == '\'=HYPERLINK("http://evil.example") +1'  # never run as a formula
    assert first[2:5] == ["Aster Microdevices", "confirmed", ""]
    assert first[6] == registrations[0].checked_in_at.isoformat()
    assert rows[2][2:5] == ["Aster Microdevices", "waitlisted", "1"]
    assert rows[4][2] == "" and rows[5][3] == "cancelled"


def test_a_person_can_register_again_after_cancelling(member_api, member_user):
    event = make_event()
    first = register(event, member_user)
    services.registration_cancel(registration=first)
    response = member_api.post(registrations_url(event))
    assert response.status_code == 201
    assert response.json()["id"] == first.pk and response.json()["status"] == "confirmed"


def test_a_new_person_gets_a_seat_where_a_company_cap_blocks_another(member_api, colleague, member_company):
    event = make_event(company_cap=1)
    assert member_api.post(registrations_url(event)).json()["status"] == "confirmed"
    second = services.registration_create(event=event, person=colleague)
    assert (second.status, second.position, second.company) == ("waitlisted", 1, member_company)


def test_passing_someone_else_on_an_invisible_event_is_a_404_not_a_403(member_api, colleague):
    draft = make_event(status=Event.Status.DRAFT)
    response = member_api.post(registrations_url(draft), {"person": colleague.pk}, format="json")
    assert response.status_code == 404


def test_moving_an_event_away_from_its_agenda_is_a_400(staff_api):
    event = with_agenda(make_event())
    before = event_json(event, insider=True)
    later = event.starts_at + datetime.timedelta(days=1)
    response = staff_api.patch(
        f"{URL}{event.pk}/", {"starts_at": iso(later), "ends_at": iso(later + datetime.timedelta(hours=8))},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400, response.content
    assert list(response.json()["fields"]) == ["starts_at"]
    assert event_json(event, insider=True) == before
    moved = [
        {"title": s.title, "starts_at": iso(s.starts_at + datetime.timedelta(days=1)),
         "ends_at": iso(s.ends_at + datetime.timedelta(days=1))}
        for s in event.sessions.all()
    ]  # fmt: skip
    response = staff_api.patch(
        f"{URL}{event.pk}/",
        {"starts_at": iso(later), "ends_at": iso(later + datetime.timedelta(hours=8)), "sessions": moved},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert [s["starts_at"] for s in response.json()["sessions"]] == [row["starts_at"] for row in moved]
