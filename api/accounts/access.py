"""Who a caller is, in the terms every domain's access rules use.

Domains ask these questions instead of reading roles and flags themselves, so the meaning of
"member" (a person of an *active* member company) is written once.
"""

from api.accounts.models import Organisation, User


def is_staff(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def member_company(user) -> Organisation | None:
    """The active member company the caller speaks for; None for everyone else."""
    if user is None or not user.is_authenticated:
        return None
    return user.member_company


def has_standing(user) -> bool:
    """Signed in with more than public access: staff, faculty, students, people of active members.

    People of an inactive member company get public access only.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.role == User.Role.MEMBER:
        return member_company(user) is not None
    return True
