"""POST /api/v1/publications/import/: staff import publications from a BibTeX or CSV file."""

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.core.errors import envelope
from api.core.files.parsers import UploadParser
from api.core.files.uploads import PayloadTooLarge
from api.core.permissions import IsStaff
from api.publications.importing import FORMATS, check_encoding, detect_format, import_publications, plural_problems


class PublicationImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A BibTeX (.bib) or CSV (.csv) file.")
    format = serializers.ChoiceField(choices=FORMATS, required=False, help_text="Defaults to the file's extension.")
    encoding = serializers.CharField(
        default="utf-8", max_length=40, help_text="UTF-8 (with or without a BOM) by default."
    )
    dry_run = serializers.BooleanField(default=False, help_text="Validate and report; write nothing.")

    def validate_encoding(self, value):
        try:
            check_encoding(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc
        return value

    def validate(self, attrs):
        if not attrs.get("format"):
            attrs["format"] = detect_format(attrs["file"].name)
            if attrs["format"] is None:
                raise serializers.ValidationError({"format": ["Cannot tell from the file's name: give bibtex or csv."]})
        return attrs


class PublicationImportProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField(allow_null=True, help_text="The file's line (CSV header = 1; BibTeX: the @entry).")
    field = serializers.CharField(help_text="The field, or non_field_errors for the row or file as a whole.")
    message = serializers.CharField()


class PublicationImportSummarySerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    skipped = serializers.IntegerField(help_text="Matched a stored publication with nothing different.")
    rejected = PublicationImportProblemSerializer(many=True)
    dry_run = serializers.BooleanField()


IMPORT_REJECTED = inline_serializer(
    name="PublicationImportRejected",
    fields={
        "status": serializers.IntegerField(),
        "code": serializers.CharField(),
        "detail": serializers.CharField(),
        "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False),
        "import": PublicationImportSummarySerializer(required=False, help_text="Only when rows were rejected."),
    },
)


class PublicationImportView(APIView):
    """Import publications (all or nothing): each row is created, updated or skipped when unchanged.

    A row matches a stored publication on its DOI, else on its title and year (ignoring case and
    spacing). If any row is rejected nothing is written and the answer is 400 with the summary
    under `import`; with `dry_run` the answer is always 200 and nothing is written."""

    permission_classes = [IsStaff]
    parser_classes = [UploadParser]

    @extend_schema(
        tags=["publications"],
        request={"multipart/form-data": PublicationImportSerializer},
        responses={
            200: PublicationImportSummarySerializer,
            400: OpenApiResponse(IMPORT_REJECTED, description="Invalid request, or rows rejected: nothing written."),
        },
    )
    def post(self, request):
        upload = request.data.get("file")
        if upload is not None and getattr(upload, "size", 0) > settings.UPLOAD_MAX_BYTES:
            raise PayloadTooLarge(
                f"file: the file is {upload.size} bytes; the limit is {settings.UPLOAD_MAX_BYTES} bytes."
            )
        serializer = PublicationImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = import_publications(
            data["file"].read(), format=data["format"], encoding=data["encoding"], dry_run=data["dry_run"]
        )
        summary = result.as_dict()
        if result.rejected and not data["dry_run"]:
            detail = f"file: {plural_problems(len(result.rejected))}, nothing was written; {result.rejected[0]}"
            fields = {"file": [str(problem) for problem in result.rejected]}
            return Response(envelope(400, "invalid", detail, fields, **{"import": summary}), status=400)
        return Response(summary)
