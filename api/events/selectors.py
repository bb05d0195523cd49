"""Reads of events and registrations, scoped by api.events.access."""

import datetime

from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from api.accounts.access import is_staff
from api.core.tokens.services import hash_token
from api.events import access
from api.events.models import AgendaSession, Event, FeedToken, Registration, SessionMaterial, Speaker


def _count(status):
    """A correlated count (no GROUP BY over the event's columns, which include nvarchar(max) on SQL Server)."""
    rows = (
        Registration.objects.filter(event=OuterRef("pk"), status=status)
        .order_by()
        .values("event")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def event_list(*, viewer) -> QuerySet[Event]:
    """Upcoming (not yet ended) events first, soonest first; then past events."""
    now = timezone.now()
    sessions = AgendaSession.objects.order_by("starts_at", "id").prefetch_related(
        Prefetch("speakers", queryset=Speaker.objects.order_by("position", "id")),
        Prefetch("materials", queryset=SessionMaterial.objects.order_by("id")),
    )
    return (
        Event.objects.filter(access.visible(viewer))
        .prefetch_related(Prefetch("sessions", queryset=sessions), "tasks")
        .annotate(
            is_past=Case(When(ends_at__lt=now, then=Value(1)), default=Value(0), output_field=IntegerField()),
            confirmed_count=_count(Registration.Status.CONFIRMED),
            waitlisted_count=_count(Registration.Status.WAITLISTED),
        )
        .order_by("is_past", "starts_at", "id")
    )


def own_registrations(*, viewer, events) -> dict:
    """The caller's registration per event id, for a page of events (one query)."""
    if viewer is None or not viewer.is_authenticated:
        return {}
    rows = Registration.objects.filter(person=viewer, event__in=[event.pk for event in events])
    return {row.event_id: row for row in rows}


def registration_list(*, viewer, event_id) -> QuerySet[Registration]:
    """Staff see everyone's registrations for the event; others their own (of events they can see)."""
    visible_events = Event.objects.filter(access.visible(viewer)).values("pk")
    queryset = Registration.objects.filter(event_id=event_id, event__in=visible_events).select_related(
        "person", "company"
    )
    if not is_staff(viewer):
        queryset = queryset.filter(person=viewer)
    return queryset.order_by("created_at", "id")


def event_figures(*, event: Event) -> dict:
    by_status = dict(
        Registration.objects.filter(event=event).values_list("status").annotate(n=Count("id")).order_by("status")
    )
    checked_in = Registration.objects.filter(event=event, checked_in_at__isnull=False).count()
    companies = (
        Registration.objects.filter(event=event)
        .exclude(status=Registration.Status.CANCELLED)
        .values("company_id", "company__name")
        .annotate(
            confirmed=Count("id", filter=Q(status=Registration.Status.CONFIRMED)),
            waitlisted=Count("id", filter=Q(status=Registration.Status.WAITLISTED)),
            checked_in=Count("id", filter=Q(checked_in_at__isnull=False)),
        )
        .order_by("company__name", "company_id")
    )
    # "No member company" last on every database (SQLite and SQL Server sort NULL first, PostgreSQL last).
    companies = sorted(companies, key=lambda row: (row["company_id"] is None, row["company__name"] or ""))
    return {
        "confirmed": by_status.get(Registration.Status.CONFIRMED, 0),
        "waitlisted": by_status.get(Registration.Status.WAITLISTED, 0),
        "cancelled": by_status.get(Registration.Status.CANCELLED, 0),
        "checked_in": checked_in,
        "companies": [
            {
                "company": row["company_id"],
                "name": row["company__name"] or "No member company",
                "confirmed": row["confirmed"],
                "waitlisted": row["waitlisted"],
                "checked_in": row["checked_in"],
            }
            for row in companies
        ],
    }


def material_for(*, event: Event) -> QuerySet[SessionMaterial]:
    """The event's session files; who may download them is access.is_insider (the view asks)."""
    return SessionMaterial.objects.filter(session__event=event)


# Calendar feeds: upcoming events and those of the last FEED_PAST_DAYS, at most FEED_LIMIT, soonest first.
FEED_PAST_DAYS = 90
FEED_LIMIT = 500


def _feed_window():
    return timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)


def calendar_event(*, viewer, event_id) -> Event | None:
    """One event for its .ics, if the caller may see it (one query, no agenda)."""
    return Event.objects.filter(access.visible(viewer), pk=event_id).first()


def calendar_insider(*, viewer, event: Event) -> bool:
    """Whether the caller may see the event's online link: staff and people with a confirmed seat."""
    return access.is_insider(viewer, event)


def public_feed_events() -> QuerySet[Event]:
    """What anyone may see, published or cancelled (drafts are never visible to the anonymous)."""
    visible = Event.objects.filter(access.visible(None), ends_at__gte=_feed_window())
    return visible.order_by("starts_at", "id")[:FEED_LIMIT]


def personal_feed_registrations(*, person) -> QuerySet[Registration]:
    """The person's registrations (any status) of events they may still see, with their events."""
    visible = Event.objects.filter(access.visible(person)).values("pk")
    rows = Registration.objects.filter(person=person, event__in=visible, event__ends_at__gte=_feed_window())
    return rows.select_related("event").order_by("event__starts_at", "event_id", "id")[:FEED_LIMIT]


def feed_token_owner(*, raw: str):
    """The active person whose unrevoked feed token this is, or None."""
    token = FeedToken.objects.select_related("person").filter(key_hash=hash_token(raw), revoked_at=None).first()
    if token is None or not token.person.is_active:
        return None
    return token.person
