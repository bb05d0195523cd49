from rest_framework.permissions import BasePermission

from api.webhooks import access


class MayUseWebhooks(BasePermission):
    message = "Only consortium staff and company admins of active member companies manage webhooks."

    def has_permission(self, request, view):
        return access.may_use(request.user)
