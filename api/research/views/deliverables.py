from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied

from api.core.files.delivery import deliver
from api.core.files.parsers import UploadParser
from api.core.files.uploads import check_upload
from api.core.permissions import IsAuthenticated, IsStaff, StaffOnRowsTheyCanSee
from api.core.viewsets import ServiceModelViewSet
from api.research import selectors, services
from api.research.filters import DeliverableFilter
from api.research.models import Deliverable
from api.research.serializers import (
    DeliverableSerializer,
    DeliverableUpdateSerializer,
    DeliverableWriteSerializer,
    ExtendSerializer,
    ReasonSerializer,
    ReportUploadSerializer,
)

STAFF_ACTIONS = {"create", "update", "partial_update", "destroy", "accept", "request_revision", "extend", "skip"}


class DeliverableViewSet(ServiceModelViewSet):
    """Deliverables of the tasks the caller sees in full. The task's PIs submit reports; staff
    accept, request a revision, extend or skip. Report files go to those allowed to read them."""

    queryset = Deliverable.objects.none()
    read_serializer_class = DeliverableSerializer
    write_serializer_class = DeliverableWriteSerializer
    filterset_class = DeliverableFilter
    ordering_fields = ["due_on", "title", "status"]
    create_service = staticmethod(services.deliverable_create)
    update_service = staticmethod(services.deliverable_update)
    delete_service = staticmethod(services.deliverable_delete)
    instance_kwarg = "deliverable"

    def get_permissions(self):
        if self.action == "create":
            return [IsStaff()]
        return [StaffOnRowsTheyCanSee()] if self.action in STAFF_ACTIONS else [IsAuthenticated()]

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return DeliverableUpdateSerializer
        return super().get_serializer_class()

    def get_queryset(self):
        return selectors.deliverable_list(viewer=self.request.user)

    def read_response(self, instance, status_code=200):
        return super().read_response(self.get_queryset().get(pk=instance.pk), status_code)

    def _act(self, service, serializer_class=None, **extra):
        deliverable = self.get_object()
        data = {}
        if serializer_class is not None:
            serializer = serializer_class(data=self.request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        return self.read_response(service(deliverable=deliverable, **data, **extra))

    @extend_schema(request=None, responses=DeliverableSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._act(services.deliverable_accept)

    @extend_schema(request=ReasonSerializer, responses=DeliverableSerializer)
    @action(detail=True, methods=["post"], url_path="request-revision")
    def request_revision(self, request, pk=None):
        return self._act(services.deliverable_request_revision, ReasonSerializer)

    @extend_schema(request=ExtendSerializer, responses=DeliverableSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        return self._act(services.deliverable_extend, ExtendSerializer, extended_by=request.user)

    @extend_schema(request=ReasonSerializer, responses=DeliverableSerializer)
    @action(detail=True, methods=["post"])
    def skip(self, request, pk=None):
        return self._act(services.deliverable_skip, ReasonSerializer)

    @extend_schema(
        request={"multipart/form-data": ReportUploadSerializer},
        responses={201: DeliverableSerializer, 413: OpenApiResponse(description="The file is too large.")},
    )
    @action(detail=True, methods=["post"], parser_classes=[UploadParser])
    def reports(self, request, pk=None):
        """Submit a progress report (a PDF): a new version; the deliverable becomes submitted."""
        deliverable = self.get_object()
        if not (request.user.is_staff or deliverable.leads_task):
            raise PermissionDenied("Only the task's principal investigators (or staff) submit reports.")
        serializer = ReportUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = check_upload(serializer.validated_data["file"])
        services.report_submit(
            deliverable=deliverable,
            upload=upload,
            summary=serializer.validated_data.get("summary", ""),
            submitted_by=request.user,
        )
        return self.read_response(deliverable, status_code=201)

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiResponse(description="The report file (an attachment).")}
    )
    @action(detail=True, methods=["get"], url_path=r"reports/(?P<report_id>\d{1,18})/download")
    def download(self, request, pk=None, report_id=None):
        deliverable = self.get_object()
        report = get_object_or_404(deliverable.reports.all(), pk=report_id)
        if not deliverable.file_access:
            raise PermissionDenied("Report files are for the task's team, its sponsors and staff.")
        return deliver(
            report.file,
            filename=report.original_name,
            content_type=report.content_type,
            target=report,
            size=report.size,
        )
