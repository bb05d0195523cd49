"""Reads of programs, tasks and deliverables, scoped by api.research.access."""

import datetime

from django.db.models import BooleanField, Case, Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from api.accounts.models import User
from api.research import access, deadlines
from api.research.models import Deliverable, DeliverableExtension, Program, ProgressReport, ResearchTask

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


TEAM_RELATIONS = ("principal_investigators", "students", "liaisons")
SUMMARY_FIELDS = ("total", "accepted", "on_time", "late", "overdue", "due_next_30_days", "skipped")


def task_list(*, viewer) -> QuerySet[ResearchTask]:
    """Tasks with their deliverable summary computed in the same query (one subquery per figure), and
    the team and sponsors left to `attach_teams` (one query for the four relations): a page costs the
    count, this query and that one, whatever its size."""
    return (
        ResearchTask.objects.filter(access.visible(viewer))
        .select_related("program", "university")
        .annotate(full_access=access_flag(access.full(viewer)), **summary_annotations())
        .order_by("number", "id")
    )


def summary_annotations(*, today=None, now=None) -> dict:
    """The deliverable summary of each task as annotations named summary_<figure>.

    The rules (api.research.deadlines): skipped deliverables count only as skipped; overdue is open,
    not submitted and past its deadline; late is submitted late or overdue; on time is submitted and
    not late; due in the next 30 days is open, not overdue and due between today and 30 days on."""
    today = today or deadlines.today()
    now = now or timezone.now()
    kept = ~Q(status=Deliverable.Status.SKIPPED)
    open_ = Q(status__in=Deliverable.OPEN)
    overdue = Deliverable.overdue_at(now)
    late = kept & (Q(submitted_late=True) | overdue)
    conditions = {
        "total": Q(),
        "accepted": Q(status=Deliverable.Status.ACCEPTED),
        "on_time": kept & Q(submitted_at__isnull=False) & ~late,
        "late": late,
        "overdue": overdue,
        "due_next_30_days": open_ & ~overdue & Q(due_on__gte=today, due_on__lte=today + DUE_SOON),
        "skipped": Q(status=Deliverable.Status.SKIPPED),
    }
    return {f"summary_{name}": _deliverables_where(condition) for name, condition in conditions.items()}


def _deliverables_where(condition: Q):
    counted = (
        Deliverable.objects.filter(condition, task=OuterRef("pk"))
        .order_by()
        .values("task")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def summary_of(task) -> dict:
    return {name: getattr(task, f"summary_{name}") for name in SUMMARY_FIELDS}


def attach_teams(tasks) -> None:
    """Set `team` on each task: {relation: [item, ...]} for the three people relations (people ordered
    by family name, given name, id) and its sponsors (ordered by name, id), read in one query: a
    UNION ALL of the four link tables, each row (task, relation, id, three names)."""
    tasks = [task for task in tasks if not hasattr(task, "team")]
    if not tasks:
        return
    ids = [task.pk for task in tasks]
    people = [
        getattr(ResearchTask, relation)
        .through.objects.filter(researchtask_id__in=ids)
        .annotate(relation=Value(index), third=Value(""))
        .values_list("researchtask_id", "relation", "user_id", "user__family_name", "user__given_name", "third")
        for index, relation in enumerate(TEAM_RELATIONS)
    ]
    sponsor_fields = ("organisation_id", "organisation__name", "organisation__short_name", "organisation__kind")
    sponsors = (
        ResearchTask.sponsors.through.objects.filter(researchtask_id__in=ids)
        .annotate(relation=Value(len(TEAM_RELATIONS)))
        .values_list("researchtask_id", "relation", *sponsor_fields)
    )
    rows = people[0].union(*people[1:], sponsors, all=True)
    teams = {pk: {relation: [] for relation in (*TEAM_RELATIONS, "sponsors")} for pk in ids}
    # People by (family, given, id); sponsors by (name, id), names being unique.
    for task_id, index, pk, first, second, third in sorted(rows, key=lambda row: (row[3], row[4], row[2])):
        if index < len(TEAM_RELATIONS):
            item = {"id": pk, "given_name": second, "family_name": first, "full_name": User.name_of(second, first)}
            teams[task_id][TEAM_RELATIONS[index]].append(item)
        else:
            teams[task_id]["sponsors"].append({"id": pk, "name": first, "short_name": second, "kind": third})
    for task in tasks:
        task.team = teams[task.pk]


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
