from rest_framework.permissions import SAFE_METHODS, AllowAny

from api.core.permissions import IsStaff
from api.core.viewsets import ServiceModelViewSet
from api.research import selectors, services
from api.research.filters import ProgramFilter
from api.research.models import Program
from api.research.serializers import ProgramSerializer


class ProgramViewSet(ServiceModelViewSet):
    """Research programs (thrusts): public; staff edit them."""

    queryset = Program.objects.none()
    read_serializer_class = ProgramSerializer
    write_serializer_class = ProgramSerializer
    filterset_class = ProgramFilter
    ordering_fields = ["name", "code"]
    create_service = staticmethod(services.program_create)
    update_service = staticmethod(services.program_update)
    delete_service = staticmethod(services.program_delete)
    instance_kwarg = "program"

    def get_permissions(self):
        return [AllowAny()] if self.request.method in SAFE_METHODS else [IsStaff()]

    def get_queryset(self):
        return selectors.program_list(viewer=self.request.user)
