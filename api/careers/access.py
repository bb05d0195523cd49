"""Who sees which student profile. Decided here and nowhere else.

- A student sees and edits their own profile, whatever its state.
- A recruiter (a member-company person marked as one — User.is_recruiter, set by their company
  admin or staff — of an *active* member company) sees the
  profiles shared with their company: sharing on, with every company or with theirs, not expired,
  of an active student account.
- Staff see every profile shared with anyone and not expired (they run the programme; they do not
  browse what students keep private).
- Nobody else sees any profile: other students, faculty, non-recruiter members, people of an
  inactive company (404, not 403: a profile that is not shared does not exist for them).

Conditions are subqueries on primary keys (no joins over the many-to-many tables, no DISTINCT).
"""

from django.db.models import Q
from django.utils import timezone

from api.accounts.access import is_staff, member_company
from api.accounts.models import Organisation, User
from api.careers.models import SharedCompany

NOTHING = Q(pk__in=[])


def is_student(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.role == User.Role.STUDENT)


def recruiter_company(user) -> Organisation | None:
    """The active member company a recruiter searches for; None for everyone else."""
    company = member_company(user)
    return company if company is not None and user.is_active and user.is_recruiter else None


def can_manage_recruiters(user, company: Organisation | None) -> bool:
    """Staff for any company; a company admin for their own active company."""
    if is_staff(user):
        return True
    own = member_company(user)
    return bool(own is not None and user.is_company_admin and company is not None and own.pk == company.pk)


def _shared_and_current() -> Q:
    return Q(sharing=True, visible_until__gte=timezone.localdate(), user__is_active=True, user__role=User.Role.STUDENT)


def shared_with(company: Organisation) -> Q:
    chosen = SharedCompany.objects.filter(organisation=company).values("profile_id")
    return _shared_and_current() & (Q(share_with_all=True) | Q(pk__in=chosen))


def visible_profiles(user) -> Q:
    """Profiles the caller may search, read and download the CV of (students: see `is_student`)."""
    if is_staff(user):
        return _shared_and_current()
    company = recruiter_company(user)
    return shared_with(company) if company is not None else NOTHING


def may_search(user) -> bool:
    return is_staff(user) or recruiter_company(user) is not None
