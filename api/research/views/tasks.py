from drf_spectacular.utils import extend_schema_view
from rest_framework.permissions import SAFE_METHODS, AllowAny

from api.core.permissions import IsStaff, StaffOnRowsTheyCanSee
from api.core.response_cache.views import CachedListMixin, cached_list_schema
from api.core.viewsets import ServiceModelViewSet
from api.research import caching, deadlines, selectors, services
from api.research.filters import TaskFilter
from api.research.models import ResearchTask
from api.research.serializers import TaskSerializer, TaskWriteSerializer


@extend_schema_view(list=cached_list_schema(TaskSerializer))
class TaskViewSet(CachedListMixin, ServiceModelViewSet):
    """Research tasks. Anyone sees summaries of non-confidential tasks; `access: full` rows add the
    team, sponsors and a deliverable summary. Confidential tasks exist only for their team,
    their sponsors' people and staff. Staff create and edit tasks."""

    queryset = ResearchTask.objects.none()
    read_serializer_class = TaskSerializer
    write_serializer_class = TaskWriteSerializer
    filterset_class = TaskFilter
    ordering_fields = ["number", "title", "start", "end"]
    create_service = staticmethod(services.task_create)
    update_service = staticmethod(services.task_update)
    delete_service = staticmethod(services.task_delete)
    instance_kwarg = "task"
    cached_resources = (caching.RESOURCE,)
    cache_day = staticmethod(deadlines.today)
    rows_cached = True  # a task reads the same to everyone with the same access to it
    row_variant = "full_access"

    def get_permissions(self):
        if self.request.method in SAFE_METHODS:
            return [AllowAny()]
        # Edits of a task the caller cannot see are a 404, like reading it.
        return [IsStaff()] if self.action == "create" else [StaffOnRowsTheyCanSee()]

    def get_queryset(self):
        return selectors.task_list(viewer=self.request.user)

    def read_response(self, instance, status_code=200):
        # Re-read through the selector so the response carries the caller's access annotations.
        return super().read_response(self.get_queryset().get(pk=instance.pk), status_code)
