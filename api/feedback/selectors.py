"""Reads of feedback, scoped to the viewer, and the rubric summary for a task's investigators.

Who sees a feedback row (anything else is a 404, in lists and details):
- staff: every row, hidden ones included;
- the task's principal investigators: rows on their tasks that are not hidden;
- people of the author's active member company (the author included): rows of their company on
  tasks they see in full (api.research.access.full), not hidden;
- its author: also while hidden, with `hidden` and `hidden_reason` set, so they learn that and
  why moderation happened (they can no longer edit it; withdrawing it stays allowed until a reply).
Nobody else: not other companies (even as a task's liaisons), not students, not other faculty,
not people of an inactive member company (public access only), not the anonymous public.

Conditions are subqueries on primary keys, never joins over many-to-many tables, so a row
appears once without DISTINCT (sqlserver.md).
"""

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from api.accounts.access import has_standing, is_staff, member_company
from api.feedback.models import RUBRIC, Feedback, FeedbackReply
from api.research import access
from api.research.models import Deliverable, ResearchTask
from api.research.selectors import access_flag


def visible(viewer) -> Q:
    """Feedback rows the viewer sees at all (see the module docstring)."""
    if is_staff(viewer):
        return access.EVERYTHING
    if not has_standing(viewer):
        return access.NOTHING
    condition = Q(hidden=False) & access.on_tasks(access.leads(viewer))
    company = member_company(viewer)
    if company is not None:
        own_company = Q(organisation=company) & access.on_tasks(access.full(viewer))
        condition |= own_company & (Q(hidden=False) | Q(author=viewer))
    return condition


def feedback_list(*, viewer) -> QuerySet[Feedback]:
    condition = visible(viewer)
    if condition is access.NOTHING:
        return Feedback.objects.none()
    replies = FeedbackReply.objects.select_related("author").order_by("created_at", "id")
    return (
        Feedback.objects.filter(condition)
        .select_related("task", "deliverable", "report", "author", "organisation")
        .prefetch_related(Prefetch("replies", queryset=replies))
        .annotate(leads_task=access_flag(access.on_tasks(access.leads(viewer))))
        .order_by("-created_at", "-id")
    )


# --- The rubric summary -------------------------------------------------------------------------


def may_see_summary(viewer, task) -> bool:
    """Staff and the task's principal investigators; nobody else (not even the authors' colleagues)."""
    return is_staff(viewer) or access.can(viewer, task, access.leads(viewer))


def _scores(count: int, sums: dict) -> dict:
    # Averages from integer sums, rounded once: the same on every database.
    averages = {name: (round(sums[name] / count, 2) if count else None) for name in RUBRIC}
    return {"count": count, **averages}


def feedback_summary(*, task: ResearchTask, deliverable: Deliverable | None = None) -> dict:
    """Counts and average rubric scores of the task's feedback that is not hidden, in one query.

    `deliverables` has a row for each deliverable of the task (or only `deliverable`), with
    feedback on its reports counted in; `task_level` is feedback on the task itself and
    `totals` covers everything in scope (the whole task, or the one deliverable).
    """
    rows = Feedback.objects.filter(task=task, hidden=False)
    deliverables = Deliverable.objects.filter(task=task).only("id", "title", "task_id").order_by("due_on", "id")
    if deliverable is not None:
        rows = rows.filter(deliverable=deliverable)
        deliverables = deliverables.filter(pk=deliverable.pk)
    grouped = {
        row["deliverable_id"]: row
        for row in rows.values("deliverable_id")
        .annotate(count=Count("id"), **{name: Sum(name) for name in RUBRIC})
        .order_by("deliverable_id")
    }
    empty = {"count": 0, **dict.fromkeys(RUBRIC, 0)}
    total_count = sum(row["count"] for row in grouped.values())
    totals = {name: sum(row[name] for row in grouped.values()) for name in RUBRIC}
    task_level = grouped.get(None, empty)
    return {
        "task": task,
        "deliverable": deliverable,
        "totals": _scores(total_count, totals),
        "task_level": None if deliverable is not None else _scores(task_level["count"], task_level),
        "deliverables": [
            {"deliverable": item, **_scores(grouped.get(item.pk, empty)["count"], grouped.get(item.pk, empty))}
            for item in deliverables
        ],
    }


def summary_task(*, viewer, task_id: int) -> ResearchTask | None:
    """The task, if the viewer sees it at all (summary level or more)."""
    return ResearchTask.objects.filter(access.visible(viewer), pk=task_id).first()


def summary_deliverable(*, viewer, deliverable_id: int) -> Deliverable | None:
    """The deliverable, if the viewer sees its task in full (as /deliverables/ does)."""
    return (
        Deliverable.objects.filter(access.on_tasks(access.full(viewer)), pk=deliverable_id)
        .select_related("task")
        .first()
    )
