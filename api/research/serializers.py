from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.accounts.models import Organisation, User
from api.accounts.serializers import OrganisationBriefSerializer, PersonBriefSerializer
from api.research.models import Deliverable, DeliverableExtension, Program, ProgressReport, ResearchTask
from api.research.selectors import attach_teams, summary_of


class ProgramSerializer(serializers.ModelSerializer):
    class Meta:
        model = Program
        fields = ["id", "name", "code", "description", "active", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class ProgramBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Program
        fields = ["id", "code", "name"]
        read_only_fields = fields


class DeliverableSummarySerializer(serializers.Serializer):
    total = serializers.IntegerField()
    accepted = serializers.IntegerField()
    on_time = serializers.IntegerField(help_text="Submitted (or accepted) before the deadline.")
    late = serializers.IntegerField(help_text="Submitted after the deadline, or overdue.")
    overdue = serializers.IntegerField(help_text="Past the deadline and not submitted.")
    due_next_30_days = serializers.IntegerField()
    skipped = serializers.IntegerField()


class TaskListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        tasks = list(data.all() if hasattr(data, "all") else data)
        attach_teams(tasks)  # one query for the whole page's teams
        return super().to_representation(tasks)


# Reads tasks from api.research.selectors.task_list (summary annotations, attached teams and
# sponsors) and builds the nested parts as plain dicts: a nested serializer per row and
# relation cost most of a page's time.
class TaskSerializer(serializers.ModelSerializer):
    """A task as the caller may see it: `access` says whether the full fields are filled in."""

    program = ProgramBriefSerializer(read_only=True)
    university = OrganisationBriefSerializer(read_only=True)
    principal_investigators = serializers.SerializerMethodField()
    access = serializers.SerializerMethodField()
    students = serializers.SerializerMethodField()
    liaisons = serializers.SerializerMethodField()
    sponsors = serializers.SerializerMethodField()
    deliverable_summary = serializers.SerializerMethodField()

    class Meta:
        model = ResearchTask
        list_serializer_class = TaskListSerializer
        fields = [
            "id", "number", "title", "abstract", "program", "university", "principal_investigators",
            "start", "end", "status", "confidential", "access",
            "students", "liaisons", "sponsors", "deliverable_summary",
        ]  # fmt: skip
        read_only_fields = fields

    def to_representation(self, task):
        attach_teams([task])  # nothing to do when the list serializer attached the page's teams
        return super().to_representation(task)

    def _full(self, task) -> bool:
        return bool(getattr(task, "full_access", False))

    @extend_schema_field(serializers.ChoiceField(choices=["summary", "full"]))
    def get_access(self, task) -> str:
        return "full" if self._full(task) else "summary"

    @extend_schema_field(PersonBriefSerializer(many=True))
    def get_principal_investigators(self, task):
        return task.team["principal_investigators"]

    @extend_schema_field(PersonBriefSerializer(many=True, allow_null=True))
    def get_students(self, task):
        return task.team["students"] if self._full(task) else None

    @extend_schema_field(PersonBriefSerializer(many=True, allow_null=True))
    def get_liaisons(self, task):
        return task.team["liaisons"] if self._full(task) else None

    @extend_schema_field(OrganisationBriefSerializer(many=True, allow_null=True))
    def get_sponsors(self, task):
        return task.team["sponsors"] if self._full(task) else None

    @extend_schema_field(DeliverableSummarySerializer(allow_null=True))
    def get_deliverable_summary(self, task):
        return summary_of(task) if self._full(task) else None


class TaskWriteSerializer(serializers.ModelSerializer):
    program = serializers.PrimaryKeyRelatedField(queryset=Program.objects.all())
    university = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.filter(kind="university"))
    principal_investigators = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=User.Role.FACULTY), many=True, required=False
    )
    students = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=User.Role.STUDENT), many=True, required=False
    )
    liaisons = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=User.Role.MEMBER), many=True, required=False
    )
    sponsors = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(kind="member"), many=True, required=False
    )

    class Meta:
        model = ResearchTask
        fields = [
            "number", "title", "abstract", "program", "university", "principal_investigators", "students",
            "liaisons", "sponsors", "start", "end", "status", "confidential",
        ]  # fmt: skip
        extra_kwargs = {"number": {"validators": []}}  # uniqueness is the model's (full_clean)

    def validate(self, attrs):
        start = attrs.get("start", getattr(self.instance, "start", None))
        end = attrs.get("end", getattr(self.instance, "end", None))
        if start and end and end < start:
            raise serializers.ValidationError({"end": ["The end comes before the start."]})
        return attrs


class ExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliverableExtension
        fields = ["previous_due_on", "new_due_on", "reason", "extended_at"]
        read_only_fields = fields


class ReportSerializer(serializers.ModelSerializer):
    submitted_by = PersonBriefSerializer(read_only=True, allow_null=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ProgressReport
        fields = [
            "id", "version", "original_name", "content_type", "size", "sha256", "summary",
            "submitted_by", "submitted_at", "download_url",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, report) -> str | None:
        if not self.context.get("file_access"):
            return None
        return f"/api/v1/deliverables/{report.deliverable_id}/reports/{report.id}/download/"


class TaskBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResearchTask
        fields = ["id", "number", "title"]
        read_only_fields = fields


class DeliverableSerializer(serializers.ModelSerializer):
    task = TaskBriefSerializer(read_only=True)
    late = serializers.BooleanField(source="is_late", read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    extensions = ExtensionSerializer(many=True, read_only=True)
    reports = serializers.SerializerMethodField()
    can_download = serializers.SerializerMethodField()
    can_submit = serializers.SerializerMethodField()

    class Meta:
        model = Deliverable
        fields = [
            "id", "task", "title", "kind", "original_due_on", "due_on", "status", "late", "overdue",
            "submitted_at", "submitted_late", "accepted_at", "status_reason", "extensions", "reports",
            "can_download", "can_submit",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(ReportSerializer(many=True))
    def get_reports(self, deliverable):
        context = {**self.context, "file_access": self.get_can_download(deliverable)}
        return ReportSerializer(deliverable.reports.all(), many=True, context=context).data

    def get_can_download(self, deliverable) -> bool:
        return bool(getattr(deliverable, "file_access", False))

    def get_can_submit(self, deliverable) -> bool:
        request = self.context.get("request")
        staff = bool(request and request.user.is_authenticated and request.user.is_staff)
        open_ = deliverable.status not in {Deliverable.Status.ACCEPTED, Deliverable.Status.SKIPPED}
        return open_ and (staff or bool(getattr(deliverable, "leads_task", False)))


class DeliverableWriteSerializer(serializers.ModelSerializer):
    task = serializers.PrimaryKeyRelatedField(queryset=ResearchTask.objects.all())
    due_on = serializers.DateField(help_text="Set at creation; later changes go through /extend/.")

    class Meta:
        model = Deliverable
        fields = ["task", "title", "kind", "due_on"]


class DeliverableUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Deliverable
        fields = ["title", "kind"]


class ReportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A PDF, checked by its content.")
    summary = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ExtendSerializer(serializers.Serializer):
    due_on = serializers.DateField()
    reason = serializers.CharField(max_length=2000)
