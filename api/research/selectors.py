"""Reads of programs, tasks and deliverables, scoped by api.research.access."""

import datetime

from django.db.models import BooleanField, Case, Prefetch, QuerySet, Value, When

from api.accounts.models import User
from api.research import access
from api.research.models import Deliverable, DeliverableExtension, Program, ProgressReport, ResearchTask

PERSON_FIELDS = ("id", "given_name", "family_name", "organisation_id")
DUE_SOON = datetime.timedelta(days=30)


def access_flag(condition):
    """An annotation that is True where `condition` holds, without a join."""
    if condition is access.EVERYTHING:
        return Value(True, output_field=BooleanField())
    if condition is access.NOTHING:
        return Value(False, output_field=BooleanField())
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def program_list(*, viewer) -> QuerySet[Program]:
    return Program.objects.order_by("name", "id")


def _people(relation: str) -> Prefetch:
    return Prefetch(relation, queryset=User.objects.only(*PERSON_FIELDS).order_by("family_name", "given_name", "id"))


def task_list(*, viewer) -> QuerySet[ResearchTask]:
    return (
        ResearchTask.objects.filter(access.visible(viewer))
        .select_related("program", "university")
        .prefetch_related(
            _people("principal_investigators"),
            _people("students"),
            _people("liaisons"),
            "sponsors",
            Prefetch(
                "deliverables",
                queryset=Deliverable.objects.only(
                    "id", "task_id", "status", "due_on", "deadline_at", "submitted_at", "submitted_late"
                ),
            ),
        )
        .annotate(full_access=access_flag(access.full(viewer)))
        .order_by("number", "id")
    )


def deliverable_list(*, viewer) -> QuerySet[Deliverable]:
    full = access.full(viewer)
    if full is access.NOTHING:
        return Deliverable.objects.none()
    return (
        Deliverable.objects.filter(access.on_tasks(full))
        .select_related("task")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=ProgressReport.objects.select_related("submitted_by").order_by("-version", "id"),
            ),
            Prefetch("extensions", queryset=DeliverableExtension.objects.order_by("extended_at", "id")),
        )
        .annotate(
            file_access=access_flag(access.on_tasks(access.files(viewer))),
            leads_task=access_flag(access.on_tasks(access.leads(viewer))),
        )
        .order_by("due_on", "id")
    )


def deliverable_summary(deliverables, *, today, now) -> dict:
    """Counts for a task page: what was due, what arrived on time or late, what is coming."""
    horizon = today + DUE_SOON
    summary = dict.fromkeys(("total", "accepted", "on_time", "late", "overdue", "due_next_30_days", "skipped"), 0)
    for deliverable in deliverables:
        summary["total"] += 1
        status = deliverable.status
        if status == Deliverable.Status.SKIPPED:
            summary["skipped"] += 1
            continue
        if status == Deliverable.Status.ACCEPTED:
            summary["accepted"] += 1
        overdue = status in Deliverable.OPEN and deliverable.submitted_at is None and now >= deliverable.deadline_at
        if overdue:
            summary["overdue"] += 1
        if deliverable.submitted_late or overdue:
            summary["late"] += 1
        elif deliverable.submitted_at is not None:
            summary["on_time"] += 1
        if status in Deliverable.OPEN and not overdue and today <= deliverable.due_on <= horizon:
            summary["due_next_30_days"] += 1
    return summary
