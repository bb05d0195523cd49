from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated
from rest_framework.response import Response

from api.core.files.delivery import deliver
from api.core.files.parsers import UploadParser
from api.core.files.uploads import check_upload
from api.core.pagination import KeysetPagination
from api.core.permissions import IsStaff, StaffOnRowsTheyCanSee
from api.core.response_cache.views import CachedListMixin, cached_list_schema
from api.core.viewsets import ServiceModelViewSet
from api.publications import access, caching, search, selectors, services
from api.publications.filters import PublicationFilter
from api.publications.models import Publication
from api.publications.serializers import FileUploadSerializer, PublicationSerializer, PublicationWriteSerializer

FILE_KINDS = ("pdf", "png", "jpeg", "zip")


@extend_schema_view(list=cached_list_schema(PublicationSerializer))
class PublicationViewSet(CachedListMixin, ServiceModelViewSet):
    """Publications. A publication the caller may not see does not exist for them (404, absent
    from lists, counts and exports); metadata and files share one rule (api.publications.access).
    Staff create, edit and delete; staff and the faculty of a linked task add files."""

    queryset = Publication.objects.none()
    read_serializer_class = PublicationSerializer
    write_serializer_class = PublicationWriteSerializer
    filterset_class = PublicationFilter
    ordering_fields = ["year", "title", "published_on"]
    create_service = staticmethod(services.publication_create)
    update_service = staticmethod(services.publication_update)
    delete_service = staticmethod(services.publication_delete)
    instance_kwarg = "publication"
    cached_resources = (caching.RESOURCE,)
    rows_cached = True  # a publication reads the same to everyone who may see it
    visitor_pages_compiled = True  # a visitor's list depends on the filters and the day alone (access.public_on)

    def get_permissions(self):
        if self.request.method in SAFE_METHODS:
            return [AllowAny()]
        if self.action == "create":
            return [IsStaff()]
        if self.action in {"files", "remove_file"}:
            return [IsAuthenticated()]
        return [StaffOnRowsTheyCanSee()]

    def get_queryset(self):
        return selectors.publication_list(viewer=self.request.user)

    def count_rows(self, queryset) -> int:
        """The list's total (api.core.response_cache.counts): a search's is counted from its words'
        side (search.count), over the list as filtered by every other parameter; a visitor's search
        filtered by nothing else, from the words alone (search.count_public)."""
        q = self.request.query_params.get("q")
        if not q or self.action != "list":
            return queryset.count()
        others = self.request.query_params.copy()
        del others["q"]
        if access.sees_only_public(self.request.user) and self.filterset_class.filters_named(others) == []:
            return search.count_public(q, access.today())
        unsearched = self.filterset_class(others, queryset=self.get_queryset(), request=self.request).qs
        return search.count(unsearched, q)

    def read_response(self, instance, status_code=200):
        return super().read_response(self.get_queryset().get(pk=instance.pk), status_code)

    def retrieve(self, request, *args, **kwargs):
        publication = self.get_object()
        services.publication_view_record(publication=publication, user=request.user)
        return self.read_response(publication)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "cursor", str, description="The `next` link's cursor of the previous page; omit to start."
            ),
            OpenApiParameter("page_size", int, description=f"1..{KeysetPagination.max_page_size} (default 100)."),
        ],
        filters=True,
        responses={
            200: inline_serializer(
                "PublicationCursorPage",
                {
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "results": PublicationSerializer(many=True),
                },
            )
        },
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="cursor",
        pagination_class=KeysetPagination,
        filter_backends=[DjangoFilterBackend],  # the list's filters; the order is the cursor's
    )
    def cursor(self, request):
        """The list for integrations walking all of it: the same filters, pages in id order behind
        an opaque cursor, no count and no deep OFFSET (each page costs the same)."""
        if "ordering" in request.query_params or "page" in request.query_params:
            raise ValidationError({"ordering": ["This list walks in id order by cursor: no ordering or page."]})
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": FileUploadSerializer},
        responses={201: PublicationSerializer, 413: OpenApiResponse(description="The file is too large.")},
    )
    @action(detail=True, methods=["post"], parser_classes=[UploadParser])
    def files(self, request, pk=None):
        """Add a file (staff, and the faculty of a linked task)."""
        publication = self.get_object()
        if not access.can_upload(request.user, publication):
            raise PermissionDenied("Files are added by staff and the faculty of a linked task.")
        serializer = FileUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = check_upload(serializer.validated_data["file"], kinds=FILE_KINDS)
        services.publication_file_add(publication=publication, upload=upload, uploaded_by=request.user)
        return self.read_response(publication, status_code=201)

    @extend_schema(request=None, responses={204: OpenApiResponse(description="Removed.")})
    @action(detail=True, methods=["delete"], url_path=r"files/(?P<file_id>\d{1,18})")
    def remove_file(self, request, pk=None, file_id=None):
        publication = self.get_object()
        file = get_object_or_404(publication.files.all(), pk=file_id)
        if not access.can_upload(request.user, publication):
            raise PermissionDenied("Files are removed by staff and the faculty of a linked task.")
        services.publication_file_delete(file=file)
        return Response(status=204)

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(description="The file (an attachment).")}
    )
    @action(
        detail=True, methods=["get"], url_path=r"files/(?P<file_id>\d{1,18})/download", permission_classes=[AllowAny]
    )
    def download(self, request, pk=None, file_id=None):
        """The file, for whoever may see the publication; every download is recorded."""
        publication = self.get_object()
        file = get_object_or_404(publication.files.all(), pk=file_id)
        return deliver(
            file.file, filename=file.original_name, content_type=file.content_type, target=file, size=file.size
        )
