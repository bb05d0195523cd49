import zoneinfo

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.accounts.access import is_staff
from api.accounts.models import User
from api.accounts.serializers import OrganisationBriefSerializer, PersonBriefSerializer
from api.events.models import AgendaSession, Event, Registration, SessionMaterial, Speaker
from api.research.models import ResearchTask


def local_iso(moment, time_zone: str) -> str:
    """The moment in the event's own time zone, with its UTC offset (DST-aware)."""
    return moment.astimezone(zoneinfo.ZoneInfo(time_zone)).isoformat()


class SpeakerSerializer(serializers.ModelSerializer):
    person = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Speaker
        fields = ["name", "person"]
        read_only_fields = fields


class MaterialSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = SessionMaterial
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_at", "download_url"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, material) -> str | None:
        if not self.context.get("materials_open"):
            return None
        session = material.session
        return f"/api/v1/events/{session.event_id}/sessions/{session.pk}/materials/{material.pk}/download/"


class SessionSerializer(serializers.ModelSerializer):
    speakers = SpeakerSerializer(many=True, read_only=True)
    materials = serializers.SerializerMethodField()
    starts_local = serializers.SerializerMethodField()
    ends_local = serializers.SerializerMethodField()

    class Meta:
        model = AgendaSession
        fields = ["id", "title", "starts_at", "ends_at", "starts_local", "ends_local", "room", "description",
                  "speakers", "materials"]  # fmt: skip
        read_only_fields = fields

    def get_starts_local(self, session) -> str:
        return local_iso(session.starts_at, session.event.time_zone)

    def get_ends_local(self, session) -> str:
        return local_iso(session.ends_at, session.event.time_zone)

    @extend_schema_field(MaterialSerializer(many=True))
    def get_materials(self, session):
        return MaterialSerializer(session.materials.all(), many=True, context=self.context).data


class RegistrationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Registration
        fields = ["id", "status", "position", "created_at", "confirmed_at", "checked_in_at"]
        read_only_fields = fields


class TaskRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResearchTask
        fields = ["id", "number", "title"]
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer):
    """An event with its agenda and the caller's own registration. The online link and session
    materials are for confirmed registrants and staff."""

    tasks = TaskRefSerializer(many=True, read_only=True)
    sessions = serializers.SerializerMethodField()
    starts_local = serializers.SerializerMethodField()
    ends_local = serializers.SerializerMethodField()
    online_link = serializers.SerializerMethodField()
    seats = serializers.SerializerMethodField()
    my_registration = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id", "kind", "title", "description", "starts_at", "ends_at", "time_zone", "starts_local", "ends_local",
            "location", "online_link", "audience", "capacity", "company_cap", "registration_opens_at",
            "registration_closes_at", "status", "tasks", "seats", "my_registration", "sessions",
        ]  # fmt: skip
        read_only_fields = fields

    def _mine(self, event):
        return self.context.get("own_registrations", {}).get(event.pk)

    def _insider(self, event) -> bool:
        request = self.context.get("request")
        mine = self._mine(event)
        return bool(
            (request and is_staff(request.user)) or (mine is not None and mine.status == Registration.Status.CONFIRMED)
        )

    def get_starts_local(self, event) -> str:
        return local_iso(event.starts_at, event.time_zone)

    def get_ends_local(self, event) -> str:
        return local_iso(event.ends_at, event.time_zone)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_online_link(self, event) -> str | None:
        return (event.online_link or None) if self._insider(event) else None

    @extend_schema_field(
        serializers.DictField(
            child=serializers.IntegerField(allow_null=True),
            help_text="confirmed, waitlisted, available (null: unlimited)",
        )
    )
    def get_seats(self, event) -> dict:
        confirmed = getattr(event, "confirmed_count", 0)
        available = None if event.capacity is None else max(event.capacity - confirmed, 0)
        return {"confirmed": confirmed, "waitlisted": getattr(event, "waitlisted_count", 0), "available": available}

    @extend_schema_field(RegistrationBriefSerializer(allow_null=True))
    def get_my_registration(self, event):
        mine = self._mine(event)
        return RegistrationBriefSerializer(mine).data if mine is not None else None

    @extend_schema_field(SessionSerializer(many=True))
    def get_sessions(self, event):
        context = {**self.context, "materials_open": self._insider(event)}
        return SessionSerializer(event.sessions.all(), many=True, context=context).data


class SpeakerWriteSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)


class SessionWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    room = serializers.CharField(max_length=100, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    speakers = SpeakerWriteSerializer(many=True, required=False)


MAX_SEATS = 100_000  # explicit, so the contract does not depend on the database's integer range


class EventWriteSerializer(serializers.ModelSerializer):
    tasks = serializers.PrimaryKeyRelatedField(queryset=ResearchTask.objects.all(), many=True, required=False)
    capacity = serializers.IntegerField(
        min_value=0, max_value=MAX_SEATS, allow_null=True, required=False, help_text="Empty: unlimited."
    )
    company_cap = serializers.IntegerField(
        min_value=0, max_value=MAX_SEATS, allow_null=True, required=False,
        help_text="Confirmed seats per member company; empty: no cap.",
    )  # fmt: skip
    sessions = SessionWriteSerializer(many=True, required=False, help_text="Replaces the agenda when given.")

    class Meta:
        model = Event
        fields = [
            "kind", "title", "description", "starts_at", "ends_at", "time_zone", "location", "online_link",
            "audience", "capacity", "company_cap", "registration_opens_at", "registration_closes_at", "status",
            "tasks", "sessions",
        ]  # fmt: skip


class RegistrationSerializer(serializers.ModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    company = OrganisationBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Registration
        fields = ["id", "event", "person", "company", "status", "position", "created_at", "confirmed_at",
                  "cancelled_at", "checked_in_at"]  # fmt: skip
        read_only_fields = fields


class RegistrationConflictSerializer(serializers.Serializer):
    """The error envelope of a refused registration; `registration` is the existing one when the
    caller is already registered (code already_registered)."""

    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    registration = RegistrationSerializer(required=False)


class RegisterSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, help_text="Staff only: register someone else."
    )


class CompanyFiguresSerializer(serializers.Serializer):
    company = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    confirmed = serializers.IntegerField()
    waitlisted = serializers.IntegerField()
    checked_in = serializers.IntegerField()


class FiguresSerializer(serializers.Serializer):
    confirmed = serializers.IntegerField()
    waitlisted = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    checked_in = serializers.IntegerField()
    companies = CompanyFiguresSerializer(many=True)


class FeedUrlSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="The personal feed. Shown once: whoever has it reads the feed.")
    webcal_url = serializers.CharField(help_text="The same feed as webcal://, which calendar apps subscribe to.")
