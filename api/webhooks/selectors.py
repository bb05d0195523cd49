"""Reading endpoints and deliveries as one caller (access: api.webhooks.access)."""

from api.webhooks import access
from api.webhooks.models import Delivery


def endpoint_list(*, viewer):
    return access.visible_endpoints(viewer).order_by("id")


def delivery_list(*, viewer, endpoint_id):
    """An endpoint's deliveries, newest first; the endpoint's visibility is a subquery, not a query."""
    endpoints = access.visible_endpoints(viewer).filter(pk=endpoint_id).values("pk")
    return Delivery.objects.filter(endpoint__in=endpoints).order_by("-id")
