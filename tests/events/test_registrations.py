"""Registration services: capacity, per-company caps, the gap-free auto-promoting waiting list,
the registration window, check-in, cancelling an event, emails after commit, the audit trail, and
parallel registrations on PostgreSQL."""

import datetime
import threading
import time

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from api.core.audit.models import AuditEvent
from api.core.errors import Conflict, exception_handler
from api.core.request_context import acting_as
from api.events import services
from api.events.models import Event, Registration
from tests import factories

pytestmark = pytest.mark.django_db

CONFIRMED, WAITLISTED, CANCELLED = "confirmed", "waitlisted", "cancelled"
HOUR = datetime.timedelta(hours=1)


def register(event, person, **kwargs) -> Registration:
    return services.registration_create(event=event, person=person, **kwargs)


def cancel(event, person) -> Registration:
    return services.registration_cancel(registration=Registration.objects.get(event=event, person=person))


def state(event, person) -> tuple[str, int | None]:
    registration = Registration.objects.get(event=event, person=person)
    return registration.status, registration.position


def conflict_code(call) -> str:
    with pytest.raises(Conflict) as raised:
        call()
    return raised.value.code


# --- capacity --------------------------------------------------------------------------------


def test_confirmed_up_to_capacity_then_waitlisted_in_order(ev_event, ev_faculty, ev_assert_gap_free):
    event = ev_event(capacity=2)
    people = [ev_faculty() for _ in range(5)]
    registrations = [register(event, person) for person in people]
    assert [(r.status, r.position) for r in registrations] == [
        (CONFIRMED, None),
        (CONFIRMED, None),
        (WAITLISTED, 1),
        (WAITLISTED, 2),
        (WAITLISTED, 3),
    ]
    assert all(r.confirmed_at is not None for r in registrations[:2])
    assert all(r.confirmed_at is None for r in registrations[2:])
    assert ev_assert_gap_free(event) == [p.pk for p in people[2:]]


def test_unlimited_capacity_confirms_everyone(ev_event, ev_faculty, ev_member):
    event = ev_event(capacity=None)
    people = [ev_faculty() for _ in range(20)] + [ev_member() for _ in range(5)]
    assert {register(event, person).status for person in people} == {CONFIRMED}
    assert Registration.objects.filter(event=event, status=CONFIRMED).count() == 25


@pytest.mark.parametrize("first_status", [CONFIRMED, WAITLISTED])
def test_a_second_registration_is_a_409_carrying_the_existing_one(ev_event, ev_faculty, first_status):
    event = ev_event(capacity=1 if first_status == CONFIRMED else 0)
    person = ev_faculty()
    existing = register(event, person)
    assert existing.status == first_status
    with pytest.raises(services.AlreadyRegistered) as raised:
        register(event, person)
    exc = raised.value
    assert isinstance(exc, Conflict) and exc.code == "already_registered"
    assert exc.registration == existing and exc.registration.status == first_status
    response = exception_handler(exc, {})
    assert response.status_code == 409 and response.data["code"] == "already_registered"
    assert Registration.objects.filter(event=event, person=person).count() == 1


def test_registering_again_after_cancelling_reuses_the_row_and_passes_capacity_again(
    ev_event, ev_faculty, ev_assert_gap_free
):
    event = ev_event(capacity=2)
    first, second, third = ev_faculty(), ev_faculty(), ev_faculty()
    original = register(event, first)
    register(event, second)
    cancelled = cancel(event, first)
    assert (cancelled.status, cancelled.cancelled_at is not None) == (CANCELLED, True)
    again = register(event, first)  # a seat is free: confirmed again, on the same row
    assert (again.pk, again.status, again.cancelled_at) == (original.pk, CONFIRMED, None)

    register(event, third)  # full now: third waits
    cancel(event, first)  # ... and is promoted
    assert state(event, third) == (CONFIRMED, None)
    late = factories.faculty()
    register(event, late)
    again = register(event, first)  # full: to the back of the queue
    assert (again.pk, again.status, again.position) == (original.pk, WAITLISTED, 2)
    assert again.confirmed_at is None, "a waitlisted row must not keep an old confirmation time"
    assert Registration.objects.get(pk=original.pk).confirmed_at is None
    assert ev_assert_gap_free(event) == [late.pk, first.pk]
    assert Registration.objects.filter(event=event, person=first).count() == 1


# --- company caps ----------------------------------------------------------------------------


def test_a_company_cap_waitlists_a_second_colleague_even_with_seats_left(ev_event, ev_company, ev_member, ev_faculty):
    event = ev_event(capacity=10, company_cap=1)
    aster = ev_company()
    first, second, other = ev_member(aster), ev_member(aster), ev_member()
    assert register(event, first).status == CONFIRMED
    assert (register(event, second).status, Registration.objects.get(person=second).position) == (WAITLISTED, 1)
    assert register(event, other).status == CONFIRMED  # another company has its own cap
    assert register(event, ev_faculty()).status == CONFIRMED
    assert Registration.objects.get(person=first).company == aster
    assert Registration.objects.filter(event=event, status=CONFIRMED).count() == 3


def test_people_without_a_member_company_are_not_capped(
    ev_event, ev_faculty, student_user, staff_user, inactive_company
):
    event = ev_event(capacity=None, company_cap=1)
    people = [ev_faculty(), ev_faculty(), ev_faculty(), student_user, staff_user]
    people += [factories.member(inactive_company), factories.member(inactive_company)]  # public access only
    registrations = [register(event, person) for person in people]
    assert {(r.status, r.company_id) for r in registrations} == {(CONFIRMED, None)}


def test_the_company_is_the_one_at_registration_time(ev_event, ev_company, ev_member):
    event = ev_event(capacity=10, company_cap=1)
    aster, helix = ev_company(), ev_company()
    person = ev_member(aster)
    register(event, person)
    person.organisation = helix
    person.save()
    assert Registration.objects.get(person=person).company == aster
    assert register(event, ev_member(helix)).status == CONFIRMED  # helix has no seat yet
    assert register(event, ev_member(aster)).status == WAITLISTED


def test_a_freed_seat_goes_to_the_first_waiting_person_who_fits(ev_event, ev_company, ev_member, ev_assert_gap_free):
    event = ev_event(capacity=2, company_cap=1)
    aster, helix, cobalt = ev_company(), ev_company(), ev_company()
    a1, h1, a2, c1, a3 = ev_member(aster), ev_member(helix), ev_member(aster), ev_member(cobalt), ev_member(aster)
    for person in (a1, h1, a2, c1, a3):
        register(event, person)
    assert ev_assert_gap_free(event) == [a2.pk, c1.pk, a3.pk]

    cancel(event, h1)  # a2 is first but aster is at its cap: a2 keeps place 1, c1 goes first
    assert state(event, c1) == (CONFIRMED, None)
    assert ev_assert_gap_free(event) == [a2.pk, a3.pk]

    cancel(event, a1)  # now a2 fits, ahead of a3
    assert state(event, a2) == (CONFIRMED, None)
    assert ev_assert_gap_free(event) == [a3.pk]
    assert Registration.objects.filter(event=event, status=CONFIRMED).count() == 2


def test_raising_the_company_cap_promotes_in_order_at_once(ev_event, ev_company, ev_member, ev_assert_gap_free):
    event = ev_event(capacity=10, company_cap=1)
    aster, helix = ev_company(), ev_company()
    a1, a2, h1, h2, a3 = ev_member(aster), ev_member(aster), ev_member(helix), ev_member(helix), ev_member(aster)
    for person in (a1, a2, h1, h2, a3):
        register(event, person)
    assert ev_assert_gap_free(event) == [a2.pk, h2.pk, a3.pk]

    services.event_set_seats(event=event, company_cap=2)
    promoted = AuditEvent.objects.filter(action="promote").order_by("id").values_list("target_id", flat=True)
    assert list(promoted) == [str(Registration.objects.get(person=p).pk) for p in (a2, h2)]
    assert ev_assert_gap_free(event) == [a3.pk]

    services.event_set_seats(event=event, company_cap=None)
    assert state(event, a3) == (CONFIRMED, None)
    assert ev_assert_gap_free(event) == []
    assert Event.objects.get(pk=event.pk).company_cap is None


def test_raising_the_capacity_promotes_several_in_order(ev_event, ev_faculty, ev_assert_gap_free):
    event = ev_event(capacity=2)
    people = [ev_faculty() for _ in range(7)]
    for person in people:
        register(event, person)
    assert ev_assert_gap_free(event) == [p.pk for p in people[2:]]
    services.event_set_seats(event=event, capacity=5)
    assert {p.pk for p in people[:5]} == set(
        Registration.objects.filter(event=event, status=CONFIRMED).values_list("person_id", flat=True)
    )
    assert ev_assert_gap_free(event) == [people[5].pk, people[6].pk]
    services.event_set_seats(event=event, capacity=None)  # unlimited: everyone in
    assert ev_assert_gap_free(event) == []
    assert Registration.objects.filter(event=event, status=CONFIRMED).count() == 7


def test_lowering_the_capacity_never_unconfirms_anyone(ev_event, ev_faculty, ev_assert_gap_free):
    event = ev_event(capacity=4)
    people = [ev_faculty() for _ in range(6)]
    for person in people:
        register(event, person)
    services.event_set_seats(event=event, capacity=1)
    assert Registration.objects.filter(event=event, status=CONFIRMED).count() == 4
    assert ev_assert_gap_free(event) == [people[4].pk, people[5].pk]

    cancel(event, people[0])  # still over the new capacity: nobody is promoted
    assert Registration.objects.filter(event=event, status=CONFIRMED).count() == 3
    assert ev_assert_gap_free(event) == [people[4].pk, people[5].pk]
    assert register(event, ev_faculty()).status == WAITLISTED


def test_lowering_the_company_cap_never_unconfirms_anyone(ev_event, ev_company, ev_member):
    event = ev_event(capacity=10, company_cap=3)
    aster = ev_company()
    people = [ev_member(aster) for _ in range(3)]
    for person in people:
        register(event, person)
    services.event_set_seats(event=event, company_cap=1)
    assert Registration.objects.filter(event=event, status=CONFIRMED).count() == 3
    assert register(event, ev_member(aster)).status == WAITLISTED


# --- the waiting list stays gap-free -----------------------------------------------------------


def test_cancelling_in_the_middle_of_the_waiting_list_closes_the_gap(ev_event, ev_faculty, ev_assert_gap_free):
    event = ev_event(capacity=1)
    people = [ev_faculty() for _ in range(7)]
    for person in people:
        register(event, person)
    waiting = [p.pk for p in people[1:]]
    assert ev_assert_gap_free(event) == waiting

    cancel(event, people[3])  # place 3 of 6
    waiting.remove(people[3].pk)
    assert ev_assert_gap_free(event) == waiting
    cancel(event, people[-1])  # the last
    waiting.remove(people[-1].pk)
    assert ev_assert_gap_free(event) == waiting
    cancel(event, people[1])  # the first
    waiting.remove(people[1].pk)
    assert ev_assert_gap_free(event) == waiting
    newcomer = ev_faculty()
    assert (register(event, newcomer).position, len(waiting) + 1) == (4, 4)
    waiting.append(newcomer.pk)
    assert ev_assert_gap_free(event) == waiting

    cancel(event, people[0])  # the seat frees: the front is promoted, the rest move up
    assert state(event, people[2]) == (CONFIRMED, None)
    assert ev_assert_gap_free(event) == waiting[1:]


def test_cap_blocked_people_keep_their_places_through_a_promotion_of_several(
    ev_event, ev_company, ev_member, ev_faculty, ev_assert_gap_free
):
    event = ev_event(capacity=2, company_cap=1)
    aster = ev_company()
    a1, f1 = ev_member(aster), ev_faculty()
    register(event, a1)
    register(event, f1)
    queue = [ev_member(aster), ev_faculty(), ev_member(aster), ev_faculty(), ev_faculty(), ev_member(aster)]
    for person in queue:
        register(event, person)
    assert ev_assert_gap_free(event) == [p.pk for p in queue]

    services.event_set_seats(event=event, capacity=5)  # three seats: the three faculty, not aster's people
    assert {queue[1].pk, queue[3].pk, queue[4].pk} <= set(
        Registration.objects.filter(event=event, status=CONFIRMED).values_list("person_id", flat=True)
    )
    assert ev_assert_gap_free(event) == [queue[0].pk, queue[2].pk, queue[5].pk]

    cancel(event, a1)  # aster's first waiting person, not the others
    assert state(event, queue[0]) == (CONFIRMED, None)
    assert ev_assert_gap_free(event) == [queue[2].pk, queue[5].pk]


# --- window and status -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"status": Event.Status.DRAFT}, "registration_closed"),
        ({"status": Event.Status.CANCELLED}, "event_cancelled"),
        ({"registration_opens_at": "future"}, "registration_closed"),
        ({"registration_closes_at": "past"}, "registration_closed"),
        ({"starts_at": "past"}, "registration_closed"),  # closes when it starts, by default
    ],
    ids=["draft", "cancelled", "not-open-yet", "closed", "started"],
)
def test_registration_outside_the_window_or_status_is_refused(ev_event, ev_faculty, fields, code):
    now = timezone.now()
    when = {"future": now + HOUR, "past": now - HOUR}
    fields = {key: when.get(value, value) for key, value in fields.items()}
    if "registration_closes_at" in fields:
        fields["registration_opens_at"] = now - 2 * HOUR
    event = ev_event(capacity=10, **fields)
    assert conflict_code(lambda: register(event, ev_faculty())) == code
    assert not Registration.objects.filter(event=event).exists()


def test_registration_inside_an_explicit_window_is_accepted(ev_event, ev_faculty):
    now = timezone.now()
    event = ev_event(registration_opens_at=now - HOUR, registration_closes_at=now + HOUR)
    assert register(event, ev_faculty()).status == CONFIRMED


@pytest.mark.parametrize(
    ("user_fixture", "eligible"),
    [
        ("member_user", True),
        ("faculty_user", True),
        ("student_user", True),
        ("staff_user", True),
        ("inactive_member", False),
    ],
)
def test_a_members_only_event_needs_standing(ev_event, request, user_fixture, eligible):
    event = ev_event(audience=Event.Audience.MEMBERS)
    person = request.getfixturevalue(user_fixture)
    if eligible:
        assert register(event, person).status == CONFIRMED
    else:
        assert conflict_code(lambda: register(event, person)) == "not_eligible"
        assert not Registration.objects.exists()


def test_staff_registering_someone_else_is_checked_against_that_person(ev_event, staff_user, inactive_member):
    event = ev_event(audience=Event.Audience.MEMBERS)
    assert conflict_code(lambda: register(event, inactive_member, registered_by=staff_user)) == "not_eligible"
    person = factories.faculty()
    assert register(event, person, registered_by=staff_user).registered_by == staff_user


# --- check-in --------------------------------------------------------------------------------


def test_check_in_is_for_confirmed_registrations_and_idempotent(ev_event, ev_faculty):
    event = ev_event(capacity=1)
    seated, waiting = register(event, ev_faculty()), register(event, ev_faculty())
    assert conflict_code(lambda: services.registration_check_in(registration=waiting)) == "invalid_state"

    checked = services.registration_check_in(registration=seated)
    assert checked.checked_in_at is not None
    again = services.registration_check_in(registration=seated)
    assert again.checked_in_at == checked.checked_in_at
    assert AuditEvent.objects.filter(action="check_in").count() == 1

    assert conflict_code(lambda: services.registration_cancel(registration=seated)) == "checked_in"
    assert state(event, seated.person) == (CONFIRMED, None)


def test_a_cancelled_registration_cannot_check_in(ev_event, ev_faculty):
    event = ev_event(capacity=5)
    registration = register(event, ev_faculty())
    services.registration_cancel(registration=registration)
    assert conflict_code(lambda: services.registration_check_in(registration=registration)) == "invalid_state"


def test_a_cancelled_event_refuses_check_in(ev_event, ev_faculty):
    event = ev_event(capacity=5)
    registration = register(event, ev_faculty())
    services.event_cancel(event=event)
    assert conflict_code(lambda: services.registration_check_in(registration=registration)) == "event_cancelled"


def test_cancelling_a_cancelled_registration_is_a_no_op(ev_event, ev_faculty):
    event = ev_event(capacity=5)
    registration = register(event, ev_faculty())
    first = services.registration_cancel(registration=registration)
    again = services.registration_cancel(registration=registration)
    assert (again.status, again.cancelled_at) == (CANCELLED, first.cancelled_at)
    assert AuditEvent.objects.filter(action="cancel").count() == 1


# --- cancelling an event ---------------------------------------------------------------------


def test_cancelling_an_event_cancels_every_registration_and_tells_everyone(
    ev_event, ev_faculty, mailoutbox, django_capture_on_commit_callbacks
):
    event = ev_event(capacity=2, title="Lithography Review")
    people = [ev_faculty() for _ in range(4)]
    for person in people:
        register(event, person)
    cancel(event, people[3])  # already cancelled: not told again
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(event=event)
        assert mailoutbox == []  # nothing before the commit
    assert Event.objects.get(pk=event.pk).status == Event.Status.CANCELLED
    assert set(Registration.objects.filter(event=event).values_list("status", "position")) == {(CANCELLED, None)}
    assert all(r.cancelled_at for r in Registration.objects.filter(event=event))
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in people[:3])
    assert {m.subject for m in mailoutbox} == {"Cancelled: Lithography Review"}
    assert AuditEvent.objects.filter(action="cancel", target_type="events.event", target_id=str(event.pk)).exists()

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(event=event)  # again: nothing to do, nobody told twice
    assert mailoutbox == []
    assert conflict_code(lambda: register(event, ev_faculty())) == "event_cancelled"


# --- emails ----------------------------------------------------------------------------------


def test_emails_go_out_after_the_commit(ev_event, ev_faculty, mailoutbox, django_capture_on_commit_callbacks):
    event = ev_event(capacity=1, title="Etch Workshop")
    first, second = ev_faculty(), ev_faculty()

    with django_capture_on_commit_callbacks(execute=True):
        register(event, first)
        assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        register(event, second)
    assert [(m.to, m.subject) for m in mailoutbox] == [
        ([first.email], "You are registered: Etch Workshop"),
        ([second.email], "You are on the waiting list (place 1): Etch Workshop"),
    ]
    assert "America/Chicago" in mailoutbox[0].body and f"/events/{event.pk}" in mailoutbox[0].body

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancel(event, first)
        assert mailoutbox == []
    assert [(m.to, m.subject) for m in mailoutbox] == [
        ([first.email], "Your registration is cancelled: Etch Workshop"),
        ([second.email], "A seat is yours: Etch Workshop"),
    ]


def test_the_waitlisted_email_names_the_place(ev_event, ev_faculty, mailoutbox, django_capture_on_commit_callbacks):
    event = ev_event(capacity=0, title="Metrology Day")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            register(event, ev_faculty())
    assert [m.subject for m in mailoutbox] == [
        f"You are on the waiting list (place {n}): Metrology Day" for n in (1, 2, 3)
    ]


def test_promotion_by_raising_seats_emails_the_promoted(
    ev_event, ev_faculty, mailoutbox, django_capture_on_commit_callbacks
):
    event = ev_event(capacity=0, title="Packaging Summit")
    people = [ev_faculty() for _ in range(3)]
    for person in people:
        register(event, person)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_set_seats(event=event, capacity=2)
    assert [(m.to[0], m.subject) for m in mailoutbox] == [
        (people[0].email, "A seat is yours: Packaging Summit"),
        (people[1].email, "A seat is yours: Packaging Summit"),
    ]


@pytest.mark.parametrize("operation", ["register", "waitlist", "cancel", "promote", "event_cancel"])
def test_a_rolled_back_change_sends_no_email(
    ev_event, ev_faculty, mailoutbox, django_capture_on_commit_callbacks, operation
):
    event = ev_event(capacity=1)
    seated, waiting, newcomer = ev_faculty(), ev_faculty(), ev_faculty()
    if operation != "register":
        register(event, seated)
    if operation in {"cancel", "promote"}:
        register(event, waiting)
    calls = {
        "register": lambda: register(event, newcomer),
        "waitlist": lambda: register(event, newcomer),
        "cancel": lambda: cancel(event, waiting),
        "promote": lambda: cancel(event, seated),
        "event_cancel": lambda: services.event_cancel(event=event),
    }
    before = list(Registration.objects.filter(event=event).order_by("id").values_list("status", "position"))
    audits = AuditEvent.objects.count()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        calls[operation]()
        raise RuntimeError("rolled back")
    assert mailoutbox == [] and callbacks == []
    after = list(Registration.objects.filter(event=event).order_by("id").values_list("status", "position"))
    assert after == before and AuditEvent.objects.count() == audits


# --- audit -----------------------------------------------------------------------------------


def test_register_promote_cancel_and_check_in_are_audited(ev_event, ev_faculty, staff_user):
    event = ev_event(capacity=1)
    first, second = ev_faculty(), ev_faculty()
    with acting_as(staff_user, via="session"):
        one = register(event, first, registered_by=staff_user)
        two = register(event, second)
        cancel(event, first)
        services.registration_check_in(registration=two)

    rows = AuditEvent.objects.filter(target_type="events.registration").order_by("id")
    assert [(r.action, r.target_id, r.changes) for r in rows] == [
        ("register", str(one.pk), {"status": CONFIRMED, "position": None}),
        ("register", str(two.pk), {"status": WAITLISTED, "position": 1}),
        ("cancel", str(one.pk), {"status": [CONFIRMED, CANCELLED]}),
        ("promote", str(two.pk), {"status": [WAITLISTED, CONFIRMED]}),
        ("check_in", str(two.pk), {"checked_in_at": Registration.objects.get(pk=two.pk).checked_in_at.isoformat()}),
    ]
    assert {(r.actor_id, r.via) for r in rows} == {(staff_user.pk, "session")}


def test_seat_changes_are_audited_on_the_event(ev_event):
    event = ev_event(capacity=5, company_cap=None)
    services.event_set_seats(event=event, capacity=8, company_cap=2)
    row = AuditEvent.objects.get(action="update", target_type="events.event")
    assert row.changes == {"capacity": [5, 8], "company_cap": [None, 2]}


def test_a_refused_registration_leaves_no_trace(ev_event, ev_faculty):
    event = ev_event(status=Event.Status.DRAFT)
    conflict_code(lambda: register(event, ev_faculty()))
    assert not AuditEvent.objects.filter(target_type="events.registration").exists()


# --- concurrency (PostgreSQL) ----------------------------------------------------------------

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises every write, which would hide a race (CI runs this on PostgreSQL)",
)


def run_in_parallel(calls) -> tuple[list, float]:
    """Run each call in its own thread with its own connection, all released together by a barrier.
    Returns each call's result (or the exception it raised) and the seconds from release to the end."""
    results: list = [None] * len(calls)
    barrier = threading.Barrier(len(calls) + 1)

    def worker(index, call):
        try:
            connection.ensure_connection()  # connect before the start line, so the calls really overlap
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=30)
    started = time.monotonic()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.monotonic() - started
    assert not any(thread.is_alive() for thread in threads), "a registration thread hung"
    return results, elapsed


def assert_seat_invariants(event) -> None:
    """No capacity or cap exceeded, the waiting list is gap-free, and no waiting person would fit."""
    event.refresh_from_db()
    confirmed = list(Registration.objects.filter(event=event, status=CONFIRMED).values_list("company_id", flat=True))
    by_company = {company: confirmed.count(company) for company in set(confirmed) if company is not None}
    assert event.capacity is None or len(confirmed) <= event.capacity
    assert event.company_cap is None or all(n <= event.company_cap for n in by_company.values()), by_company
    waiting = list(
        Registration.objects.filter(event=event, status=WAITLISTED)
        .order_by("position")
        .values_list("position", flat=True)
    )
    assert waiting == list(range(1, len(waiting) + 1))
    assert not Registration.objects.filter(event=event, position__isnull=False).exclude(status=WAITLISTED).exists()
    if event.capacity is None or len(confirmed) < event.capacity:
        for company in Registration.objects.filter(event=event, status=WAITLISTED).values_list("company_id", flat=True):
            assert company is not None and by_company.get(company, 0) >= event.company_cap, "a fitting person waits"


def crowd(companies: int, per_company: int, faculty: int) -> list:
    people = []
    for _ in range(companies):
        company = factories.OrganisationFactory()
        people += [factories.member(company) for _ in range(per_company)]
    university = factories.OrganisationFactory(university=True)
    return people + [factories.faculty(university) for _ in range(faculty)]


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_respect_capacity_caps_and_the_waiting_list(ev_event, capsys):
    event = ev_event(capacity=10, company_cap=3, audience=Event.Audience.MEMBERS)
    people = crowd(companies=4, per_company=8, faculty=8)  # 40 people, 32 of them capped
    mail.outbox.clear()

    results, elapsed = run_in_parallel([lambda person=person: register(event, person) for person in people])

    failures = [r for r in results if not isinstance(r, Registration)]
    assert failures == []
    statuses = [r.status for r in results]
    assert (statuses.count(CONFIRMED), statuses.count(WAITLISTED)) == (10, 30)
    assert_seat_invariants(event)
    confirmed = Registration.objects.filter(event=event, status=CONFIRMED)
    assert confirmed.count() == 10
    per_company = {}
    for company_id in confirmed.exclude(company=None).values_list("company_id", flat=True):
        per_company[company_id] = per_company.get(company_id, 0) + 1
    assert max(per_company.values()) <= 3
    waiting = Registration.objects.filter(event=event, status=WAITLISTED)
    assert sorted(waiting.values_list("position", flat=True)) == list(range(1, 31))
    # Served one at a time under the event's lock: the queue is in the order people were served.
    assert list(waiting.order_by("position").values_list("id", flat=True)) == list(
        waiting.order_by("created_at", "id").values_list("id", flat=True)
    )
    assert sorted((r.person_id, r.position) for r in results if r.status == WAITLISTED) == sorted(
        waiting.values_list("person_id", "position")
    )
    assert AuditEvent.objects.filter(action="register").count() == 40
    assert len(mail.outbox) == 40  # each thread's email, after its own commit
    with capsys.disabled():
        print(f"\n40 parallel registrations (capacity 10, company cap 3): {elapsed:.2f}s; per company {per_company}")


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_of_one_person_make_one_row(ev_event):
    event = ev_event(capacity=10)
    person = factories.faculty()
    results, _ = run_in_parallel([lambda: register(event, person) for _ in range(12)])
    made = [r for r in results if isinstance(r, Registration)]
    refused = [r for r in results if isinstance(r, services.AlreadyRegistered)]
    assert (len(made), len(refused)) == (1, 11)
    assert {r.registration.pk for r in refused} == {made[0].pk}
    assert Registration.objects.filter(event=event).count() == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_cancellations_and_registrations_keep_every_invariant(ev_event, capsys):
    event = ev_event(capacity=10, company_cap=3)
    earlier = crowd(companies=3, per_company=5, faculty=5)  # 20 people: 10 confirmed, 10 waiting
    for person in earlier:
        register(event, person)
    assert_seat_invariants(event)
    seated = list(Registration.objects.filter(event=event, status=CONFIRMED).order_by("id"))
    waiting = list(Registration.objects.filter(event=event, status=WAITLISTED).order_by("position"))
    leaving = seated[:5] + waiting[1::2]  # five seats, and every other waiting person
    newcomers = crowd(companies=3, per_company=5, faculty=5)
    calls = [lambda r=r: services.registration_cancel(registration=r) for r in leaving]
    calls += [lambda person=person: register(event, person) for person in newcomers]

    results, elapsed = run_in_parallel(calls)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert_seat_invariants(event)
    assert Registration.objects.filter(event=event, status=CANCELLED).count() == len(leaving)
    assert Registration.objects.filter(event=event).exclude(status=CANCELLED).count() == 40 - len(leaving)
    with capsys.disabled():
        print(f"\n{len(calls)} parallel cancellations and registrations: {elapsed:.2f}s")
