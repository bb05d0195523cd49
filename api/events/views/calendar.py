"""Events as iCalendar: one event's .ics, the public feed and each person's own feed.

- `events/{id}/ics/`: what the caller may see (api.events.access), else 404; the online link for
  staff and confirmed registrants only.
- `events/feed.ics`: public events anyone may see, published and cancelled (STATUS:CANCELLED).
- `events/feeds/{token}.ics`: the person's registrations. Calendar apps cannot send headers, so the
  secret is in the path; it is a FeedToken, not an API token (as a Bearer token it is a 401), it reads
  this one feed only, and making a new one or DELETE `events/feed-token/` ends the old URL.
  Cancelled registrations (also those of cancelled events) stay in the feed as STATUS:CANCELLED,
  so subscribed calendars strike them out instead of silently keeping a stale copy.

Feed URLs are built with request.build_absolute_uri: the address the caller reached the API at
(validated against ALLOWED_HOSTS), not SITE_URL, which is the SPA's address for links in emails
and event pages. Behind a TLS-terminating proxy, Django must be told the request was https
(SECURE_PROXY_SSL_HEADER), or the URL starts with http://.
"""

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api.core.files.delivery import content_disposition
from api.core.permissions import IsAuthenticated
from api.events import ics, selectors, services
from api.events.serializers import FeedUrlSerializer

CONTENT_TYPE = "text/calendar; charset=utf-8"


class CalendarNegotiation(BaseContentNegotiation):
    """Whatever a calendar app puts in Accept: the body is iCalendar, errors are the JSON envelope."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def ics_response(body: bytes, *, filename: str, shared: bool = False) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    # One event's file and personal feeds depend on who asks; only the public feed may be cached.
    response["Cache-Control"] = "public, max-age=300" if shared else "private, no-store"
    return response


def _ics_responses(description: str) -> dict:
    return {(200, "text/calendar"): OpenApiResponse(OpenApiTypes.STR, description=description)}


class CalendarView(APIView):
    renderer_classes = [JSONRenderer]
    content_negotiation_class = CalendarNegotiation
    permission_classes = [AllowAny]


class EventIcsView(CalendarView):
    @extend_schema(
        operation_id="events_ics",
        tags=["events"],
        responses=_ics_responses("The event as an iCalendar attachment (one VEVENT with its VTIMEZONE)."),
    )
    def get(self, request, pk):
        """One event as an .ics file, for anyone who may see the event."""
        event = selectors.calendar_event(viewer=request.user, event_id=pk)
        if event is None:
            raise Http404
        entry = ics.event_entry(event, show_link=selectors.calendar_insider(viewer=request.user, event=event))
        body = ics.calendar([entry], name="Wafer event", uid=f"event-{event.pk}-file@{ics.uid_host()}")
        stem = slugify(event.title)[:80].strip("-") or "event"
        return ics_response(body, filename=f"{stem}-{event.pk}.ics")


class PublicFeedView(CalendarView):
    authentication_classes = []  # the same for everyone: who asks does not matter

    @extend_schema(
        operation_id="events_feed",
        tags=["events"],
        auth=[],
        responses=_ics_responses(
            f"Public events, published and cancelled (STATUS:CANCELLED), upcoming and of the last "
            f"{selectors.FEED_PAST_DAYS} days, soonest first, at most {selectors.FEED_LIMIT}."
        ),
    )
    def get(self, request):
        """The public events as an iCalendar feed to subscribe to; no sign-in."""
        entries = [ics.event_entry(event, show_link=False) for event in selectors.public_feed_events()]
        body = ics.calendar(entries, name="Wafer events", uid=f"public-feed@{ics.uid_host()}")
        return ics_response(body, filename="wafer-events.ics", shared=True)


class PersonalFeedView(CalendarView):
    authentication_classes = []  # the secret in the path is the only credential

    @extend_schema(
        operation_id="events_personal_feed",
        tags=["events"],
        auth=[],
        parameters=[
            OpenApiParameter("token", OpenApiTypes.STR, OpenApiParameter.PATH, description="The feed's secret.")
        ],
        responses=_ics_responses(
            "The person's registrations: confirmed (STATUS:CONFIRMED, with the online link), waitlisted "
            "(STATUS:TENTATIVE) and cancelled ones or those of cancelled events (STATUS:CANCELLED); upcoming "
            f"and of the last {selectors.FEED_PAST_DAYS} days. 404 for an unknown or revoked token or a "
            "deactivated account."
        ),
    )
    def get(self, request, token):
        """A person's own events, at the secret URL from POST events/feed-token/."""
        person = selectors.feed_token_owner(raw=token)
        if person is None:
            raise Http404
        entries = [ics.registration_entry(row) for row in selectors.personal_feed_registrations(person=person)]
        body = ics.calendar(entries, name="My Wafer events", uid=f"personal-feed-{person.pk}@{ics.uid_host()}")
        return ics_response(body, filename="my-wafer-events.ics")


class FeedTokenView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="events_feed_token_create", tags=["events"], request=None,
                   responses={201: FeedUrlSerializer})  # fmt: skip
    def post(self, request):
        """A new secret URL for your own calendar feed, shown once; the previous URL stops working."""
        _, raw = services.feed_token_create(person=request.user)
        url = request.build_absolute_uri(reverse("event-personal-feed", kwargs={"token": raw}))
        data = {"url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]}
        response = Response(FeedUrlSerializer(data).data, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(operation_id="events_feed_token_destroy", tags=["events"], responses={204: None})
    def delete(self, request):
        """End your calendar feed's URL (nothing to do when there is none)."""
        services.feed_token_revoke(person=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
