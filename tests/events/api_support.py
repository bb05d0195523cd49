"""Helpers shared by the events API tests (plain functions and constants; no fixtures).

Events are built through api.events.services, like the API builds them. Times are relative to the
day the suite runs, on the hour, so "upcoming" and "open for registration" never depend on it.
"""

import datetime
import zoneinfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from api.core.files.uploads import check_upload
from api.events import services
from api.events.models import Event, Registration
from api.research import services as research_services

UTC = datetime.UTC
URL = "/api/v1/events/"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def at(days: int, hour: int = 15) -> datetime.datetime:
    """`days` from today at `hour`:00 UTC (no microseconds, so JSON round-trips exactly)."""
    today = timezone.now().astimezone(UTC).replace(hour=hour, minute=0, second=0, microsecond=0)
    return today + datetime.timedelta(days=days)


def iso(moment) -> str | None:
    """A datetime as DRF renders it (UTC, with Z)."""
    return None if moment is None else moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def local(moment, time_zone: str) -> str:
    return moment.astimezone(zoneinfo.ZoneInfo(time_zone)).isoformat()


def make_event(*, days: int = 14, hours: int = 8, sessions=None, tasks=None, **fields) -> Event:
    """A published members-only conference in Chicago starting in `days` days (override any field)."""
    starts_at = fields.pop("starts_at", at(days))
    values = {
        "kind": Event.Kind.CONFERENCE,
        "title": "Spring Review",
        "description": "Results of the semester.",
        "starts_at": starts_at,
        "ends_at": starts_at + datetime.timedelta(hours=hours),
        "time_zone": "America/Chicago",
        "location": "Westbridge Hall",
        "online_link": "https://meet.example.com/spring",
        "audience": Event.Audience.MEMBERS,
        "status": Event.Status.PUBLISHED,
        **fields,
    }
    return services.event_create(sessions=sessions, tasks=tasks, **values)


def session(event: Event, title: str = "Keynote", *, offset: int = 1, length: int = 1, speakers=()) -> dict:
    """Service input for one agenda session, `offset` hours after the event starts."""
    starts_at = event.starts_at + datetime.timedelta(hours=offset)
    return {
        "title": title,
        "starts_at": starts_at,
        "ends_at": starts_at + datetime.timedelta(hours=length),
        "room": "A1",
        "description": "",
        "speakers": list(speakers),
    }


def with_agenda(event: Event, count: int = 2) -> Event:
    """Replace the agenda with `count` sessions of two speakers each (a free-text name and, for the
    first, whoever services.event_update is given)."""
    sessions = [
        session(event, f"Session {n}", offset=n, speakers=[{"name": f"Speaker {n}"}, {"name": "Guest"}])
        for n in range(count)
    ]
    return services.event_update(event=event, sessions=sessions)


def make_task(number: str, faculty, university):
    program = research_services.program_create(name=f"Program {number}", code=f"P{number[:4]}", description="")
    return research_services.task_create(
        number=number,
        title=f"Task {number}",
        abstract="",
        program=program,
        university=university,
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2028, 12, 31),
        status="active",
        confidential=False,
        principal_investigators=[faculty],
    )


def register(event, person) -> Registration:
    return services.registration_create(event=event, person=person)


def pdf_upload(name="slides.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def add_material(agenda_session, uploaded_by=None, name="slides.pdf", content=PDF):
    upload = check_upload(pdf_upload(name, content), kinds=("pdf",))
    return services.material_add(session=agenda_session, upload=upload, uploaded_by=uploaded_by)


def person_json(user) -> dict:
    return {"id": user.pk, "given_name": user.given_name, "family_name": user.family_name, "full_name": user.full_name}


def company_json(organisation) -> dict | None:
    if organisation is None:
        return None
    return {"id": organisation.pk, "name": organisation.name, "short_name": organisation.short_name,
            "kind": organisation.kind}  # fmt: skip


def registration_json(registration: Registration) -> dict:
    registration.refresh_from_db()
    return {
        "id": registration.pk,
        "event": registration.event_id,
        "person": person_json(registration.person),
        "company": company_json(registration.company),
        "status": registration.status,
        "position": registration.position,
        "created_at": iso(registration.created_at),
        "confirmed_at": iso(registration.confirmed_at),
        "cancelled_at": iso(registration.cancelled_at),
        "checked_in_at": iso(registration.checked_in_at),
    }


def brief_json(registration: Registration | None) -> dict | None:
    if registration is None:
        return None
    registration.refresh_from_db()
    return {
        "id": registration.pk,
        "status": registration.status,
        "position": registration.position,
        "created_at": iso(registration.created_at),
        "confirmed_at": iso(registration.confirmed_at),
        "checked_in_at": iso(registration.checked_in_at),
    }


def material_json(material, *, open_: bool) -> dict:
    agenda_session = material.session
    url = f"{URL}{agenda_session.event_id}/sessions/{agenda_session.pk}/materials/{material.pk}/download/"
    return {
        "id": material.pk,
        "original_name": material.original_name,
        "content_type": material.content_type,
        "size": material.size,
        "sha256": material.sha256,
        "uploaded_at": iso(material.uploaded_at),
        "download_url": url if open_ else None,
    }


def event_json(event: Event, *, mine: Registration | None = None, insider: bool = False) -> dict:
    """The whole payload of `event` as a caller sees it: `insider` is staff or a confirmed registrant."""
    event.refresh_from_db()
    tz = event.time_zone
    confirmed = event.registrations.filter(status="confirmed").count()
    waitlisted = event.registrations.filter(status="waitlisted").count()
    sessions = [
        {
            "id": s.pk,
            "title": s.title,
            "starts_at": iso(s.starts_at),
            "ends_at": iso(s.ends_at),
            "starts_local": local(s.starts_at, tz),
            "ends_local": local(s.ends_at, tz),
            "room": s.room,
            "description": s.description,
            "speakers": [{"name": sp.name, "person": sp.person_id} for sp in s.speakers.order_by("position")],
            "materials": [material_json(m, open_=insider) for m in s.materials.order_by("id")],
        }
        for s in event.sessions.order_by("starts_at", "id")
    ]
    return {
        "id": event.pk,
        "kind": event.kind,
        "title": event.title,
        "description": event.description,
        "starts_at": iso(event.starts_at),
        "ends_at": iso(event.ends_at),
        "time_zone": tz,
        "starts_local": local(event.starts_at, tz),
        "ends_local": local(event.ends_at, tz),
        "location": event.location,
        "online_link": (event.online_link or None) if insider else None,
        "audience": event.audience,
        "capacity": event.capacity,
        "company_cap": event.company_cap,
        "registration_opens_at": iso(event.registration_opens_at),
        "registration_closes_at": iso(event.registration_closes_at),
        "status": event.status,
        "tasks": [{"id": t.pk, "number": t.number, "title": t.title} for t in event.tasks.order_by("number", "id")],
        "seats": {
            "confirmed": confirmed,
            "waitlisted": waitlisted,
            "available": None if event.capacity is None else max(event.capacity - confirmed, 0),
        },
        "my_registration": brief_json(mine),
        "sessions": sessions,
    }
