from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from api.accounts.models import Organisation
from api.research.deadlines import deadline_for

TASK_NUMBER = RegexValidator(r"^\d{4}\.\d{3}$", "A task number looks like 3160.001.")


class Program(models.Model):
    """A research thrust, e.g. Lithography."""

    name = models.CharField(max_length=200, unique=True)
    code = models.CharField(max_length=20, unique=True, help_text="A short code, e.g. LITH.")
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return f"{self.code} {self.name}"


class ResearchTask(models.Model):
    """A funded research task at a university: a contract with deliverables and due dates."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    number = models.CharField(max_length=20, unique=True, validators=[TASK_NUMBER])
    title = models.CharField(max_length=300)
    # Searched with `q` (LIKE), so not a TextField (nvarchar(max)); 4000 is nvarchar's longest
    # non-max length. Never indexed: only keys are held to 850 characters (sqlserver.md).
    abstract = models.CharField(max_length=4000, blank=True)
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="tasks")
    university = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="research_tasks", limit_choices_to={"kind": "university"}
    )
    principal_investigators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="led_tasks", blank=True, limit_choices_to={"role": "faculty"}
    )
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="student_tasks", blank=True, limit_choices_to={"role": "student"}
    )
    liaisons = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="liaison_tasks", blank=True, limit_choices_to={"role": "member"}
    )
    sponsors = models.ManyToManyField(
        Organisation, related_name="sponsored_tasks", blank=True, limit_choices_to={"kind": "member"}
    )
    start = models.DateField()
    end = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSED)
    confidential = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number", "id"]
        indexes = [
            models.Index(fields=["updated_at"]),  # updated_since and the change feed's clients
            models.Index(fields=["program", "status"]),
            models.Index(fields=["university", "status"]),
            models.Index(fields=["start", "end"]),
            models.Index(fields=["confidential", "number"]),
            models.Index(fields=["status", "number"]),
            models.Index(fields=["end"]),
            models.Index(fields=["title"]),
        ]
        constraints = [
            models.CheckConstraint(name="task_ends_after_it_starts", condition=Q(end__gte=models.F("start")))
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


class Deliverable(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", "Report"
        PUBLICATION = "publication", "Publication"
        SOFTWARE = "software", "Software"
        THESIS = "thesis", "Thesis"
        PRESENTATION = "presentation", "Presentation"
        DATA = "data", "Data"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        REVISION_REQUESTED = "revision_requested", "Revision requested"
        SKIPPED = "skipped", "Skipped"

    OPEN = (Status.PLANNED, Status.REVISION_REQUESTED)  # still owed by the task's faculty

    # PROTECT, not CASCADE, down the task → deliverable → report → feedback chain: SQL Server
    # rejects multiple cascade paths, and research records are closed, not deleted.
    task = models.ForeignKey(ResearchTask, on_delete=models.PROTECT, related_name="deliverables")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    original_due_on = models.DateField(help_text="The due date first agreed; extensions keep it.")
    due_on = models.DateField()
    deadline_at = models.DateTimeField(editable=False, help_text="Derived from due_on (research.deadlines).")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    submitted_at = models.DateTimeField(null=True, blank=True, help_text="The first submission.")
    submitted_late = models.BooleanField(default=False, editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.TextField(blank=True, help_text="Why it was skipped or a revision requested.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["updated_at"]),  # updated_since and the change feed's clients
            models.Index(fields=["task", "due_on"]),
            models.Index(fields=["status", "deadline_at"]),
            models.Index(fields=["due_on"]),
            models.Index(fields=["kind", "due_on"]),
            models.Index(fields=["title"]),
        ]

    def __str__(self):
        return f"{self.task.number}: {self.title}"

    def set_due_on(self, due_on):
        self.due_on = due_on
        self.deadline_at = deadline_for(due_on)

    @property
    def is_overdue(self) -> bool:
        return self.status in self.OPEN and self.submitted_at is None and timezone.now() >= self.deadline_at

    @classmethod
    def overdue_at(cls, now) -> Q:
        """`is_overdue` at `now` as a query condition, for lists and reports that count in SQL."""
        return Q(status__in=cls.OPEN, submitted_at__isnull=True, deadline_at__lte=now)

    @property
    def is_late(self) -> bool:
        return self.submitted_late or self.is_overdue


class DeliverableExtension(models.Model):
    deliverable = models.ForeignKey(Deliverable, on_delete=models.PROTECT, related_name="extensions")
    previous_due_on = models.DateField()
    new_due_on = models.DateField()
    reason = models.TextField()
    extended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    extended_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["extended_at", "id"]

    def __str__(self):
        return f"{self.deliverable_id}: {self.previous_due_on} → {self.new_due_on}"


class ProgressReport(models.Model):
    """A document submitted against a deliverable. A resubmission is a new version; old ones stay."""

    deliverable = models.ForeignKey(Deliverable, on_delete=models.PROTECT, related_name="reports")
    version = models.PositiveIntegerField()
    file = models.FileField(max_length=255)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    summary = models.TextField(blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["deliverable_id", "-version", "id"]
        constraints = [models.UniqueConstraint(fields=["deliverable", "version"], name="report_version_unique")]

    def __str__(self):
        return f"{self.deliverable_id} v{self.version}"


class ReminderSent(models.Model):
    """What send_deliverable_reminders has sent: once per deliverable, stage and due date."""

    deliverable = models.ForeignKey(Deliverable, on_delete=models.PROTECT, related_name="reminders")
    stage = models.CharField(max_length=16)  # due_soon, overdue
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.TextField(blank=True)

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["deliverable", "stage", "due_on"], name="reminder_once_per_stage")
        ]

    def __str__(self):
        return f"{self.deliverable_id} {self.stage} {self.due_on}"
