from api.core.permissions import IsStaff, is_signed_in, is_staff


class StaffOnRowsTheyCanSee(IsStaff):
    """Staff only, decided once the row is found: a row the caller cannot see stays a 404
    (get_object runs first and finds nothing), one they can see is a 403."""

    def has_permission(self, request, view):
        return is_signed_in(request.user)

    def has_object_permission(self, request, view, obj):
        return is_staff(request.user)
