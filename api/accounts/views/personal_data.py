"""The right of access: everything Wafer holds about the caller, as one JSON file."""

import json

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.views import APIView

from api.core import personal_data
from api.core.audit.services import audit_record
from api.core.files.delivery import content_disposition


class PersonalDataExportView(APIView):
    """Every signed-in person, whatever their role: it is their data. A read token may call it."""

    @extend_schema(
        responses={
            (200, "application/json"): OpenApiResponse(
                response=OpenApiTypes.OBJECT,
                description="A JSON attachment: `generated_at`, `person`, then one section per domain "
                "(tokens without their secrets, audit events, downloads, research tasks, reports, feedback, "
                "publications, event registrations, the career profile and its view log). Logs hold the newest "
                "5,000 rows with a note when there were more.",
            )
        },
        tags=["auth"],
    )
    def get(self, request):
        """Download everything Wafer holds about you (data rights)."""
        now = timezone.now()
        sections = personal_data.export(request.user)
        data = {"generated_at": now, "person": sections.pop("person"), **sections}
        # Recorded once the export is built, so the trail shows only exports that were delivered.
        audit_record(action="export_personal_data", target=request.user)
        response = HttpResponse(
            json.dumps(data, cls=JSONEncoder, indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        filename = f"wafer-personal-data-{timezone.localdate(now):%Y-%m-%d}.json"
        response["Content-Disposition"] = content_disposition(filename)
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
