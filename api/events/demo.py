"""Demo data for events: conferences, task review meetings, webinars and workshops, past and upcoming.

Run by `manage.py seed_demo` after the accounts, research and publications demos (INSTALLED_APPS
order): speakers and registrants are the demo people, review meetings are linked to the demo tasks
(when those demos ran; without them the events have free-text speakers and no registrations).

Dates are relative to the day the demo is loaded, at a local hour in the event's own time zone
(America/Chicago, America/Los_Angeles, Europe/Berlin), so the demo always has upcoming and past
events. Idempotent: an event is found by its title (titles are unique here, and a start date that
moves with the day would not find yesterday's events); an existing event is left as it is.

Everything goes through api.events.services, so seats, waiting-list positions and the audit trail
are the real ones. Registration is refused once an event has started, so a past event is created
in the future, registered for (and checked in), then moved to its past dates with event_update;
its registration and check-in times are therefore the time the demo was loaded. Demo registrations
send no email (the console backend would print one per registration).
"""

import contextlib
import datetime
import zoneinfo

from django.utils import timezone

from api.accounts.models import User
from api.core.request_context import acting_as
from api.events import services
from api.events.models import Event
from api.research.models import ResearchTask

STAFF = "staff@wafer.example"
CHICAGO, LOS_ANGELES, BERLIN = "America/Chicago", "America/Los_Angeles", "Europe/Berlin"
LIAISONS = ["liaison@aster.example.com", "liaison@helix.example.com", "liaison@northwind.example.com",
            "liaison@quanta.example.com"]  # fmt: skip
FACULTY = ["chen@westbridge.example.edu", "garcia@eastlake.example.edu", "obrien@carrow.example.edu"]
STUDENTS = ["student1@westbridge.example.edu", "student2@westbridge.example.edu", "student@eastlake.example.edu",
            "student@carrow.example.edu"]  # fmt: skip
ASTER_RECRUITER = "recruiter@aster.example.com"


def _session(offset: float, hours: float, title: str, room: str = "", speakers=()) -> dict:
    """An agenda row: `offset` hours after the event starts; speakers are emails or free-text names."""
    return {"offset": offset, "hours": hours, "title": title, "room": room, "speakers": list(speakers)}


# Each event: its fields, `days` from today and the local `hour` it starts at, `hours` long, the demo
# task numbers it reviews, its agenda, who registers (in order), how many of the first confirmed
# registrants check in (past events), and who cancels afterwards.
EVENTS = [
    {
        "title": "Semester Research Review",
        "kind": Event.Kind.CONFERENCE,
        "days": -60, "hour": 8, "hours": 9, "time_zone": CHICAGO,
        "location": "Westbridge Conference Center, Chicago",
        "description": "The consortium's semester review: every program presents its results to the members.",
        "capacity": 80,
        "agenda": [
            _session(0.5, 1, "Welcome and state of the consortium", "Ballroom", ["staff@wafer.example"]),
            _session(1.5, 1.5, "Lithography: stochastic defects and high-NA resists", "Ballroom",
                     ["chen@westbridge.example.edu", "Ingrid Solberg"]),
            _session(4, 1.5, "Memory: ferroelectric and resistive devices", "Ballroom",
                     ["garcia@eastlake.example.edu"]),
            _session(6, 1.5, "Packaging and metrology", "Ballroom", ["obrien@carrow.example.edu", "Pieter de Vries"]),
            _session(7.5, 1, "Poster session", "Foyer", ["Student researchers"]),
        ],
        "registrants": [*LIAISONS, ASTER_RECRUITER, *FACULTY, *STUDENTS],
        "checked_in": 9,
        "cancel": ["student2@westbridge.example.edu"],
    },
    {
        "title": "Task review: stochastic defects in EUV resists",
        "kind": Event.Kind.REVIEW,
        "days": -21, "hour": 10, "hours": 2, "time_zone": CHICAGO,
        "location": "Online", "online_link": "https://meet.example.com/wafer-3161-001",
        "tasks": ["3161.001"],
        "agenda": [
            _session(0, 1, "Progress since the last review", "", ["chen@westbridge.example.edu"]),
            _session(1, 1, "Sponsor questions and next steps", "", ["liaison@aster.example.com"]),
        ],
        "registrants": ["liaison@aster.example.com", "liaison@northwind.example.com", "chen@westbridge.example.edu",
                        "student1@westbridge.example.edu"],
        "checked_in": 3,
    },
    {
        "title": "Webinar: metal-oxide resists for high-NA EUV",
        "kind": Event.Kind.WEBINAR, "audience": Event.Audience.PUBLIC,
        "days": -9, "hour": 9, "hours": 1, "time_zone": LOS_ANGELES,
        "location": "Online", "online_link": "https://meet.example.com/wafer-webinar-mor",
        "description": "An open introduction to metal-oxide resists, for anyone interested.",
        "agenda": [_session(0, 1, "Metal-oxide resists: chemistry to patterning", "",
                            ["garcia@eastlake.example.edu", "Yuki Mori"])],
        "registrants": ["liaison@northwind.example.com", "student@eastlake.example.edu", "liaison@quanta.example.com"],
        "checked_in": 2,
    },
    {
        "title": "High-NA EUV workshop",
        "kind": Event.Kind.WORKSHOP,
        "days": -110, "hour": 9, "hours": 7, "time_zone": BERLIN,
        "location": "Fraunhofer Forum, Berlin",
        "capacity": 30,
        "agenda": [
            _session(0, 2, "Mask 3D effects at high NA", "Room 1", ["garcia@eastlake.example.edu", "Hannah Schmidt"]),
            _session(3, 2, "Hands-on: imaging simulation", "Lab", ["Luca Bianchi"]),
        ],
        "registrants": ["liaison@aster.example.com", "liaison@helix.example.com", "garcia@eastlake.example.edu"],
        "checked_in": 3,
    },
    {
        "title": "Task review: hybrid bonding at sub-micron pitch",
        "kind": Event.Kind.REVIEW,
        "days": 5, "hour": 13, "hours": 2, "time_zone": LOS_ANGELES,
        "location": "Online", "online_link": "https://meet.example.com/wafer-3173-001",
        "tasks": ["3173.001"],
        "agenda": [_session(0, 2, "Bonding yield and next steps", "", ["chen@westbridge.example.edu",
                                                                         "obrien@carrow.example.edu"])],
        "registrants": ["liaison@helix.example.com", "liaison@aster.example.com"],
    },
    {
        "title": "Memory program review: FeRAM and MRAM",
        "kind": Event.Kind.REVIEW,
        "days": 9, "hour": 15, "hours": 3, "time_zone": BERLIN,
        "location": "Quanta Memory, Dresden", "online_link": "https://meet.example.com/wafer-mem-review",
        "tasks": ["3172.001", "3172.003"],
        "agenda": [
            _session(0, 1.5, "Ferroelectric hafnia capacitors", "Board room", ["garcia@eastlake.example.edu"]),
            _session(1.5, 1.5, "Spin-orbit torque MRAM switching", "Board room", ["chen@westbridge.example.edu"]),
        ],
        "registrants": ["liaison@quanta.example.com"],
    },
    {
        "title": "Cancelled: glass core substrates review",
        "kind": Event.Kind.REVIEW,
        "days": 12, "hour": 10, "hours": 2, "time_zone": CHICAGO,
        "location": "Carrow State University, Room 210",
        "tasks": ["3173.004"],
        "agenda": [_session(0, 2, "Through-glass vias: first results", "Room 210", ["obrien@carrow.example.edu"])],
        "registrants": ["liaison@helix.example.com", "liaison@northwind.example.com"],
        "cancelled": True,
    },
    {
        # Full: capacity 4 and seven registrants, so three wait in order (positions 1..3).
        "title": "Packaging workshop: chiplet thermal management",
        "kind": Event.Kind.WORKSHOP,
        "days": 16, "hour": 9, "hours": 6, "time_zone": LOS_ANGELES,
        "location": "Westbridge West Campus, Lab 3",
        "capacity": 4,
        "agenda": [
            _session(0, 2, "Thermal interface materials", "Lab 3", ["obrien@carrow.example.edu"]),
            _session(3, 2, "Hands-on: thermal imaging of chiplet stacks", "Lab 3", ["Grace Mwangi", "Jonas Berg"]),
        ],
        "registrants": ["liaison@helix.example.com", "liaison@aster.example.com", "obrien@carrow.example.edu",
                        "student@carrow.example.edu", "liaison@northwind.example.com", "liaison@quanta.example.com",
                        "student1@westbridge.example.edu"],
    },
    {
        "title": "Webinar: hybrid metrology with machine learning",
        "kind": Event.Kind.WEBINAR, "audience": Event.Audience.PUBLIC,
        "days": 23, "hour": 17, "hours": 1, "time_zone": BERLIN,
        "location": "Online", "online_link": "https://meet.example.com/wafer-webinar-metrology",
        "description": "Open to everyone: how machine learning combines metrology tools.",
        "agenda": [_session(0, 1, "Virtual metrology in practice", "", ["obrien@carrow.example.edu", "Wei Zhang"])],
        "registrants": ["student@carrow.example.edu", "liaison@northwind.example.com"],
    },
    {
        "title": "Careers in semiconductors: student workshop",
        "kind": Event.Kind.WORKSHOP, "audience": Event.Audience.PUBLIC,
        "days": 30, "hour": 13, "hours": 4, "time_zone": CHICAGO,
        "location": "Westbridge Student Union",
        "capacity": 60,
        "agenda": [
            _session(0, 1, "What member companies look for", "Hall B", [ASTER_RECRUITER, "liaison@helix.example.com"]),
            _session(1.5, 2, "CV clinic and lab tours", "Hall B", ["Ana Pereira"]),
        ],
        "registrants": STUDENTS,
    },
    {
        # A company cap of 1: Aster's second person waits although seats are free.
        "title": "Annual Research Conference",
        "kind": Event.Kind.CONFERENCE,
        "days": 45, "hour": 8, "hours": 9, "time_zone": CHICAGO,
        "location": "Westbridge Conference Center, Chicago", "online_link": "https://meet.example.com/wafer-fall",
        "description": "Results of the year, posters, and the members' meeting. One seat per member company.",
        "capacity": 120, "company_cap": 1,
        "registration_opens_days": -14,
        "agenda": [
            _session(0.5, 1, "Opening keynote", "Ballroom", ["staff@wafer.example", "Samuel Adeyemi"]),
            _session(2, 2, "Program highlights", "Ballroom", FACULTY),
            _session(5, 1.5, "Members' meeting", "Salon A", ["ops@wafer.example"]),
            _session(7, 1.5, "Posters and reception", "Foyer"),
        ],
        "registrants": ["liaison@aster.example.com", ASTER_RECRUITER, "liaison@helix.example.com",
                        "chen@westbridge.example.edu", "student1@westbridge.example.edu"],
    },
    {
        "title": "Metrology program kick-off",
        "kind": Event.Kind.REVIEW,
        "days": 75, "hour": 10, "hours": 3, "time_zone": BERLIN,
        "location": "To be announced",
        "status": Event.Status.DRAFT,
        "tasks": ["3174.001", "3174.002"],
    },
]  # fmt: skip


def _at(days: int, hour: float, time_zone: str) -> datetime.datetime:
    """`days` from today at `hour` o'clock local time in `time_zone` (DST-aware)."""
    day = timezone.now().astimezone(zoneinfo.ZoneInfo(time_zone)).date() + datetime.timedelta(days=days)
    local = datetime.datetime.combine(day, datetime.time(int(hour)), tzinfo=zoneinfo.ZoneInfo(time_zone))
    return local.astimezone(datetime.UTC)


def _agenda(row: dict, starts_at: datetime.datetime, people: dict) -> list[dict]:
    sessions = []
    for item in row.get("agenda", []):
        begins = starts_at + datetime.timedelta(hours=item["offset"])
        speakers = []
        for speaker in item["speakers"]:
            if "@" not in speaker:
                speakers.append({"name": speaker})
            elif speaker in people:
                speakers.append({"person": people[speaker]})
        sessions.append({
            "title": item["title"], "starts_at": begins, "ends_at": begins + datetime.timedelta(hours=item["hours"]),
            "room": item["room"], "description": "", "speakers": speakers,
        })  # fmt: skip
    return sessions


def _fields(row: dict, starts_at: datetime.datetime) -> dict:
    opens = row.get("registration_opens_days")
    return {
        "kind": row["kind"],
        "title": row["title"],
        "description": row.get("description", ""),
        "starts_at": starts_at,
        "ends_at": starts_at + datetime.timedelta(hours=row["hours"]),
        "time_zone": row["time_zone"],
        "location": row.get("location", ""),
        "online_link": row.get("online_link", ""),
        "audience": row.get("audience", Event.Audience.MEMBERS),
        "capacity": row.get("capacity"),
        "company_cap": row.get("company_cap"),
        "registration_opens_at": None if opens is None else _at(opens, 9, row["time_zone"]),
        "status": row.get("status", Event.Status.PUBLISHED),
    }


@contextlib.contextmanager
def _no_email():
    """Demo registrations send no email: the notification hook is switched off while seeding."""
    notify = services.notify
    services.notify = lambda kind, registration: None
    try:
        yield
    finally:
        services.notify = notify


def _create(row: dict, people: dict, tasks: dict) -> tuple[Event, int]:
    starts_at = _at(row["days"], row["hour"], row["time_zone"])
    past = starts_at <= timezone.now()
    # A past event is created in the future (a week ahead, same local hour) so it takes registrations.
    opening = _at(7, row["hour"], row["time_zone"]) if past else starts_at
    linked = [tasks[number] for number in row.get("tasks", []) if number in tasks]
    fields = _fields(row, opening)
    if past:
        fields["registration_opens_at"] = None
    event = services.event_create(**fields, tasks=linked, sessions=_agenda(row, opening, people))
    registrations = [
        services.registration_create(event=event, person=people[email])
        for email in row.get("registrants", [])
        if email in people
    ]
    confirmed = [r for r in registrations if r.status == r.Status.CONFIRMED]
    for registration in confirmed[: row.get("checked_in", 0)]:
        services.registration_check_in(registration=registration)
    for registration in registrations:
        if registration.person.email in row.get("cancel", []):
            services.registration_cancel(registration=registration)
    if past:
        event = services.event_update(
            event=event, **_fields(row, starts_at), sessions=_agenda(row, starts_at, people)
        )  # fmt: skip
    if row.get("cancelled"):
        event = services.event_cancel(event=event)
    return event, len(registrations)


def seed(log) -> list[tuple[str, str]]:
    """Creates the events that are missing; returns no sign-ins (the accounts demo's are used)."""
    people = {user.email: user for user in User.objects.filter(is_active=True)}
    tasks = {task.number: task for task in ResearchTask.objects.all()}
    existing = set(Event.objects.values_list("title", flat=True))
    created = registered = 0
    with acting_as(people.get(STAFF), via="command"), _no_email():
        for row in EVENTS:
            if row["title"] in existing:
                continue
            _, count = _create(row, people, tasks)
            created += 1
            registered += count
    if created:
        log(f"created {created} events with {registered} registrations")
    return []
