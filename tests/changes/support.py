"""Helpers for the change feed tests: objects made through the services (so audits and changes are real)."""

import datetime

from api.events import services as events
from api.events.models import Event
from api.publications import services as publications
from api.research import services as research
from api.research.models import Program

URL = "/api/v1/changes/"


def publication(title="A paper", access="public", tasks=(), **fields):
    return publications.publication_create(
        title=title,
        kind="paper",
        year=2026,
        access=access,
        tasks=list(tasks),
        authors=[{"name": "A. Writer"}],
        **fields,
    )


def task(number="3160.001", *, university, confidential=False, sponsors=(), students=(), faculty=()):
    program, _ = Program.objects.get_or_create(code="LITH", defaults={"name": "Lithography"})
    return research.task_create(
        number=number, title=f"Task {number}", abstract="", program=program, university=university,
        start=datetime.date(2025, 9, 1), end=datetime.date(2028, 8, 31), status="active", confidential=confidential,
        principal_investigators=list(faculty), students=list(students), liaisons=[], sponsors=list(sponsors),
    )  # fmt: skip


def deliverable(task, title="Annual report"):
    return research.deliverable_create(task=task, title=title, kind="report", due_on=datetime.date(2027, 6, 30))


def event(title="Spring Review", **fields):
    from django.utils import timezone

    starts = timezone.now() + datetime.timedelta(days=14)
    values = {
        "kind": Event.Kind.CONFERENCE, "title": title, "description": "", "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=8), "time_zone": "UTC", "location": "Hall",
        "online_link": "", "audience": Event.Audience.PUBLIC, "status": Event.Status.PUBLISHED, **fields,
    }  # fmt: skip
    return events.event_create(**values)


def read_all(client, cursor=None, limit=100):
    """Every entry from `cursor` on, following `next`; returns (entries, last cursor)."""
    entries = []
    while True:
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        response = client.get(URL, params)
        assert response.status_code == 200, response.json()
        body = response.json()
        entries += body["results"]
        cursor = body["next"]
        if not body["has_more"]:
            return entries, cursor


def brief(entries):
    return [(entry["resource"], entry["id"], entry["action"]) for entry in entries]
