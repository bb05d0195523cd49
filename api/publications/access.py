"""Who sees which publication (metadata and files alike). Decided here and nowhere else.

The effective level of a publication on a given day:
- with an embargo date in the future: at least `members` (a `public` one counts as `members`,
  a `sponsors` one stays `sponsors`); from the embargo date on: `public`, with no job to run;
- without an embargo: its `access`.
Who sees a level: `public` everyone; `members` people of an active member company; `sponsors`
people of an active member company that sponsors one of its tasks. Staff see everything; the
team of a linked task (PIs, students, liaisons) and the people named as its authors see it too, as long
as they have standing (people of an inactive member company get public access only, authors or not).
Anyone else: it does not exist (404, absent from lists, counts and exports).
"""

import datetime

from django.db.models import Q
from django.utils import timezone

from api.accounts.access import has_standing, is_staff, member_company
from api.publications.models import Author, Publication
from api.research import access as research_access
from api.research.models import ResearchTask

EVERYTHING = Q()


def today() -> datetime.date:
    return timezone.now().date()


def public_on(on: datetime.date) -> Q:
    embargo_over = Q(embargo_until__isnull=False, embargo_until__lte=on)
    return embargo_over | Q(embargo_until__isnull=True, access=Publication.Access.PUBLIC)


def public_from(access: str, embargo_until: datetime.date | None) -> datetime.date | None:
    """The first day `public_on` holds for a publication with this access and embargo: its embargo's
    end; with no embargo, every day (date.min) when it is public and never (None) when it is not.
    Kept with its search words, so that a visitor's search counts them without the publications."""
    if embargo_until is not None:
        return embargo_until
    return datetime.date.min if access == Publication.Access.PUBLIC else None


def sees_only_public(user) -> bool:
    """Whether `visible(user)` is `public_on` alone: visitors, and people without standing."""
    return not is_staff(user) and not has_standing(user)


def _linked_to(tasks: Q) -> Q:
    task_ids = ResearchTask.objects.filter(tasks).values("pk")
    return Q(pk__in=Publication.tasks.through.objects.filter(researchtask__in=task_ids).values("publication_id"))


def visible(user, on: datetime.date | None = None) -> Q:
    on = on or today()
    if is_staff(user):
        return EVERYTHING
    condition = public_on(on)
    if sees_only_public(user):
        return condition
    company = member_company(user)
    if company is not None:
        members_level = Q(access__in=[Publication.Access.PUBLIC, Publication.Access.MEMBERS])
        sponsored = research_access.sponsored_by(company)
        condition |= members_level | (Q(access=Publication.Access.SPONSORS) & _linked_to(sponsored))
    condition |= _linked_to(research_access.team(user))
    condition |= Q(pk__in=Author.objects.filter(person=user).values("publication_id"))
    return condition


def can_upload(user, publication: Publication) -> bool:
    """Staff, and the faculty (PIs) of a linked task, add files."""
    if is_staff(user):
        return True
    return Publication.objects.filter(_linked_to(research_access.leads(user)), pk=publication.pk).exists()


def effective_access(publication: Publication, on: datetime.date | None = None) -> str:
    on = on or today()
    if publication.embargo_until is not None:
        if publication.embargo_until <= on:
            return Publication.Access.PUBLIC
        if publication.access == Publication.Access.PUBLIC:
            return Publication.Access.MEMBERS
    return publication.access
