from rest_framework import mixins
from rest_framework.permissions import BasePermission

from api.accounts import selectors, services
from api.accounts.access import has_standing
from api.accounts.filters import PersonFilter
from api.accounts.models import User
from api.accounts.serializers import PersonSerializer, PersonWriteSerializer
from api.core.permissions import SignedInStaffWrites
from api.core.viewsets import ServiceCreateMixin, ServiceUpdateMixin, ServiceViewSet


class HasStanding(BasePermission):
    message = "Your organisation's membership is inactive: you have public access only."

    def has_permission(self, request, view):
        return has_standing(request.user)


class PersonViewSet(
    ServiceCreateMixin, ServiceUpdateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet
):
    """People of Wafer. Signed-in people read names and organisations; emails only within their
    own organisation. Staff create and edit people; nobody is deleted (set is_active to false)."""

    queryset = User.objects.none()  # scoped per caller in get_queryset()
    read_serializer_class = PersonSerializer
    write_serializer_class = PersonWriteSerializer
    permission_classes = [SignedInStaffWrites, HasStanding]
    filterset_class = PersonFilter
    ordering_fields = ["family_name", "given_name"]
    create_service = staticmethod(services.person_create)
    update_service = staticmethod(services.person_update)
    instance_kwarg = "person"

    def get_queryset(self):
        return selectors.person_list(viewer=self.request.user)
