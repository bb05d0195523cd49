from rest_framework.permissions import SAFE_METHODS, AllowAny

from api.accounts import selectors, services
from api.accounts.filters import OrganisationFilter
from api.accounts.models import Organisation
from api.accounts.serializers import OrganisationSerializer
from api.core.permissions import StaffWritesOthersRead
from api.core.viewsets import ServiceModelViewSet


class OrganisationViewSet(ServiceModelViewSet):
    """Member companies, universities and the consortium: a public directory; staff edit it."""

    queryset = Organisation.objects.none()  # scoped per caller in get_queryset()
    read_serializer_class = OrganisationSerializer
    write_serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    ordering_fields = ["name", "short_name", "created_at"]
    create_service = staticmethod(services.organisation_create)
    update_service = staticmethod(services.organisation_update)
    delete_service = staticmethod(services.organisation_delete)
    instance_kwarg = "organisation"

    def get_permissions(self):
        if self.request.method in SAFE_METHODS:
            return [AllowAny()]
        return [StaffWritesOthersRead()]

    def get_queryset(self):
        return selectors.organisation_list(viewer=self.request.user)
