import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from api.accounts.models import Organisation
from api.core.files.models import StoredFile
from api.research.models import ResearchTask


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    # OSError: a directory of the zone database ("America", "Etc") or a name too long for a file, not a zone.
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValidationError(f"{value!r} is not an IANA time zone such as America/Chicago.") from exc


class Event(models.Model):
    """A conference, review meeting, webinar or workshop. Times are stored in UTC; `time_zone` is
    where it happens, for showing local times (JSON and iCalendar)."""

    class Kind(models.TextChoices):
        CONFERENCE = "conference", "Conference"
        REVIEW = "review", "Review meeting"
        WEBINAR = "webinar", "Webinar"
        WORKSHOP = "workshop", "Workshop"

    class Audience(models.TextChoices):
        PUBLIC = "public", "Public"
        MEMBERS = "members", "Members"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        CANCELLED = "cancelled", "Cancelled"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    location = models.CharField(max_length=300, blank=True)
    online_link = models.URLField(max_length=500, blank=True, help_text="Shown to confirmed registrants and staff.")
    audience = models.CharField(max_length=16, choices=Audience.choices, default=Audience.MEMBERS)
    capacity = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: unlimited.")
    company_cap = models.PositiveIntegerField(
        null=True, blank=True, help_text="Confirmed seats per member company; empty: no cap."
    )
    registration_opens_at = models.DateTimeField(null=True, blank=True)
    registration_closes_at = models.DateTimeField(null=True, blank=True, help_text="Empty: until it starts.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    tasks = models.ManyToManyField(ResearchTask, related_name="events", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["updated_at"]),
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["kind", "starts_at"]),
            models.Index(fields=["starts_at"]),
            models.Index(fields=["ends_at"]),
            models.Index(fields=["title"]),
            models.Index(fields=["audience", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(name="event_ends_after_it_starts", condition=Q(ends_at__gt=models.F("starts_at")))
        ]

    def __str__(self):
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The event ends before it starts."})
        opens, closes = self.registration_opens_at, self.registration_closes_at
        if opens and closes and closes <= opens:
            raise ValidationError({"registration_closes_at": "Registration closes before it opens."})


class Registration(models.Model):
    """One person's place at an event. Waiting-list positions are unique and gap-free per event."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        WAITLISTED = "waitlisted", "Waitlisted"
        CANCELLED = "cancelled", "Cancelled"

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="registrations")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="registrations")
    # The member company the seat counts against (the person's at registration time), for caps.
    company = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices)
    position = models.PositiveIntegerField(null=True, blank=True, help_text="Place on the waiting list (1 = next).")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event_id", "created_at", "id"]
        indexes = [
            models.Index(fields=["event", "status", "position"]),
            models.Index(fields=["person", "event"]),
            models.Index(fields=["event", "created_at"]),
            models.Index(fields=["event", "checked_in_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="one_registration_per_person"),
            models.UniqueConstraint(
                fields=["event", "position"], condition=Q(position__isnull=False), name="waitlist_position_unique"
            ),
            models.CheckConstraint(
                name="only_the_waitlisted_have_a_position",
                condition=Q(status="waitlisted", position__isnull=False) | (~Q(status="waitlisted") & Q(position=None)),
            ),
        ]

    def __str__(self):
        return f"{self.person_id} at {self.event_id}: {self.status}"


class AgendaSession(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=300)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    room = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["event_id", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(name="session_ends_after_it_starts", condition=Q(ends_at__gt=models.F("starts_at")))
        ]

    def __str__(self):
        return self.title


class Speaker(models.Model):
    """A speaker of a session in order: a person of Wafer or a name."""

    session = models.ForeignKey(AgendaSession, on_delete=models.CASCADE, related_name="speakers")
    position = models.PositiveSmallIntegerField()
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["session_id", "position", "id"]

    def __str__(self):
        return self.name


class SessionMaterial(StoredFile):
    """Slides and papers of a session: gated files, for registrants and staff."""

    session = models.ForeignKey(AgendaSession, on_delete=models.CASCADE, related_name="materials")

    class Meta:
        ordering = ["session_id", "id"]


class FeedToken(models.Model):
    """The secret in a personal calendar feed URL. Not an API token: it reads one feed only.

    Stored as a SHA-256 hash like API tokens; revoking it (or making a new one) ends the old URL.
    """

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"feed token of {self.person_id}"
