"""Member feedback on research tasks, deliverables and progress reports, and the PIs' replies.

A feedback row always names its task; `deliverable` and `report` narrow the target (a report
implies its deliverable, a deliverable its task; the services keep them consistent). The
author's organisation is recorded as it was when the feedback was given, so company scoping is
a plain filter on an indexed column.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from api.accounts.models import Organisation
from api.research.models import Deliverable, ProgressReport, ResearchTask

SCORE_MIN, SCORE_MAX = 1, 5
RUBRIC = ("relevance", "quality", "progress")


def _score(help_text: str):
    return models.PositiveSmallIntegerField(
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)], help_text=help_text
    )


class Feedback(models.Model):
    # PROTECT throughout: research records are closed, not deleted, and SQL Server rejects
    # multiple cascade paths (task → deliverable → report → feedback).
    task = models.ForeignKey(ResearchTask, on_delete=models.PROTECT, related_name="feedback")
    deliverable = models.ForeignKey(
        Deliverable, null=True, blank=True, on_delete=models.PROTECT, related_name="feedback"
    )
    report = models.ForeignKey(ProgressReport, null=True, blank=True, on_delete=models.PROTECT, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="feedback_given")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="feedback",
        help_text="The author's member company when the feedback was given.",
    )
    relevance = _score("Relevance to the members, 1 (low) to 5 (high).")
    quality = _score("Quality of the work, 1 to 5.")
    progress = _score("Progress against the plan, 1 to 5.")
    comment = models.TextField()  # never filtered or ordered on (sqlserver.md)
    hidden = models.BooleanField(default=False, help_text="Hidden by staff: visible to staff and its author only.")
    hidden_reason = models.TextField(blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replied_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="The first reply; from then on the feedback is frozen."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "feedback"
        indexes = [
            models.Index(fields=["task", "created_at"]),
            models.Index(fields=["organisation", "created_at"]),
            models.Index(fields=["hidden", "created_at"]),
            models.Index(fields=["created_at"]),
        ]
        constraints = [
            *(
                models.CheckConstraint(
                    name=f"feedback_{name}_1_to_5",
                    condition=Q(**{f"{name}__gte": SCORE_MIN, f"{name}__lte": SCORE_MAX}),
                )
                for name in RUBRIC
            ),
            models.CheckConstraint(
                name="feedback_report_needs_deliverable",
                condition=Q(report__isnull=True) | Q(deliverable__isnull=False),
            ),
        ]

    def __str__(self):
        return f"Feedback {self.pk} on {self.target_label}"

    @property
    def target_label(self) -> str:
        if self.report_id:
            return f"report {self.report_id}"
        if self.deliverable_id:
            return f"deliverable {self.deliverable_id}"
        return f"task {self.task_id}"

    def clean(self):
        """The target is consistent: a report belongs to the deliverable, the deliverable to the task."""
        super().clean()
        report, deliverable = self.report, self.deliverable
        if report is not None and report.deliverable_id != self.deliverable_id:
            raise ValidationError({"report": ["This report belongs to another deliverable."]})
        if deliverable is not None and self.task_id is not None and deliverable.task_id != self.task_id:
            raise ValidationError({"deliverable": ["This deliverable belongs to another task."]})
        if self.hidden and not self.hidden_reason.strip():
            raise ValidationError({"hidden_reason": ["Give a reason for hiding feedback."]})


class FeedbackReply(models.Model):
    """A reply by one of the task's principal investigators."""

    feedback = models.ForeignKey(Feedback, on_delete=models.PROTECT, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="feedback_replies")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "feedback replies"
        indexes = [models.Index(fields=["feedback", "created_at"])]

    def __str__(self):
        return f"Reply {self.pk} to feedback {self.feedback_id}"
