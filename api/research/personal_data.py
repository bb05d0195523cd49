"""Research data about a person, for the personal-data export (the contract: api/core/personal_data.py)."""

from api.research.models import DeliverableExtension, ProgressReport, ReminderSent, ResearchTask

COVERS = [
    "research.ResearchTask.principal_investigators",
    "research.ResearchTask.students",
    "research.ResearchTask.liaisons",
    "research.ProgressReport.submitted_by",
    "research.DeliverableExtension.extended_by",
]
NOT_PERSONAL = {}

# The capacity each membership gives, in the order a person's roles are listed.
CAPACITIES = (
    ("principal_investigator", "principal_investigators"),
    ("student", "students"),
    ("liaison", "liaisons"),
)
TASK_FIELDS = ("id", "number", "title", "status", "start", "end", "program__code", "university__name")


def _tasks(user) -> list[dict]:
    # One query per capacity (three, whatever the number of tasks), merged by task.
    tasks = {}
    for capacity, relation in CAPACITIES:
        rows = ResearchTask.objects.filter(**{relation: user}).order_by("number", "id").values(*TASK_FIELDS)
        for row in rows:
            tasks.setdefault(row["id"], {**row, "capacities": []})["capacities"].append(capacity)
    return sorted(tasks.values(), key=lambda task: (task["number"], task["id"]))


def _reminders(user) -> list[dict]:
    # Reminders record their recipients as "a@x, b@y" (not per person): narrow by text, then match
    # whole addresses so a@x.com is not found in aa@x.com.
    email = user.email.lower()
    rows = (
        ReminderSent.objects.filter(recipients__icontains=email)
        .order_by("-sent_at", "-id")
        .values(
            "sent_at",
            "stage",
            "due_on",
            "recipients",
            "deliverable_id",
            "deliverable__title",
            "deliverable__task__number",
        )
    )
    found = []
    for row in rows:
        if email in {address.strip().lower() for address in row.pop("recipients").split(",")}:
            found.append(row)
    return found


def export(user) -> dict:
    reports = (
        ProgressReport.objects.filter(submitted_by=user)
        .order_by("-submitted_at", "-id")
        .values(
            "id",
            "deliverable_id",
            "deliverable__title",
            "deliverable__task__number",
            "version",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "summary",
            "submitted_at",
        )
    )
    extensions = (
        DeliverableExtension.objects.filter(extended_by=user)
        .order_by("-extended_at", "-id")
        .values("deliverable_id", "deliverable__title", "previous_due_on", "new_due_on", "reason", "extended_at")
    )
    return {
        "research_tasks": _tasks(user),
        "progress_reports": [
            {**row, "download_url": f"/api/v1/deliverables/{row['deliverable_id']}/reports/{row['id']}/download/"}
            for row in reports
        ],
        "deliverable_extensions_granted": list(extensions),
        "deliverable_reminders_received": _reminders(user),
    }
