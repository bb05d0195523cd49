import datetime
import re

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.accounts.models import Organisation, User
from api.accounts.serializers import OrganisationBriefSerializer, PersonBriefSerializer
from api.careers.models import ConsentRecord, CurriculumVitae, Degree, ProfileView, StudentProfile
from api.research.serializers import TaskBriefSerializer

# ASCII digits and no trailing newline (`$` would allow one), as the contract's pattern means it.
MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "example": "2027-06"})
class MonthField(serializers.Field):
    """A month as YYYY-MM (stored as its first day)."""

    default_error_messages = {"invalid": "Give a month as YYYY-MM, e.g. 2027-06."}

    def to_representation(self, value):
        return f"{value:%Y-%m}"

    def to_internal_value(self, data):
        match = MONTH.fullmatch(data) if isinstance(data, str) else None
        if not match or not 1900 <= int(match.group(1)) <= 2200:
            self.fail("invalid")
        return datetime.date(int(match.group(1)), int(match.group(2)), 1)


class CvSerializer(serializers.ModelSerializer):
    class Meta:
        model = CurriculumVitae
        fields = ["original_name", "content_type", "size", "sha256", "uploaded_at"]
        read_only_fields = fields


def _cv_or_none(profile):
    try:
        return profile.cv
    except CurriculumVitae.DoesNotExist:
        return None


class ProfileSerializer(serializers.ModelSerializer):
    """A profile as a recruiter or staff sees it: contact, studies, skills, tasks, the CV's link."""

    student = PersonBriefSerializer(source="user", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    university = OrganisationBriefSerializer(source="user.organisation", read_only=True)
    expected_graduation = MonthField(read_only=True)
    skills = serializers.SerializerMethodField()
    tasks = TaskBriefSerializer(source="user.student_tasks", many=True, read_only=True)
    cv = serializers.SerializerMethodField()
    cv_url = serializers.SerializerMethodField()

    class Meta:
        model = StudentProfile
        fields = ["id", "student", "email", "university", "degree", "field", "expected_graduation",
                  "research_interests", "summary", "skills", "links", "tasks", "cv", "cv_url", "visible_until",
                  "updated_at"]  # fmt: skip
        read_only_fields = fields

    def get_skills(self, profile) -> list[str]:
        return [skill.name for skill in profile.skills.all()]

    @extend_schema_field(CvSerializer(allow_null=True))
    def get_cv(self, profile):
        cv = _cv_or_none(profile)
        return CvSerializer(cv).data if cv is not None else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_cv_url(self, profile) -> str | None:
        return f"/api/v1/careers/profiles/{profile.pk}/cv/" if _cv_or_none(profile) is not None else None


class ConsentSerializer(serializers.Serializer):
    """The student's sharing choice. Write: `companies` are ids of active member companies."""

    sharing = serializers.BooleanField()
    share_with_all = serializers.BooleanField(default=False)
    companies = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Organisation.objects.filter(kind=Organisation.Kind.MEMBER, active=True)
    )
    changed_at = serializers.DateTimeField(source="consent_changed_at", read_only=True, allow_null=True)

    def to_representation(self, profile):
        return {
            "sharing": profile.sharing,
            "share_with_all": profile.share_with_all,
            "companies": [company.pk for company in sorted(profile.companies.all(), key=lambda c: c.pk)],
            "changed_at": serializers.DateTimeField().to_representation(profile.consent_changed_at)
            if profile.consent_changed_at
            else None,
        }


class MyProfileSerializer(ProfileSerializer):
    """The student's own profile: the above, plus consent and visibility."""

    consent = serializers.SerializerMethodField()
    expired = serializers.BooleanField(read_only=True)
    cv_url = serializers.SerializerMethodField()

    class Meta(ProfileSerializer.Meta):
        fields = [*ProfileSerializer.Meta.fields, "consent", "renewed_until", "expired", "created_at"]
        read_only_fields = fields

    @extend_schema_field(ConsentSerializer)
    def get_consent(self, profile):
        return ConsentSerializer(profile).data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_cv_url(self, profile) -> str | None:
        return "/api/v1/careers/me/cv/" if _cv_or_none(profile) is not None else None


class ProfileWriteSerializer(serializers.ModelSerializer):
    expected_graduation = MonthField()
    degree = serializers.ChoiceField(choices=Degree.choices)
    skills = serializers.ListField(
        child=serializers.CharField(max_length=60, allow_blank=False), max_length=30, required=False, default=list
    )
    links = serializers.ListField(
        child=serializers.URLField(max_length=300), max_length=5, required=False, default=list
    )

    class Meta:
        model = StudentProfile
        fields = ["degree", "field", "expected_graduation", "research_interests", "summary", "skills", "links"]


class ConsentRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsentRecord
        fields = ["at", "action", "share_with_all", "companies", "visible_until"]
        read_only_fields = fields


class ProfileViewSerializer(serializers.ModelSerializer):
    """What a student sees of who looked: the company and when (not the person)."""

    company = serializers.SerializerMethodField()

    class Meta:
        model = ProfileView
        fields = ["id", "at", "kind", "company"]
        read_only_fields = fields

    def get_company(self, view) -> str:
        return view.organisation_name or "Consortium staff"


class RecruiterSerializer(serializers.ModelSerializer):
    """A recruiter of a member company, for their company admin or staff."""

    full_name = serializers.CharField(read_only=True)
    company = OrganisationBriefSerializer(source="organisation", read_only=True)

    class Meta:
        model = User
        fields = ["id", "given_name", "family_name", "full_name", "email", "title", "company", "is_active"]
        read_only_fields = fields


class RecruiterWriteSerializer(serializers.Serializer):
    person = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="The member-company person's id.")
