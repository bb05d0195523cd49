"""Resume books as the API shows them, and their filters (those of the profile search)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.accounts.serializers import OrganisationBriefSerializer, PersonBriefSerializer
from api.careers import resume_books
from api.careers.filters import MAX_FILTER_SKILLS
from api.careers.models import Degree, ResumeBook
from api.core.filters import MAX_ID

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


class ResumeBookFiltersSerializer(serializers.Serializer):
    """The profile search's filters (careers/profiles/), as a JSON object; all optional.

    Documents the body: the service validates it with the search's own filterset, so a book holds
    exactly what the search shows. Only the filters given are stored and shown.
    """

    degree = serializers.ListField(
        child=serializers.ChoiceField(choices=Degree.choices), required=False, help_text="Any of these degrees."
    )
    graduation_from = serializers.RegexField(
        MONTH_PATTERN, required=False, help_text="Graduating in or after this month (YYYY-MM)."
    )
    graduation_to = serializers.RegexField(
        MONTH_PATTERN, required=False, help_text="Graduating in or before this month (YYYY-MM)."
    )
    skills_any = serializers.CharField(
        required=False, help_text=f"Has any of these skills (comma-separated, at most {MAX_FILTER_SKILLS})."
    )
    skills_all = serializers.CharField(
        required=False, help_text=f"Has all of these skills (comma-separated, at most {MAX_FILTER_SKILLS})."
    )
    university = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="At this university (organisation id)."
    )
    field = serializers.CharField(required=False, help_text="Field of study contains.")
    q = serializers.CharField(required=False, help_text="Words in name, field, summary, interests or skills.")


class ResumeBookSerializer(serializers.ModelSerializer):
    """A book's state; `progress` in percent while it is built, `download_url` once it is ready for the caller."""

    filters = ResumeBookFiltersSerializer(read_only=True)
    company = OrganisationBriefSerializer(read_only=True, allow_null=True)
    requested_by = PersonBriefSerializer(read_only=True, allow_null=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ResumeBook
        fields = ["id", "status", "progress", "total", "included", "filters", "error", "company", "requested_by",
                  "created_at", "started_at", "finished_at", "expires_at", "size", "download_url"]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, book) -> str | None:
        request = self.context.get("request")
        if request is None or book.status != ResumeBook.Status.READY or resume_books.is_expired(book, timezone.now()):
            return None
        if not resume_books.may_download(request.user, book):
            return None
        return f"/api/v1/careers/resume-books/{book.pk}/download/"
