"""/api/v1/audit/: the audit trail, for staff, read only. No write route exists: the trail is written only
by the services themselves (api.core.audit.services), so nobody can edit it through the API."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets

from api.core.audit.filters import AuditEventFilter
from api.core.audit.models import AuditEvent
from api.core.audit.serializers import AuditEventSerializer
from api.core.permissions import IsStaff


@extend_schema(tags=["audit"])
class AuditEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Every write and every sensitive read (CVs, restricted files, resume books): who, for which
    organisation, through a session or which token, from which IP, in which request, what changed.
    Newest first. Staff only."""

    # -id, not -at: ids are unique, so events of the same instant never swap between pages.
    queryset = AuditEvent.objects.order_by("-id")
    permission_classes = [IsStaff]
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    filter_backends = [DjangoFilterBackend]  # no ?ordering=: one fixed order keeps paging stable
