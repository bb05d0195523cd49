"""Citations over HTTP: one publication, or the whole filtered list, as BibTeX, RIS or CSL-JSON.

Both read through selectors.publication_list(viewer=...), so a publication the caller may not see
is a 404 here and absent from exports. `?format=` names the citation format: DRF would read it as
its own renderer override (URL_FORMAT_OVERRIDE) and answer 404 to `?format=bibtex`, so these views
negotiate with CitationFormatNegotiation instead, which leaves the parameter alone.
"""

from django.conf import settings
from django.http import HttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer

from api.core.files.delivery import content_disposition
from api.core.schema import WaferAutoSchema
from api.publications import citations, selectors
from api.publications.filters import PublicationFilter
from api.publications.models import Publication
from api.publications.views.publications import PublicationViewSet

DEFAULT_EXPORT_MAX = 5000
EXPORT_FILE_STEM = "wafer-publications"


def export_max() -> int:
    return getattr(settings, "CITATION_EXPORT_MAX", DEFAULT_EXPORT_MAX)


class CitationFormatNegotiation(BaseContentNegotiation):
    """Ignores `?format=` (it is the citation format here) and the Accept header: a citation carries
    its own content type, and errors are the JSON envelope."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ListParametersSchema(WaferAutoSchema):
    """Document the filter and ordering parameters although the response is a file, not a list."""

    def get_filter_backends(self):
        return getattr(self.view, "filter_backends", [])


FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=True,
    enum=list(citations.FORMATS),
    description="The citation format: BibTeX, RIS or CSL-JSON (an array of CSL items).",
)


def _responses(description: str) -> dict:
    text = OpenApiResponse(OpenApiTypes.STR, description=description)
    csl = OpenApiResponse(
        {"type": "array", "items": {"type": "object", "additionalProperties": True}},
        description=description + " CSL-JSON: https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html",
    )
    return {
        (200, "application/x-bibtex"): text,
        (200, "application/x-research-info-systems"): text,
        (200, "application/vnd.citationstyles.csl+json"): csl,
    }


class CitationView(GenericAPIView):
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = CitationFormatNegotiation
    pagination_class = None
    queryset = Publication.objects.none()

    def get_queryset(self):
        return selectors.publication_list(viewer=self.request.user)

    def requested_format(self) -> citations.Format:
        given = self.request.query_params.getlist("format")
        if len(given) != 1 or given[0] not in citations.FORMATS:
            raise ValidationError({"format": [f"Give one of: {', '.join(citations.FORMATS)}."]})
        return citations.FORMATS[given[0]]

    def citation_response(self, text: str, citation_format: citations.Format, stem: str) -> HttpResponse:
        response = HttpResponse(text, content_type=citation_format.content_type)
        response["Content-Disposition"] = content_disposition(f"{stem}.{citation_format.extension}")
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private"  # what it holds depends on who asks
        return response


class PublicationCitationView(CitationView):
    """One publication's citation, as an attachment named by its citation key."""

    filter_backends = []

    def get_queryset(self):
        return citations.with_authors(super().get_queryset())

    @extend_schema(
        operation_id="publications_citation",
        parameters=[FORMAT_PARAMETER],
        responses=_responses("The publication's citation (an attachment named by its citation key)."),
    )
    def get(self, request, pk):
        citation_format = self.requested_format()
        publication = self.get_object()
        key = citations.citation_keys([publication])[0]
        return self.citation_response(citations.render(citation_format.name, [publication]), citation_format, key)


class PublicationExportView(CitationView):
    """Every publication the caller sees that matches the filters, in one file (not paginated)."""

    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = PublicationFilter
    ordering_fields = PublicationViewSet.ordering_fields
    schema = ListParametersSchema()

    @extend_schema(
        operation_id="publications_export",
        parameters=[FORMAT_PARAMETER],
        responses=_responses(
            f"The citations of every matching publication (at most CITATION_EXPORT_MAX, {DEFAULT_EXPORT_MAX} "
            "by default; more is a 400 asking to narrow the filters)."
        ),
    )
    def get(self, request):
        citation_format = self.requested_format()
        limit = export_max()
        ids = list(citations.export_ids(self.filter_queryset(self.get_queryset()), limit))
        if len(ids) > limit:
            raise ValidationError(
                f"More than {limit} publications match; narrow the filters (year_from, kind, task, q...)."
            )
        text = citations.render(citation_format.name, citations.read_in_chunks(ids))
        return self.citation_response(text, citation_format, EXPORT_FILE_STEM)
