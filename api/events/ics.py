"""iCalendar (RFC 5545) for events: one event, the public feed and a person's own feed.

Made with the `icalendar` library, which escapes text (commas, semicolons, backslashes, newlines)
and folds long lines. Times are written as local times of the event's own time zone
(`DTSTART;TZID=America/Chicago:...`) with one VTIMEZONE per zone used, so calendar apps show what
the organiser means across DST changes; events in UTC are written in UTC (`...Z`).

- UID: `event-<id>@<host of SITE_URL>`, the same in every feed, so re-imports update, never duplicate.
- SEQUENCE: seconds since 2020-01-01 of the last change (the event's `updated_at`; in a personal feed
  also the registration's last change), so it only grows; DTSTAMP and LAST-MODIFIED are that moment.
- STATUS: CANCELLED for a cancelled event (and, in a personal feed, a cancelled registration),
  TENTATIVE for a place on the waiting list, else CONFIRMED.
- The online link is written (in DESCRIPTION) only for readers who may see it: staff and people
  with a confirmed seat, as in the JSON.
"""

import datetime
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, vDuration
from icalendar import Event as VEvent

from api.events.models import Event, Registration

PRODID = "-//Wafer//Events//EN"
SEQUENCE_EPOCH = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
REFRESH_INTERVAL = datetime.timedelta(hours=1)
CONFIRMED, TENTATIVE, CANCELLED = "CONFIRMED", "TENTATIVE", "CANCELLED"


@dataclass(frozen=True)
class Entry:
    """One VEVENT: the event as one reader sees it."""

    event: Event
    status: str = CONFIRMED
    online_link: str = ""
    changed_at: datetime.datetime | None = None
    note: str = ""


def uid_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "wafer"


def event_page(event: Event) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/events/{event.pk}"


def sequence(moment: datetime.datetime) -> int:
    """A SEQUENCE that grows with every change and fits a signed 32-bit integer until 2088."""
    return max(int((moment - SEQUENCE_EPOCH).total_seconds()), 0)


def event_entry(event: Event, *, show_link: bool) -> Entry:
    """The event itself (one event's .ics, the public feed)."""
    cancelled = event.status == Event.Status.CANCELLED
    return Entry(
        event=event,
        status=CANCELLED if cancelled else CONFIRMED,
        online_link=event.online_link if show_link and not cancelled else "",
        changed_at=event.updated_at,
    )


def registration_entry(registration: Registration) -> Entry:
    """The event as its registrant sees it (personal feed): the link only with a confirmed seat."""
    event = registration.event
    changes = [event.updated_at, registration.created_at, registration.confirmed_at, registration.cancelled_at]
    changed_at = max(moment for moment in changes if moment is not None)
    if event.status == Event.Status.CANCELLED:
        return Entry(event=event, status=CANCELLED, changed_at=changed_at, note="The event is cancelled.")
    if registration.status == Registration.Status.CANCELLED:
        return Entry(event=event, status=CANCELLED, changed_at=changed_at, note="Your registration is cancelled.")
    if registration.status == Registration.Status.WAITLISTED:
        note = f"You are on the waiting list (position {registration.position})."
        return Entry(event=event, status=TENTATIVE, changed_at=changed_at, note=note)
    return Entry(event=event, status=CONFIRMED, online_link=event.online_link, changed_at=changed_at)


def _local(moment: datetime.datetime, time_zone: str) -> datetime.datetime:
    return moment.astimezone(zoneinfo.ZoneInfo(time_zone))


def _description(entry: Entry) -> str:
    parts = [entry.note, entry.event.description.strip()]
    if entry.online_link:
        parts.append(f"Join online: {entry.online_link}")
    parts.append(event_page(entry.event))
    return "\n\n".join(part for part in parts if part)


def vevent(entry: Entry) -> VEvent:
    event = entry.event
    changed_at = entry.changed_at or event.updated_at
    return VEvent.new(
        uid=f"event-{event.pk}@{uid_host()}",
        stamp=changed_at,
        last_modified=changed_at,
        sequence=sequence(changed_at),
        start=_local(event.starts_at, event.time_zone),
        end=_local(event.ends_at, event.time_zone),
        summary=event.title,
        description=_description(entry),
        location=event.location or None,
        url=event_page(event),
        status=entry.status,
        categories=[event.get_kind_display()],
    )


def calendar(entries: Iterable[Entry], *, name: str, uid: str) -> bytes:
    """The VCALENDAR with its VTIMEZONEs, as bytes (UTF-8, CRLF line ends).

    `name` must be a fixed text of ours: icalendar 7.3.2 writes NAME and X-WR-CALNAME unescaped.
    """
    entries = list(entries)
    cal = Calendar.new(prodid=PRODID, name=name, uid=uid, refresh_interval=REFRESH_INTERVAL)
    # REFRESH-INTERVAL for the apps (Outlook) that only know this one; typed, or it is written as "1:00:00".
    cal.add("X-PUBLISHED-TTL", vDuration(REFRESH_INTERVAL))
    for entry in entries:
        cal.add_component(vevent(entry))
    if entries:
        # VTIMEZONE rules just for the years the events span (the default 1970-2037 is much longer).
        first = min(entry.event.starts_at for entry in entries).year - 1
        last = max(entry.event.ends_at for entry in entries).year + 2
        cal.add_missing_timezones(first_date=datetime.date(first, 1, 1), last_date=datetime.date(last, 1, 1))
    return cal.to_ical()
