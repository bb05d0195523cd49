import csv
import io

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, AllowAny
from rest_framework.response import Response

from api.core.csv import csv_cell
from api.core.files.delivery import content_disposition, deliver
from api.core.files.parsers import UploadParser
from api.core.files.uploads import check_upload
from api.core.permissions import IsStaff, StaffOnRowsTheyCanSee
from api.core.viewsets import ServiceCreateMixin, ServiceUpdateMixin, ServiceViewSet
from api.events import access, selectors, services
from api.events.filters import EventFilter
from api.events.models import Event, Registration
from api.events.serializers import EventSerializer, EventWriteSerializer, FiguresSerializer

MATERIAL_KINDS = ("pdf", "png", "jpeg", "zip")


class EventViewSet(ServiceCreateMixin, ServiceUpdateMixin, ServiceViewSet):
    """Events, upcoming first. Public events for everyone; members-only events for signed-in people
    with standing; drafts for staff. Staff create, edit, cancel; figures and attendance for staff."""

    queryset = Event.objects.none()
    read_serializer_class = EventSerializer
    write_serializer_class = EventWriteSerializer
    filterset_class = EventFilter
    ordering_fields = ["starts_at", "title"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    create_service = staticmethod(services.event_create)
    update_service = staticmethod(services.event_update)
    instance_kwarg = "event"

    def get_permissions(self):
        if self.request.method in SAFE_METHODS and self.action not in {"figures", "attendance"}:
            return [AllowAny()]
        if self.action == "create":
            return [IsStaff()]
        return [StaffOnRowsTheyCanSee()]

    def get_queryset(self):
        return selectors.event_list(viewer=self.request.user)

    def _context(self, events):
        own = selectors.own_registrations(viewer=self.request.user, events=events)
        return {**self.get_serializer_context(), "own_registrations": own}

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        data = EventSerializer(page, many=True, context=self._context(page)).data
        return self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        return self.read_response(self.get_object())

    def read_response(self, instance, status_code=200):
        event = self.get_queryset().get(pk=instance.pk)
        return Response(EventSerializer(event, context=self._context([event])).data, status=status_code)

    @extend_schema(request=None, responses=EventSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel the event: every registration is cancelled and everyone registered is told."""
        return self.read_response(services.event_cancel(event=self.get_object()))

    @extend_schema(responses=FiguresSerializer)
    @action(detail=True, methods=["get"])
    def figures(self, request, pk=None):
        return Response(FiguresSerializer(selectors.event_figures(event=self.get_object())).data)

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(description="One row per registration.")})
    @action(detail=True, methods=["get"])
    def attendance(self, request, pk=None):
        event = self.get_object()
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["name", "email", "company", "status", "waiting_position", "registered_at", "checked_in_at"])
        rows = Registration.objects.filter(event=event).select_related("person", "company").order_by("created_at", "id")
        for row in rows:
            writer.writerow(
                [
                    csv_cell(value)
                    for value in (
                        row.person.full_name,
                        row.person.email,
                        row.company.name if row.company else "",
                        row.status,
                        row.position,
                        row.created_at.isoformat(),
                        row.checked_in_at.isoformat() if row.checked_in_at else "",
                    )
                ]
            )
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition(f"attendance-{event.pk}.csv")
        return response

    @extend_schema(
        request={
            "multipart/form-data": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
        },
        responses={201: EventSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"sessions/(?P<session_id>\d{1,18})/materials",
        parser_classes=[UploadParser],
    )
    def materials(self, request, pk=None, session_id=None):
        """Add a file to a session (staff)."""
        event = self.get_object()
        session = get_object_or_404(event.sessions.all(), pk=session_id)
        upload = check_upload(request.FILES.get("file"), kinds=MATERIAL_KINDS)
        services.material_add(session=session, upload=upload, uploaded_by=request.user)
        return self.read_response(event, status_code=201)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(description="The file.")})
    @action(
        detail=True, methods=["get"], permission_classes=[AllowAny],
        url_path=r"sessions/(?P<session_id>\d{1,18})/materials/(?P<material_id>\d{1,18})/download",
    )  # fmt: skip
    def download_material(self, request, pk=None, session_id=None, material_id=None):
        """A session's file, for confirmed registrants and staff (recorded)."""
        event = self.get_object()
        material = get_object_or_404(selectors.material_for(event=event), pk=material_id, session_id=session_id)
        if not access.is_insider(request.user, event):
            # The event's page lists its files to everyone who sees it: the file exists for the caller (403, or
            # 401 when signed out), who lacks a confirmed seat.
            self.permission_denied(request, "Session files are for people with a confirmed seat, and staff.")
        return deliver(material.file, filename=material.original_name, content_type=material.content_type,
                       target=material, size=material.size)  # fmt: skip
