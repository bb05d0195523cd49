"""Permission classes shared by every domain.

Access to rows is decided by scoping querysets (rows a caller may not see are a 404);
these classes decide what a caller who can see a row may do with it (403). The token scope
rule (a read token never writes) is enforced once, in BearerTokenAuthentication, so no view
can forget it.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission


def is_signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def is_staff(user) -> bool:
    return bool(is_signed_in(user) and user.is_staff)


class IsAuthenticated(BasePermission):
    def has_permission(self, request, view):
        return is_signed_in(request.user)


class IsStaff(BasePermission):
    message = "Only consortium staff may do this."

    def has_permission(self, request, view):
        return is_staff(request.user)


class StaffWritesOthersRead(BasePermission):
    """Anyone the view lets read may read; only staff may write."""

    message = "Only consortium staff may change this."

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or is_staff(request.user)


class SignedInStaffWrites(StaffWritesOthersRead):
    """Reading needs a signed-in caller; writing needs staff."""

    def has_permission(self, request, view):
        return is_signed_in(request.user) and super().has_permission(request, view)


class StaffOnRowsTheyCanSee(IsStaff):
    """Staff only, decided once the row is found: a row the caller cannot see stays a 404
    (get_object looks in the caller's scoped queryset first), one they can see is a 403."""

    def has_permission(self, request, view):
        return is_signed_in(request.user)

    def has_object_permission(self, request, view, obj):
        return is_staff(request.user)
