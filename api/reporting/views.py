"""Report endpoints: GET /api/v1/reports/ and /reports/<name>/, each as JSON or as CSV.

- Who: consortium staff see everything; the people of an active member company see their own
  company's figures and consortium-wide totals (api.reporting.selectors explains each report).
  Anonymous callers get a 401; faculty, students and people of an inactive member company a 403
  (reports are for staff and member companies, product.md). A member naming another company in
  `company` gets a 403.
- Parameters are strict: an unknown parameter, a malformed value or `from` after `to` is a 400
  naming the parameter (like api.core.filters).
- CSV: `?format=csv` (DRF's format override; `Accept: text/csv` works too) answers the same rows
  as a text/csv attachment with one header row; cells that a spreadsheet would run as a formula are
  prefixed with an apostrophe (api.core.csv). Errors stay the JSON envelope whatever the format.
- Speed: each report's body (before rendering, so JSON and CSV share it) is cached in the default
  cache (memcached in production) for REPORT_CACHE_SECONDS (60 by default; 0 turns it off), keyed by
  report, scope (staff, the member company, or — for publications and deliverables, which count
  what the person may see — the person) and the parameters as applied. Figures may therefore lag
  by up to that long; nothing invalidates them earlier. Usage reads monthly roll-ups
  (api.reporting.models) for complete months.
"""

import csv
import hashlib
import io
import json

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import BasePermission
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from api.accounts.access import is_staff, member_company
from api.core.csv import csv_cell
from api.core.files.delivery import content_disposition
from api.core.permissions import is_signed_in
from api.core.query_params import validated_query
from api.core.replica import replica_reads
from api.reporting import serializers as s
from api.reporting.selectors import REPORTS, Scope, columns

CACHE_VERSION = 1  # bump when a report's body changes shape, so no old body is served
PERSONAL_REPORTS = {"publications", "deliverables"}  # counted over what the person may see


class CanSeeReports(BasePermission):
    message = "Reports are for consortium staff and the people of active member companies."

    def has_permission(self, request, view):
        user = request.user
        return is_signed_in(user) and (is_staff(user) or member_company(user) is not None)


class ReportCSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        view = renderer_context["view"]
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(view.csv_columns)
        for row in data["rows"]:
            writer.writerow([csv_cell(row.get(name)) for name in view.csv_columns])
        return out.getvalue().encode(self.charset)


class StrictFormatNegotiation(DefaultContentNegotiation):
    """`?format=` naming no renderer is a 400 naming the parameter (DRF answers 404)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Http404 as exc:
            formats = ", ".join(renderer.format for renderer in renderers)
            raise ValidationError({"format": [f"Choose one of {formats}."]}) from exc


def scope_of(user) -> Scope:
    return Scope(user=user, company=None if is_staff(user) else member_company(user))


class ReportBaseView(APIView):
    permission_classes = [CanSeeReports]
    renderer_classes = [JSONRenderer, ReportCSVRenderer]
    content_negotiation_class = StrictFormatNegotiation

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response.accepted_renderer, ReportCSVRenderer):
            if response.status_code >= 400 or not hasattr(self, "csv_columns"):
                # Errors keep the one envelope (api.core.errors), also when CSV was asked for; and what
                # is not a report (OPTIONS answers the view's metadata) has no CSV rows: JSON.
                response.accepted_renderer = JSONRenderer()
                response.accepted_media_type = JSONRenderer.media_type
            else:
                response["Content-Disposition"] = content_disposition(f"wafer-{self.report}-report.csv")
        return response


class ReportView(ReportBaseView):
    report = ""
    query_serializer_class = s.ReportQuery
    body_serializer_class = None

    def _filters(self, request) -> dict:
        # `?program=` most likely means a client bug; ignoring it would widen the figures.
        query = validated_query(self.query_serializer_class, request, also=("format",))
        return dict.fromkeys(query.fields) | query.validated_data

    def _cache_key(self, scope: Scope, echo: dict) -> str:
        if scope.company is None:
            who = "staff"
        elif self.report in PERSONAL_REPORTS:
            who = f"person:{scope.user.pk}"
        else:
            who = f"company:{scope.company.pk}"
        digest = hashlib.sha256(json.dumps(echo, sort_keys=True, default=str).encode()).hexdigest()[:32]
        return f"wafer:report:v{CACHE_VERSION}:{self.report}:{who}:{digest}"

    @replica_reads()  # figures may lag (REPORT_CACHE_SECONDS): the read replica, when there is one
    def get(self, request):
        scope = scope_of(request.user)
        filters = self._filters(request)
        if scope.company is not None and filters.get("company") not in (None, scope.company.pk):
            raise PermissionDenied("You see only your own company's figures.")
        echo = dict(self.body_serializer_class().fields["filters"].to_representation(filters))
        key = self._cache_key(scope, echo)
        data = cache.get(key)
        if data is None:
            # A member's own company is their scope already; dropping it keeps it out of the consortium totals.
            selector_filters = filters | {"company": None} if scope.company is not None else filters
            body = {"filters": filters, **REPORTS[self.report](scope=scope, filters=selector_filters)}
            data = dict(self.body_serializer_class(body | {"generated_at": timezone.now()}).data)
            if settings.REPORT_CACHE_SECONDS > 0:
                cache.set(key, data, settings.REPORT_CACHE_SECONDS)
        self.csv_columns = columns(self.report, filters.get("group_by") or "program")
        return Response(data)


CSV_RESPONSE = OpenApiResponse(
    response=OpenApiTypes.STR,
    description="With `format=csv`: the same rows as a CSV attachment, one header row (the row fields).",
)


def _documented(view_class, summary: str):
    decorator = extend_schema(
        tags=["reports"],
        summary=summary,
        parameters=[view_class.query_serializer_class],
        responses={
            (200, "application/json"): view_class.body_serializer_class,
            (200, "text/csv"): CSV_RESPONSE,
        },
    )

    def get(self, request):
        return ReportView.get(self, request)

    # A function of its own per view: extend_schema annotates the function, which subclasses would share.
    view_class.get = decorator(get)
    return view_class


class PublicationsReportView(ReportView):
    """Publications per year, program (of a linked task) and kind, over the publications the caller may see."""

    report = "publications"
    query_serializer_class = s.PublicationsQuery
    body_serializer_class = s.PublicationsReportSerializer


class DeliverablesReportView(ReportView):
    """Deliverables due in the period per program or task: accepted on time, late, overdue, due in the next 30
    days; over the tasks the caller sees in full."""

    report = "deliverables"
    query_serializer_class = s.DeliverablesQuery
    body_serializer_class = s.DeliverablesReportSerializer


class UsageReportView(ReportView):
    """Publication downloads and detail views by month, company and/or publication (whole months). A member
    company sees its own usage and consortium-wide totals."""

    report = "usage"
    query_serializer_class = s.UsageQuery
    body_serializer_class = s.UsageReportSerializer


class EventsReportView(ReportView):
    """Registrations, attendance (checked in) and no-shows per event or member company. A member company sees
    its own people's registrations and consortium-wide totals."""

    report = "events"
    query_serializer_class = s.EventsQuery
    body_serializer_class = s.EventsReportSerializer


class CareersReportView(ReportView):
    """Consented student profiles per degree and graduation year, or profile/CV/resume-book views per company.
    A member company counts the profiles shared with it and its own views, plus consortium-wide view totals."""

    report = "careers"
    query_serializer_class = s.CareersQuery
    body_serializer_class = s.CareersReportSerializer


REPORT_VIEWS = {
    "publications": (_documented(PublicationsReportView, "Publications per year, program and kind"), ["program"]),
    "deliverables": (_documented(DeliverablesReportView, "Deliverables on time and late"), ["program", "task"]),
    "usage": (_documented(UsageReportView, "Publication downloads and views"), ["month", "company", "publication"]),
    "events": (_documented(EventsReportView, "Event registrations and attendance"), ["event", "company"]),
    "careers": (_documented(CareersReportView, "Student profiles and CV views"), ["graduation", "company"]),
}


class ReportIndexView(ReportBaseView):
    """The reports on offer, with their addresses."""

    report = "index"
    renderer_classes = [JSONRenderer]

    @extend_schema(tags=["reports"], summary="The reports", responses=s.ReportLinkSerializer(many=True))
    def get(self, request):
        links = [
            {
                "name": name,
                "url": reverse(f"reports-{name}", request=request),
                "description": " ".join((view_class.__doc__ or "").split()),
                "group_by": group_by,
            }
            for name, (view_class, group_by) in REPORT_VIEWS.items()
        ]
        return Response(s.ReportLinkSerializer(links, many=True).data)
