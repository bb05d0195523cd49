"""Who sees which research task, and how much of it. Decided here and nowhere else.

Three levels per task:
- summary: number, title, abstract, program, university, PIs, dates, status: anyone, for
  non-confidential tasks;
- full: deliverables and report metadata: staff, the task's team (PIs, students, liaisons),
  people of an active member company (non-confidential tasks) and of its sponsors (any task);
- files: report downloads: staff, the task's team, people of a sponsoring active member company.
A task below summary level does not exist for the caller (404).

Conditions are subqueries on primary keys (never joins over the many-to-many tables), so a
task appears once whatever matches, without DISTINCT (which SQL Server cannot page by
unselected columns).
"""

from django.db.models import Q

from api.accounts.access import has_standing, is_staff, member_company
from api.research.models import ResearchTask

NOTHING = Q(pk__in=[])
EVERYTHING = Q()


def _member_of(relation, user) -> Q:
    return Q(pk__in=relation.through.objects.filter(user=user).values("researchtask_id"))


def team(user) -> Q:
    return (
        _member_of(ResearchTask.principal_investigators, user)
        | _member_of(ResearchTask.students, user)
        | _member_of(ResearchTask.liaisons, user)
    )


def sponsored_by(company) -> Q:
    return Q(pk__in=ResearchTask.sponsors.through.objects.filter(organisation=company).values("researchtask_id"))


def _signed_in(user) -> bool:
    """Signed in with standing: people of an inactive member company get public access only."""
    return has_standing(user)


def visible(user) -> Q:
    """Tasks the caller sees at all (summary or more)."""
    if is_staff(user):
        return EVERYTHING
    public = Q(confidential=False)
    if not _signed_in(user):
        return public
    company = member_company(user)
    condition = public | team(user)
    return condition | sponsored_by(company) if company is not None else condition


def full(user) -> Q:
    """Tasks the caller sees in full: deliverables, report metadata, feedback forms."""
    if is_staff(user):
        return EVERYTHING
    if not _signed_in(user):
        return NOTHING
    company = member_company(user)
    if company is not None:
        return Q(confidential=False) | sponsored_by(company) | team(user)
    return team(user)


def files(user) -> Q:
    """Tasks whose report files the caller may download."""
    if is_staff(user):
        return EVERYTHING
    if not _signed_in(user):
        return NOTHING
    company = member_company(user)
    return team(user) | sponsored_by(company) if company is not None else team(user)


def leads(user) -> Q:
    """Tasks the caller is a principal investigator of (submits reports, replies to feedback)."""
    if not _signed_in(user):
        return NOTHING
    return _member_of(ResearchTask.principal_investigators, user)


def can(user, task, condition) -> bool:
    """Whether one task satisfies an access condition (one small query)."""
    if condition is EVERYTHING:
        return True
    return ResearchTask.objects.filter(condition, pk=task.pk).exists()


def on_tasks(condition) -> Q:
    """A task condition, restated for rows that belong to a task (deliverables, feedback)."""
    if condition is EVERYTHING or condition is NOTHING:
        return condition
    return Q(task__in=ResearchTask.objects.filter(condition).values("pk"))
