"""Registration with capacity, per-company caps and an auto-promoting waiting list.

Every change to an event's seats locks the event row first (select_for_update), so parallel
registrations for one event are serialised: the confirmed count never passes the capacity or a
company's cap, and waiting-list positions stay unique and gap-free (1..n). Emails go out after
the commit (api.events.notifications).
"""

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from api.accounts.access import member_company
from api.core.audit.services import audit_record, diff, snapshot
from api.core.errors import Conflict
from api.core.files import uncommitted
from api.core.tokens.services import hash_token
from api.events.access import may_attend
from api.events.models import AgendaSession, Event, FeedToken, Registration, SessionMaterial, Speaker
from api.events.notifications import notify

CONFIRMED, WAITLISTED, CANCELLED = (
    Registration.Status.CONFIRMED,
    Registration.Status.WAITLISTED,
    Registration.Status.CANCELLED,
)


class AlreadyRegistered(Conflict):
    """A second registration for the same event: 409, carrying the existing registration."""

    def __init__(self, registration: Registration):
        super().__init__("You are already registered for this event.", code="already_registered")
        self.registration = registration


def _locked(event: Event) -> Event:
    # No joins in a locking query: SQL Server puts the lock hint on the first table only.
    return Event.objects.select_for_update().get(pk=event.pk)


def _seats(event: Event) -> tuple[int, dict]:
    """Confirmed seats in all and per company (one grouped query, under the event's lock)."""
    rows = (
        Registration.objects.filter(event=event, status=CONFIRMED)
        .values("company_id")
        .annotate(n=Count("id"))
        .order_by("company_id")
    )
    by_company = {row["company_id"]: row["n"] for row in rows}
    return sum(by_company.values()), by_company


def _fits(event: Event, company_id, total: int, by_company: dict) -> bool:
    if event.capacity is not None and total >= event.capacity:
        return False
    if event.company_cap is not None and company_id is not None:
        return by_company.get(company_id, 0) < event.company_cap
    return True


def _check_open(event: Event, now) -> None:
    if event.status == Event.Status.CANCELLED:
        raise Conflict("The event is cancelled.", code="event_cancelled")
    if event.status != Event.Status.PUBLISHED:
        raise Conflict("The event is not open for registration yet.", code="registration_closed")
    if event.registration_opens_at and now < event.registration_opens_at:
        raise Conflict(
            f"Registration opens at {event.registration_opens_at:%Y-%m-%d %H:%M} UTC.", code="registration_closed"
        )
    closes = event.registration_closes_at or event.starts_at
    if now >= closes:
        raise Conflict("Registration for this event has closed.", code="registration_closed")


def _next_position(event: Event) -> int:
    return (Registration.objects.filter(event=event).aggregate(last=Max("position"))["last"] or 0) + 1


def _close_gap(event: Event, freed: int) -> None:
    """Move everyone behind `freed` up one place, front first, so no two rows ever share a place."""
    behind = Registration.objects.filter(event=event, position__gt=freed).order_by("position")
    for registration in behind.only("id", "position"):
        Registration.objects.filter(pk=registration.pk).update(position=registration.position - 1)


def _promote(event: Event) -> list[Registration]:
    """Confirm waiting people, in order, while seats free up; someone blocked by their company's
    cap keeps their place and the next person who fits goes first."""
    promoted = []
    while True:
        total, by_company = _seats(event)
        if event.capacity is not None and total >= event.capacity:
            break
        waiting = Registration.objects.filter(event=event, status=WAITLISTED).order_by("position")
        registration = next((r for r in waiting if _fits(event, r.company_id, total, by_company)), None)
        if registration is None:
            break
        freed = registration.position
        registration.status, registration.position, registration.confirmed_at = CONFIRMED, None, timezone.now()
        registration.save(update_fields=["status", "position", "confirmed_at"])
        _close_gap(event, freed)
        audit_record(action="promote", target=registration, changes={"status": [WAITLISTED, CONFIRMED]})
        notify("promoted", registration)
        promoted.append(registration)
    return promoted


@transaction.atomic
def registration_create(*, event: Event, person, registered_by=None) -> Registration:
    event = _locked(event)
    _check_open(event, timezone.now())
    if not may_attend(person, event):
        raise Conflict("This event is for members of the consortium.", code="not_eligible")
    existing = Registration.objects.filter(event=event, person=person).first()
    if existing is not None and existing.status != CANCELLED:
        raise AlreadyRegistered(existing)
    company = member_company(person)
    total, by_company = _seats(event)
    registration = existing or Registration(event=event, person=person)
    registration.company = company
    registration.registered_by = registered_by
    registration.created_at = timezone.now()
    registration.cancelled_at = registration.checked_in_at = None
    if _fits(event, getattr(company, "pk", None), total, by_company):
        registration.status, registration.position, registration.confirmed_at = CONFIRMED, None, timezone.now()
    else:  # a reused row may have been confirmed before it was cancelled
        registration.status, registration.position, registration.confirmed_at = WAITLISTED, _next_position(event), None
    registration.save()
    audit_record(
        action="register",
        target=registration,
        changes={"status": registration.status, "position": registration.position},
    )
    notify(registration.status, registration)
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration) -> Registration:
    event = _locked(registration.event)
    registration = Registration.objects.get(pk=registration.pk)
    if registration.status == CANCELLED:
        return registration
    if registration.checked_in_at is not None:
        raise Conflict("This person has already checked in.", code="checked_in")
    was, freed = registration.status, registration.position
    registration.status, registration.position, registration.cancelled_at = CANCELLED, None, timezone.now()
    registration.save(update_fields=["status", "position", "cancelled_at"])
    if freed is not None:
        _close_gap(event, freed)
    audit_record(action="cancel", target=registration, changes={"status": [was, CANCELLED]})
    notify("cancelled", registration)
    if was == CONFIRMED:
        _promote(event)
    return registration


@transaction.atomic
def registration_check_in(*, registration: Registration) -> Registration:
    event = _locked(registration.event)
    registration = Registration.objects.get(pk=registration.pk)
    if event.status == Event.Status.CANCELLED:
        raise Conflict("The event is cancelled.", code="event_cancelled")
    if registration.status != CONFIRMED:
        raise Conflict(
            f"Only confirmed registrations check in; this one is {registration.status}.", code="invalid_state"
        )
    if registration.checked_in_at is None:
        registration.checked_in_at = timezone.now()
        registration.save(update_fields=["checked_in_at"])
        audit_record(action="check_in", target=registration, changes={"checked_in_at": registration.checked_in_at})
    return registration


@transaction.atomic
def event_set_seats(*, event: Event, capacity=..., company_cap=...) -> Event:
    """Change the capacity or the per-company cap; freed seats go to the waiting list at once."""
    event = _locked(event)
    changes = {}
    if capacity is not ...:
        changes["capacity"] = [event.capacity, capacity]
        event.capacity = capacity
    if company_cap is not ...:
        changes["company_cap"] = [event.company_cap, company_cap]
        event.company_cap = company_cap
    event.full_clean()
    event.save()
    audit_record(action="update", target=event, changes=changes)
    _promote(event)
    return event


@transaction.atomic
def event_cancel(*, event: Event) -> Event:
    """Cancel the event and every registration; everyone registered is told (after the commit)."""
    event = _locked(event)
    if event.status == Event.Status.CANCELLED:
        return event
    event.status = Event.Status.CANCELLED
    event.save(update_fields=["status", "updated_at"])
    now = timezone.now()
    for registration in Registration.objects.filter(event=event).exclude(status=CANCELLED).select_related("person"):
        registration.status, registration.position, registration.cancelled_at = CANCELLED, None, now
        registration.save(update_fields=["status", "position", "cancelled_at"])
        notify("event_cancelled", registration)
    audit_record(action="cancel", target=event, changes={"status": "cancelled"})
    return event


# --- Events (staff) -----------------------------------------------------------------------------

EVENT_FIELDS = (
    "kind", "title", "description", "starts_at", "ends_at", "time_zone", "location", "online_link", "audience",
    "capacity", "company_cap", "registration_opens_at", "registration_closes_at", "status",
)  # fmt: skip


def _replace_sessions(event: Event, sessions) -> None:
    errors = {}
    for index, data in enumerate(sessions):
        starts, ends = data["starts_at"], data["ends_at"]
        if ends <= starts:
            errors[f"sessions.{index}.ends_at"] = ["The session ends before it starts."]
        elif starts < event.starts_at or ends > event.ends_at:
            errors[f"sessions.{index}.starts_at"] = ["A session happens within its event's times."]
    if errors:
        raise ValidationError(errors)
    if event.sessions.filter(materials__isnull=False).exists():
        raise Conflict("Sessions with materials cannot be replaced; remove their materials first.")
    event.sessions.all().delete()
    for data in sessions:
        session = AgendaSession.objects.create(
            event=event, title=data["title"], starts_at=data["starts_at"], ends_at=data["ends_at"],
            room=data.get("room", ""), description=data.get("description", ""),
        )  # fmt: skip
        for position, speaker in enumerate(data.get("speakers") or [], start=1):
            person = speaker.get("person")
            name = (speaker.get("name") or (person.full_name if person else "")).strip()
            Speaker.objects.create(session=session, position=position, person=person, name=name or "Speaker")


def _check_agenda_fits(event: Event) -> None:
    """New times for an event keep its agenda inside them (or the agenda is replaced at the same time)."""
    outside = event.sessions.filter(Q(starts_at__lt=event.starts_at) | Q(ends_at__gt=event.ends_at))
    if outside.exists():
        raise ValidationError(
            {"starts_at": ["Sessions of the agenda would fall outside the event's times; send new sessions too."]}
        )


def _event_state(event: Event) -> dict:
    return {**snapshot(event, EVENT_FIELDS), "tasks": sorted(event.tasks.values_list("pk", flat=True))}


@transaction.atomic
def event_create(*, tasks=None, sessions=None, **fields) -> Event:
    event = Event(**{key: value for key, value in fields.items() if key in EVENT_FIELDS})
    if event.status == Event.Status.CANCELLED:
        raise Conflict("Create the event first; cancel it afterwards.")
    event.full_clean()
    event.save()
    if tasks is not None:
        event.tasks.set(tasks)
    if sessions is not None:
        _replace_sessions(event, sessions)
    audit_record(action="create", target=event, changes=_event_state(event))
    return event


@transaction.atomic
def event_update(*, event: Event, tasks=None, sessions=None, **fields) -> Event:
    """Edit an event. More seats (capacity or company cap) promote waiting people at once; setting
    the status to cancelled cancels every registration (event_cancel)."""
    event = _locked(event)
    before = _event_state(event)
    cancelling = fields.get("status") == Event.Status.CANCELLED and event.status != Event.Status.CANCELLED
    if event.status == Event.Status.CANCELLED and fields.get("status", event.status) != Event.Status.CANCELLED:
        raise Conflict("A cancelled event stays cancelled; create a new one.", code="event_cancelled")
    for key, value in fields.items():
        if key in EVENT_FIELDS and not (key == "status" and cancelling):
            setattr(event, key, value)
    event.full_clean()
    if sessions is None:
        _check_agenda_fits(event)
    event.save()
    if tasks is not None:
        event.tasks.set(tasks)
    if sessions is not None:
        _replace_sessions(event, sessions)
    changes = diff(before, _event_state(event))
    if changes:
        audit_record(action="update", target=event, changes=changes)
    if cancelling:
        return event_cancel(event=event)
    _promote(event)
    return event


@transaction.atomic
def material_add(*, session, upload, uploaded_by):
    stored_name = uncommitted.save_upload("events", upload)
    try:
        material = SessionMaterial.objects.create(
            session=session, file=stored_name, original_name=upload.original_name,
            content_type=upload.kind.content_type, size=upload.size, sha256=upload.sha256, uploaded_by=uploaded_by,
        )  # fmt: skip
        audit_record(action="add_material", target=session.event, changes={"file": upload.original_name})
    except Exception:
        uncommitted.remove(stored_name)  # nothing half-written: no orphaned file either
        raise
    return material


@transaction.atomic
def material_remove(*, material) -> None:
    audit_record(action="remove_material", target=material.session.event, changes={"file": material.original_name})
    name = material.file.name
    material.delete()
    transaction.on_commit(lambda: default_storage.delete(name))


def _revoke_feed_tokens(person, now) -> int:
    tokens = list(FeedToken.objects.filter(person=person, revoked_at=None))
    for token in tokens:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        audit_record(action="revoke", target=token, changes={"revoked_at": now.isoformat()})
    return len(tokens)


@transaction.atomic
def feed_token_create(*, person) -> tuple[FeedToken, str]:
    """A new secret for the person's calendar feed; the previous one stops working. Returns the token
    and its raw secret (shown once, stored only as a SHA-256 hash like API tokens)."""
    if not person.is_active:
        raise ValidationError("This account is deactivated.")
    get_user_model().objects.select_for_update().get(pk=person.pk)  # one live feed token per person
    now = timezone.now()
    _revoke_feed_tokens(person, now)
    raw = secrets.token_urlsafe(32)
    token = FeedToken(person=person, key_hash=hash_token(raw), created_at=now)
    token.full_clean()
    token.save()
    audit_record(action="create", target=token, changes={"person": person.pk})
    return token, raw


@transaction.atomic
def feed_token_revoke(*, person) -> int:
    """End the person's calendar feed URL; how many tokens were revoked (0 when there was none)."""
    get_user_model().objects.select_for_update().get(pk=person.pk)
    return _revoke_feed_tokens(person, timezone.now())
