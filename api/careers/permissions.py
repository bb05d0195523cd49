from rest_framework.permissions import BasePermission

from api.careers import access


class IsStudent(BasePermission):
    message = "Only students have a career profile."

    def has_permission(self, request, view):
        return access.is_student(request.user)


class MaySearchProfiles(BasePermission):
    message = "Only recruiters of an active member company, and consortium staff, may search student profiles."

    def has_permission(self, request, view):
        return access.may_search(request.user)


class MayManageRecruiters(BasePermission):
    message = "Only consortium staff and company admins manage recruiters."

    def has_permission(self, request, view):
        user = request.user
        return access.is_staff(user) or bool(access.member_company(user) and user.is_company_admin)
