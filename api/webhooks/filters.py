import django_filters

from api.core.filters import IdFilter, StrictBooleanFilter, WaferFilterSet
from api.webhooks.events import ALL_EVENTS
from api.webhooks.models import Delivery, Endpoint


class EndpointFilter(WaferFilterSet):
    active = StrictBooleanFilter(label="Switched on (true) or disabled (false)")
    company = IdFilter(field_name="company_id", label="The member company's id (staff)")
    consortium = StrictBooleanFilter(
        field_name="company", lookup_expr="isnull", label="The consortium's own endpoints (true) or companies' (false)"
    )

    class Meta:
        model = Endpoint
        fields = ["active", "company", "consortium"]


class DeliveryFilter(WaferFilterSet):
    status = django_filters.ChoiceFilter(choices=Delivery.Status.choices)
    event = django_filters.ChoiceFilter(choices=[(name, name) for name in ALL_EVENTS])

    class Meta:
        model = Delivery
        fields = ["status", "event"]
