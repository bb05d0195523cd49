from rest_framework import serializers

from api.accounts.serializers import OrganisationBriefSerializer, PersonBriefSerializer
from api.feedback.models import Feedback, FeedbackReply
from api.research import access
from api.research.models import Deliverable, ProgressReport, ResearchTask
from api.research.serializers import TaskBriefSerializer


class DeliverableBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Deliverable
        fields = ["id", "title"]
        read_only_fields = fields


class ReportBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressReport
        fields = ["id", "version"]
        read_only_fields = fields


class ReplySerializer(serializers.ModelSerializer):
    author = PersonBriefSerializer(read_only=True)

    class Meta:
        model = FeedbackReply
        fields = ["id", "author", "text", "created_at"]
        read_only_fields = fields


class FeedbackSerializer(serializers.ModelSerializer):
    """Feedback as the caller sees it. `hidden_reason` and `hidden_at` are filled in only while hidden
    (hidden rows reach staff and their author only); `can_edit` and `can_reply` say what the caller
    may do next."""

    task = TaskBriefSerializer(read_only=True)
    deliverable = DeliverableBriefSerializer(read_only=True, allow_null=True)
    report = ReportBriefSerializer(read_only=True, allow_null=True)
    author = PersonBriefSerializer(read_only=True)
    organisation = OrganisationBriefSerializer(read_only=True)
    replies = ReplySerializer(many=True, read_only=True)
    can_edit = serializers.SerializerMethodField()
    can_reply = serializers.SerializerMethodField()

    class Meta:
        model = Feedback
        fields = [
            "id", "task", "deliverable", "report", "author", "organisation", "relevance", "quality", "progress",
            "comment", "hidden", "hidden_reason", "hidden_at", "replied_at", "replies", "created_at", "updated_at",
            "can_edit", "can_reply",
        ]  # fmt: skip
        read_only_fields = fields

    def _viewer(self):
        request = self.context.get("request")
        return request.user if request is not None else None

    def get_can_edit(self, feedback) -> bool:
        viewer = self._viewer()
        own = viewer is not None and feedback.author_id == viewer.pk
        return own and feedback.replied_at is None and not feedback.hidden

    def get_can_reply(self, feedback) -> bool:
        return bool(getattr(feedback, "leads_task", False)) and not feedback.hidden


class _VisibleInFull(serializers.PrimaryKeyRelatedField):
    """A target the caller sees in full; anything else reads as not existing (no leak)."""

    def __init__(self, target_model, **kwargs):
        self.target_model = target_model
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        user = request.user if request is not None else None
        condition = access.full(user)
        model = self.target_model
        if model is ResearchTask:
            return ResearchTask.objects.filter(condition)
        tasks = ResearchTask.objects.filter(condition).values("pk")
        if model is Deliverable:
            return Deliverable.objects.filter(task__in=tasks).select_related("task")
        return ProgressReport.objects.filter(deliverable__task__in=tasks).select_related("deliverable__task")


class FeedbackCreateSerializer(serializers.ModelSerializer):
    """Name one target: a task, a deliverable or a progress report. Parents may be given too; they
    must then be the target's own (a report of another deliverable is a 400)."""

    author = serializers.HiddenField(default=serializers.CurrentUserDefault())
    task = _VisibleInFull(ResearchTask, required=False, allow_null=True)
    deliverable = _VisibleInFull(Deliverable, required=False, allow_null=True)
    report = _VisibleInFull(ProgressReport, required=False, allow_null=True)
    comment = serializers.CharField(max_length=10000)

    class Meta:
        model = Feedback
        fields = ["author", "task", "deliverable", "report", "relevance", "quality", "progress", "comment"]

    def validate(self, attrs):
        if not any(attrs.get(name) for name in ("task", "deliverable", "report")):
            raise serializers.ValidationError("Name a task, a deliverable or a progress report.")
        return attrs


class FeedbackUpdateSerializer(serializers.ModelSerializer):
    comment = serializers.CharField(max_length=10000)

    class Meta:
        model = Feedback
        fields = ["relevance", "quality", "progress", "comment"]


class ReplyWriteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=10000)


class HideSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class SummaryQuerySerializer(serializers.Serializer):
    task = serializers.IntegerField(required=False, min_value=1, help_text="A task's id.")
    deliverable = serializers.IntegerField(required=False, min_value=1, help_text="A deliverable's id.")

    def validate(self, attrs):
        if ("task" in attrs) == ("deliverable" in attrs):
            raise serializers.ValidationError("Give either task or deliverable.")
        return attrs


class ScoresSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    relevance = serializers.FloatField(
        allow_null=True, help_text="The average, to two decimals; null with no feedback."
    )
    quality = serializers.FloatField(allow_null=True)
    progress = serializers.FloatField(allow_null=True)


class DeliverableScoresSerializer(ScoresSerializer):
    deliverable = DeliverableBriefSerializer()


class FeedbackSummarySerializer(serializers.Serializer):
    task = TaskBriefSerializer()
    deliverable = DeliverableBriefSerializer(allow_null=True)
    totals = ScoresSerializer(help_text="All feedback in scope: the whole task, or the one deliverable.")
    task_level = ScoresSerializer(allow_null=True, help_text="Feedback on the task itself (task scope only).")
    deliverables = DeliverableScoresSerializer(many=True)
