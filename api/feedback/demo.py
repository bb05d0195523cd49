"""Demo feedback for `manage.py seed_demo`: a few member comments on the demo tasks, some answered.

Runs after api.research's demo (INSTALLED_APPS order) and does nothing when there are no demo
tasks. Idempotent: one feedback per author and target, created only if missing.
"""

from api.accounts.access import member_company
from api.accounts.models import User
from api.feedback import services
from api.feedback.models import Feedback
from api.research import access
from api.research.models import ResearchTask

# author email, task (index among the demo tasks), target, (relevance, quality, progress), comment, PI reply
FEEDBACK = [
    (
        "liaison@aster.example.com", 0, "task", (5, 4, 4),
        "Directly relevant to our next node. Could the team share the process window data early?",
        "Yes: a preliminary data set goes out with the next quarterly report.",
    ),
    (
        "recruiter@aster.example.com", 0, "deliverable", (4, 4, 3),
        "Solid plan; the schedule looks tight for the second milestone.",
        "",
    ),
    (
        "liaison@helix.example.com", 0, "report", (3, 4, 2),
        "The results are interesting but progress is behind plan. What is the recovery plan?",
        "We lost two weeks of tool time; the recovery plan is in section 4 of the next version.",
    ),
    (
        "liaison@northwind.example.com", 1, "task", (4, 5, 4),
        "Excellent characterisation work. Please include wafer-to-wafer variation next time.",
        "",
    ),
    (
        "liaison@quanta.example.com", 1, "deliverable", (2, 3, 3),
        "Less relevant to memory than we hoped; consider a retention study.",
        "Good point; we will discuss a retention study at the annual review.",
    ),
]  # fmt: skip


def _target(task, kind):
    deliverable = report = None
    if kind in {"deliverable", "report"}:
        deliverable = task.deliverables.order_by("due_on", "id").first()
        if deliverable is None:
            return None
    if kind == "report":
        report = deliverable.reports.order_by("-version", "id").first()
        if report is None:
            return None
    return task, deliverable, report


def seed(log) -> list:
    tasks = list(ResearchTask.objects.filter(confidential=False).order_by("number", "id")[:2])
    if not tasks:
        return []
    for email, index, kind, (relevance, quality, progress), comment, reply in FEEDBACK:
        author = User.objects.filter(email=email).first()
        target = _target(tasks[index % len(tasks)], kind)
        if author is None or member_company(author) is None or target is None:
            continue
        task, deliverable, report = target
        if not access.can(author, task, access.full(author)):
            continue
        if Feedback.objects.filter(author=author, task=task, deliverable=deliverable, report=report).exists():
            continue
        feedback = services.feedback_create(
            author=author, task=task, deliverable=deliverable, report=report,
            relevance=relevance, quality=quality, progress=progress, comment=comment,
        )  # fmt: skip
        log(f"created feedback by {email} on {task.number} ({kind})")
        investigator = task.principal_investigators.order_by("id").first()
        if reply and investigator is not None:
            services.feedback_reply(feedback=feedback, author=investigator, text=reply)
    return []
