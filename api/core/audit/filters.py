import django_filters

from api.core.audit.models import AuditEvent
from api.core.filters import IdFilter, MomentFilter, WaferFilterSet


class AuditEventFilter(WaferFilterSet):
    actor = IdFilter(field_name="actor_id", label="The acting user's id")
    organisation = IdFilter(field_name="organisation_id", label="The acting user's organisation id at the time")
    action = django_filters.CharFilter(label="create, update, delete, download, ... (exact)")
    target_type = django_filters.CharFilter(label="app_label.model, e.g. publications.publication (exact)")
    target_id = django_filters.CharFilter(label="The target's id (exact)")
    client_ip = django_filters.CharFilter(label="The client's IP address (exact)")
    request_id = django_filters.CharFilter(label="The X-Request-ID of the request (exact)")
    since = MomentFilter(field_name="at", lookup_expr="gte", label="At or after (ISO 8601)")
    until = MomentFilter(field_name="at", lookup_expr="lt", label="Before (ISO 8601)")

    class Meta:
        model = AuditEvent
        fields = []
