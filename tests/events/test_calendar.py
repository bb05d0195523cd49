"""iCalendar: one event's .ics, the public feed, personal feeds and their secret URLs.

Every body is parsed back with icalendar.Calendar.from_ical; the assertions are on what a calendar
app reads, not on our own text.
"""

import datetime
import hashlib
import re

import pytest
from django.test import override_settings
from django.utils import timezone
from icalendar import Calendar

from api.events import selectors
from api.events.models import Event, FeedToken, Registration
from tests.conftest import bearer, client_for

UTC = datetime.UTC
CHICAGO = "America/Chicago"
FEED_URL = re.compile(r"^http://testserver/api/v1/events/feeds/(?P<token>[A-Za-z0-9_-]{40,})\.ics$")
HOSTILE = 'Ümlaut, "quoted"; semi;colon\\back\\slash\nsecond line, 🎉 \\n not a newline'


@pytest.fixture
def cal_event(db):
    """cal_event(**fields) -> a published public workshop in Chicago, starting in two weeks."""

    def _make(**fields):
        starts_at = fields.pop("starts_at", timezone.now().replace(microsecond=0) + datetime.timedelta(days=14))
        values = {
            "kind": Event.Kind.WORKSHOP,
            "title": "Advanced Packaging Workshop",
            "description": "Chiplets and hybrid bonding.",
            "starts_at": starts_at,
            "ends_at": starts_at + datetime.timedelta(hours=6),
            "time_zone": CHICAGO,
            "location": "Westbridge Hall 2",
            "online_link": "https://meet.example.com/secret-room",
            "audience": Event.Audience.PUBLIC,
            "status": Event.Status.PUBLISHED,
            **fields,
        }
        event = Event(**values)
        event.full_clean()
        event.save()
        return event

    return _make


def register(event, person, status=Registration.Status.CONFIRMED, position=None):
    now = timezone.now()
    return Registration.objects.create(
        event=event, person=person, status=status, position=position,
        confirmed_at=now if status == Registration.Status.CONFIRMED else None,
        cancelled_at=now if status == Registration.Status.CANCELLED else None,
    )  # fmt: skip


def parse(response) -> Calendar:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def by_uid(calendar: Calendar) -> dict:
    return {str(vevent["UID"]): vevent for vevent in calendar.events}


def uid(event) -> str:
    return f"event-{event.pk}@127.0.0.1"  # SITE_URL's host in tests


def ics(client, event):
    return client.get(f"/api/v1/events/{event.pk}/ics/")


def new_feed(client) -> tuple[str, str]:
    """POST feed-token -> (url, raw token)."""
    response = client.post("/api/v1/events/feed-token/")
    assert response.status_code == 201, response.content
    match = FEED_URL.match(response.json()["url"])
    assert match, response.json()
    return response.json()["url"], match["token"]


# --- One event's .ics -------------------------------------------------------------------------


def test_one_event_is_a_whole_vevent_with_its_time_zone(api, cal_event):
    event = cal_event(starts_at=datetime.datetime(2030, 6, 3, 14, 0, tzinfo=UTC))
    response = ics(api, event)
    calendar = parse(response)

    assert response["Content-Disposition"] == (
        f'attachment; filename="advanced-packaging-workshop-{event.pk}.ics"; '
        f"filename*=UTF-8''advanced-packaging-workshop-{event.pk}.ics"
    )
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//Wafer//Events//EN"
    assert [tz.tz_name for tz in calendar.timezones] == [CHICAGO]
    [vevent] = calendar.events
    assert str(vevent["UID"]) == uid(event)
    assert vevent["DTSTART"].params["TZID"] == CHICAGO
    assert vevent.start == datetime.datetime(2030, 6, 3, 9, 0, tzinfo=vevent.start.tzinfo)  # CDT, UTC-5
    assert vevent.start.astimezone(UTC) == event.starts_at
    assert vevent.end.astimezone(UTC) == event.ends_at
    assert event.updated_at.replace(microsecond=0) == vevent.DTSTAMP
    assert str(vevent["SUMMARY"]) == "Advanced Packaging Workshop"
    assert str(vevent["DESCRIPTION"]) == f"Chiplets and hybrid bonding.\n\nhttp://127.0.0.1:8000/events/{event.pk}"
    assert str(vevent["LOCATION"]) == "Westbridge Hall 2"
    assert str(vevent["URL"]) == f"http://127.0.0.1:8000/events/{event.pk}"
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert vevent["SEQUENCE"] > 0
    assert vevent.categories == ["Workshop"]


ROLES = ("api", "member_api", "inactive_member_api", "staff_api")
VISIBILITY = [
    # audience, status, then the status code for: anonymous, member, inactive member's person, staff
    (Event.Audience.PUBLIC, Event.Status.PUBLISHED, (200, 200, 200, 200)),
    (Event.Audience.PUBLIC, Event.Status.CANCELLED, (200, 200, 200, 200)),
    (Event.Audience.PUBLIC, Event.Status.DRAFT, (404, 404, 404, 200)),
    (Event.Audience.MEMBERS, Event.Status.PUBLISHED, (404, 200, 404, 200)),
    (Event.Audience.MEMBERS, Event.Status.CANCELLED, (404, 200, 404, 200)),
    (Event.Audience.MEMBERS, Event.Status.DRAFT, (404, 404, 404, 200)),
]


@pytest.mark.parametrize(("audience", "status", "expected"), VISIBILITY)
def test_who_gets_an_event_as_ics(request, cal_event, audience, status, expected):
    event = cal_event(audience=audience, status=status)
    for role, want in zip(ROLES, expected, strict=True):
        response = ics(request.getfixturevalue(role), event)
        assert response.status_code == want, (role, response.content)
        if want == 404:
            assert response.json()["code"] == "not_found"
            continue
        [vevent] = parse(response).events
        assert str(vevent["UID"]) == uid(event)
        assert str(vevent["STATUS"]) == ("CANCELLED" if status == Event.Status.CANCELLED else "CONFIRMED")


def test_an_unknown_event_is_a_404_envelope(api, db):
    response = api.get("/api/v1/events/999999/ics/")
    assert response.status_code == 404
    assert response.json() == {"status": 404, "code": "not_found", "detail": "Not found."}


def test_a_calendar_accept_header_is_served(api, cal_event):
    event = cal_event()
    parse(api.get(f"/api/v1/events/{event.pk}/ics/", HTTP_ACCEPT="text/calendar"))
    missing = api.get("/api/v1/events/999999/ics/", HTTP_ACCEPT="text/calendar")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def _description(client, event) -> str:
    [vevent] = parse(ics(client, event)).events
    return str(vevent["DESCRIPTION"])


def test_the_online_link_is_for_staff_and_confirmed_registrants(
    api, member_api, member_user, colleague, staff_api, cal_event
):
    event = cal_event()
    link = "Join online: https://meet.example.com/secret-room"
    assert link not in _description(api, event)
    assert link not in _description(member_api, event)
    register(event, colleague, Registration.Status.WAITLISTED, position=1)
    assert link not in _description(client_for(colleague), event)
    register(event, member_user)
    assert link in _description(member_api, event)
    assert link in _description(staff_api, event)


def test_a_cancelled_event_shows_no_link(staff_api, cal_event):
    event = cal_event(status=Event.Status.CANCELLED)
    assert "meet.example.com" not in _description(staff_api, event)


# --- Escaping and time zones -----------------------------------------------------------------


def test_hostile_text_round_trips(api, cal_event):
    event = cal_event(title=HOSTILE[:300], description=HOSTILE + "\r\nEND:VEVENT\nBEGIN:VEVENT", location=HOSTILE)
    response = ics(api, event)
    calendar = parse(response)

    [vevent] = calendar.events
    assert str(vevent["SUMMARY"]) == HOSTILE
    assert str(vevent["LOCATION"]) == HOSTILE
    # (a CRLF in text becomes LF: iCalendar TEXT has one escaped newline, \\n)
    assert str(vevent["DESCRIPTION"]).startswith(HOSTILE + "\nEND:VEVENT\nBEGIN:VEVENT\n\nhttp://")
    assert response.content.count(b"BEGIN:VEVENT\r\n") == 1
    assert response.content.decode("utf-8").count("🎉") == 3
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="umlaut-quoted-semicolonbackslash')
    assert "\n" not in disposition and ";colon" not in disposition.split("filename*=")[0]


def test_a_title_of_symbols_only_still_names_the_file(api, cal_event):
    event = cal_event(title="🎉🎉 ../../")
    response = ics(api, event)
    parse(response)
    assert f'filename="event-{event.pk}.ics"' in response["Content-Disposition"]


def test_across_the_dst_change_in_chicago(api, cal_event):
    """2026-03-08 in Chicago: 02:00 CST becomes 03:00 CDT. 01:30 CST is 07:30 UTC, 04:00 CDT 09:00 UTC."""
    starts_at = datetime.datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    ends_at = datetime.datetime(2026, 3, 8, 9, 0, tzinfo=UTC)
    event = cal_event(starts_at=starts_at, ends_at=ends_at, time_zone=CHICAGO)

    body = api.get(f"/api/v1/events/{event.pk}/").json()
    assert (body["starts_local"], body["ends_local"]) == ("2026-03-08T01:30:00-06:00", "2026-03-08T04:00:00-05:00")
    assert body["time_zone"] == CHICAGO

    response = ics(api, event)
    calendar = parse(response)
    [vevent] = calendar.events
    assert vevent["DTSTART"].params["TZID"] == CHICAGO and vevent["DTEND"].params["TZID"] == CHICAGO
    assert (vevent.start.replace(tzinfo=None), vevent.end.replace(tzinfo=None)) == (
        datetime.datetime(2026, 3, 8, 1, 30),
        datetime.datetime(2026, 3, 8, 4, 0),
    )
    assert vevent.start.astimezone(UTC) == starts_at
    assert vevent.end.astimezone(UTC) == ends_at
    assert vevent.end.astimezone(UTC) - vevent.start.astimezone(UTC) == datetime.timedelta(hours=1, minutes=30)
    assert b"DTSTART;TZID=America/Chicago:20260308T013000\r\n" in response.content
    assert b"DTEND;TZID=America/Chicago:20260308T040000\r\n" in response.content
    [vtimezone] = calendar.timezones
    offsets = {(str(rule.name), rule["TZOFFSETTO"].td) for rule in vtimezone.subcomponents}
    assert ("DAYLIGHT", datetime.timedelta(hours=-5)) in offsets
    assert ("STANDARD", datetime.timedelta(hours=-6)) in offsets


def test_events_in_utc_are_written_in_utc(api, cal_event):
    event = cal_event(time_zone="UTC", starts_at=datetime.datetime(2030, 1, 2, 9, 0, tzinfo=UTC))
    response = ics(api, event)
    [vevent] = parse(response).events
    assert vevent.start == event.starts_at
    assert b"DTSTART:20300102T090000Z\r\n" in response.content


def test_sequence_grows_with_every_change(api, cal_event):
    event = cal_event()
    first = parse(ics(api, event)).events[0]["SEQUENCE"]
    Event.objects.filter(pk=event.pk).update(updated_at=event.updated_at + datetime.timedelta(minutes=5))
    second = parse(ics(api, event)).events[0]
    assert second["SEQUENCE"] == first + 300
    assert (event.updated_at + datetime.timedelta(minutes=5)).replace(microsecond=0) == second.DTSTAMP
    assert str(second["UID"]) == uid(event)


# --- The public feed -------------------------------------------------------------------------


def test_the_public_feed_holds_public_published_and_cancelled_events(api, staff_user, cal_event):
    now = timezone.now()
    soon = cal_event(title="Soon", starts_at=now + datetime.timedelta(days=1))
    later = cal_event(title="Later", starts_at=now + datetime.timedelta(days=30))
    cancelled = cal_event(title="Called off", status=Event.Status.CANCELLED)
    recent = cal_event(title="Last month", starts_at=now - datetime.timedelta(days=30))
    cal_event(title="Long ago", starts_at=now - datetime.timedelta(days=120))
    cal_event(title="Draft", status=Event.Status.DRAFT)
    cal_event(title="Members only", audience=Event.Audience.MEMBERS)
    register(soon, staff_user)

    response = bearer("ignored-by-this-endpoint").get("/api/v1/events/feed.ics")  # no authentication here
    calendar = parse(response)

    assert response["Cache-Control"] == "public, max-age=300"
    assert 'filename="wafer-events.ics"' in response["Content-Disposition"]
    assert str(calendar["X-WR-CALNAME"]) == "Wafer events"
    assert calendar["REFRESH-INTERVAL"].dt == datetime.timedelta(hours=1)
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in response.content
    assert [str(vevent["SUMMARY"]) for vevent in calendar.events] == ["Last month", "Soon", "Called off", "Later"]
    statuses = {key: str(vevent["STATUS"]) for key, vevent in by_uid(calendar).items()}
    assert statuses == {uid(recent): "CONFIRMED", uid(soon): "CONFIRMED", uid(cancelled): "CANCELLED",
                        uid(later): "CONFIRMED"}  # fmt: skip
    assert b"meet.example.com" not in response.content
    assert [tz.tz_name for tz in calendar.timezones] == [CHICAGO]


def test_the_public_feed_is_capped(api, cal_event, monkeypatch):
    monkeypatch.setattr(selectors, "FEED_LIMIT", 2)
    now = timezone.now()
    for day in (3, 1, 2):
        cal_event(title=f"Day {day}", starts_at=now + datetime.timedelta(days=day))
    assert [str(vevent["SUMMARY"]) for vevent in parse(api.get("/api/v1/events/feed.ics")).events] == [
        "Day 1",
        "Day 2",
    ]


def test_an_empty_public_feed_is_a_valid_calendar(api, db):
    calendar = parse(api.get("/api/v1/events/feed.ics"))
    assert calendar.events == [] and calendar.timezones == []


def test_the_public_feed_costs_the_same_queries_for_1_and_30_events(api, cal_event, count_queries):
    cal_event()
    with count_queries() as one:
        assert len(parse(api.get("/api/v1/events/feed.ics")).events) == 1
    now = timezone.now()
    for index in range(29):
        cal_event(title=f"Event {index}", time_zone=("UTC", CHICAGO, "Europe/Berlin")[index % 3],
                  starts_at=now + datetime.timedelta(days=index + 1))  # fmt: skip
    with count_queries() as many:
        calendar = parse(api.get("/api/v1/events/feed.ics"))
    assert len(calendar.events) == 30
    assert {tz.tz_name for tz in calendar.timezones} == {CHICAGO, "Europe/Berlin"}
    assert len(many) == len(one) == 1, [query["sql"] for query in many.captured_queries]


# --- Personal feeds --------------------------------------------------------------------------


def test_creating_a_feed_url(member_api, member_user):
    response = member_api.post("/api/v1/events/feed-token/")
    assert response.status_code == 201
    body = response.json()
    raw = FEED_URL.match(body["url"])["token"]
    assert body == {
        "url": f"http://testserver/api/v1/events/feeds/{raw}.ics",
        "webcal_url": f"webcal://testserver/api/v1/events/feeds/{raw}.ics",
    }
    assert response["Cache-Control"] == "no-store"
    [token] = FeedToken.objects.filter(person=member_user)
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.revoked_at is None
    assert not FeedToken.objects.filter(key_hash=raw).exists()


@override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"), ALLOWED_HOSTS=["wafer.example.org"])
def test_feed_urls_follow_the_address_the_api_was_reached_at(member_api):
    response = member_api.post(
        "/api/v1/events/feed-token/", HTTP_HOST="wafer.example.org", HTTP_X_FORWARDED_PROTO="https"
    )
    assert response.json()["url"].startswith("https://wafer.example.org/api/v1/events/feeds/")
    assert response.json()["webcal_url"].startswith("webcal://wafer.example.org/api/v1/events/feeds/")


def test_the_feed_lifecycle(api, member_api, member_user):
    first_url, first = new_feed(member_api)
    assert parse(api.get(first_url)).events == []

    second_url, second = new_feed(member_api)  # a new URL ends the old one
    assert second != first
    assert api.get(first_url).status_code == 404
    parse(api.get(second_url))
    assert FeedToken.objects.filter(person=member_user, revoked_at=None).count() == 1

    assert member_api.delete("/api/v1/events/feed-token/").status_code == 204
    assert api.get(second_url).status_code == 404
    assert member_api.delete("/api/v1/events/feed-token/").status_code == 204  # nothing left: still fine

    third_url, _ = new_feed(member_api)
    parse(api.get(third_url))
    member_user.is_active = False
    member_user.save(update_fields=["is_active"])
    response = api.get(third_url)
    assert response.status_code == 404
    assert response.json() == {"status": 404, "code": "not_found", "detail": "Not found."}


def test_unknown_feed_tokens_are_404(api, db):
    for path in ("/api/v1/events/feeds/nope.ics", "/api/v1/events/feeds/" + "A" * 43 + ".ics"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_a_feed_token_is_not_an_api_token(api, member_api):
    url, raw = new_feed(member_api)
    client = bearer(raw)
    for path in ("/api/v1/events/", "/api/v1/auth/me/", url.removeprefix("http://testserver")):
        response = client.get(path)
        if path.endswith(".ics"):
            assert response.status_code == 200  # the feed ignores Authorization; its path is the credential
            continue
        assert response.status_code == 401, path
        assert response.json()["code"] == "invalid_token"
    assert client.post("/api/v1/events/feed-token/").status_code == 401
    assert client.delete("/api/v1/events/feed-token/").status_code == 401


def test_feed_urls_are_for_signed_in_people(api, db):
    assert api.post("/api/v1/events/feed-token/").status_code == 401
    assert api.delete("/api/v1/events/feed-token/").status_code == 401
    assert not FeedToken.objects.exists()


def test_a_read_api_token_cannot_make_a_feed_url(member_user, make_token):
    _, raw = make_token(member_user, scopes=["read"])
    response = bearer(raw).post("/api/v1/events/feed-token/")
    assert response.status_code == 403 and response.json()["code"] == "insufficient_scope"
    _, raw = make_token(member_user, scopes=["read", "write"])
    assert bearer(raw).post("/api/v1/events/feed-token/").status_code == 201


def test_the_personal_feed_holds_ones_own_registrations(api, member_api, member_user, colleague, cal_event):
    now = timezone.now()
    confirmed = cal_event(title="Confirmed", starts_at=now + datetime.timedelta(days=1))
    waiting = cal_event(title="Waiting", starts_at=now + datetime.timedelta(days=2), audience=Event.Audience.MEMBERS)
    withdrawn = cal_event(title="Withdrawn", starts_at=now + datetime.timedelta(days=3))
    called_off = cal_event(title="Called off", starts_at=now + datetime.timedelta(days=4))
    long_ago = cal_event(title="Long ago", starts_at=now - datetime.timedelta(days=200))
    not_mine = cal_event(title="Not mine", starts_at=now + datetime.timedelta(days=5))
    register(confirmed, member_user)
    register(waiting, member_user, Registration.Status.WAITLISTED, position=3)
    register(withdrawn, member_user, Registration.Status.CANCELLED)
    register(long_ago, member_user)
    register(not_mine, colleague)
    register(called_off, member_user, Registration.Status.CANCELLED)
    Event.objects.filter(pk=called_off.pk).update(status=Event.Status.CANCELLED)

    url, _ = new_feed(member_api)
    response = api.get(url)
    calendar = parse(response)

    assert response["Cache-Control"] == "private, no-store"
    assert str(calendar["X-WR-CALNAME"]) == "My Wafer events"
    events = by_uid(calendar)
    assert list(events) == [uid(confirmed), uid(waiting), uid(withdrawn), uid(called_off)]
    assert {key: str(vevent["STATUS"]) for key, vevent in events.items()} == {
        uid(confirmed): "CONFIRMED",
        uid(waiting): "TENTATIVE",
        uid(withdrawn): "CANCELLED",
        uid(called_off): "CANCELLED",
    }
    descriptions = {key: str(vevent["DESCRIPTION"]) for key, vevent in events.items()}
    link = "Join online: https://meet.example.com/secret-room"
    assert link in descriptions[uid(confirmed)]
    assert descriptions[uid(waiting)].startswith("You are on the waiting list (position 3).")
    assert descriptions[uid(withdrawn)].startswith("Your registration is cancelled.")
    assert descriptions[uid(called_off)].startswith("The event is cancelled.")
    assert [key for key, text in descriptions.items() if "meet.example.com" in text] == [uid(confirmed)]


def test_the_personal_feed_follows_the_registration(api, member_api, member_user, cal_event):
    event = cal_event()
    registration = register(event, member_user, Registration.Status.WAITLISTED, position=1)
    url, _ = new_feed(member_api)
    before = parse(api.get(url)).events[0]

    later = timezone.now() + datetime.timedelta(minutes=1)
    Registration.objects.filter(pk=registration.pk).update(status="confirmed", position=None, confirmed_at=later)
    after = parse(api.get(url)).events[0]
    assert (str(before["STATUS"]), str(after["STATUS"])) == ("TENTATIVE", "CONFIRMED")
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert "Join online:" in str(after["DESCRIPTION"])


def test_members_only_events_leave_the_feed_with_ones_standing(api, member_user, member_company, cal_event):
    event = cal_event(audience=Event.Audience.MEMBERS)
    register(event, member_user)
    url, _ = new_feed(client_for(member_user))
    assert len(parse(api.get(url)).events) == 1
    member_company.active = False
    member_company.save(update_fields=["active"])
    assert parse(api.get(url)).events == []


def test_the_personal_feed_costs_the_same_queries_for_1_and_30_registrations(
    api, member_api, member_user, cal_event, count_queries
):
    register(cal_event(), member_user)
    url, _ = new_feed(member_api)
    with count_queries() as one:
        parse(api.get(url))
    now = timezone.now()
    for index in range(29):
        register(cal_event(starts_at=now + datetime.timedelta(days=index + 1)), member_user)
    with count_queries() as many:
        assert len(parse(api.get(url)).events) == 30
    # the token with its person, the person's company (standing), the registrations with their events
    assert len(many) == len(one) == 3, [query["sql"] for query in many.captured_queries]
