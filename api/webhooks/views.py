"""/api/v1/webhooks/: endpoints (where Wafer posts changes) and their delivery log.

`webhooks/endpoints/` lists, registers (the answer holds the secret, once), reads, changes and
deletes endpoints; `{id}/rotate-secret/` issues a new secret (shown once); `{id}/test/` sends a
`ping`. `webhooks/endpoints/{id}/deliveries/` is the endpoint's log, newest first, and
`deliveries/{id}/replay/` sends a delivery's body again as a new delivery. Who may do what:
api.webhooks.access. What a receiver gets and how it verifies it: api.webhooks.sending.
"""

from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from api.core.viewsets import ServiceViewSet
from api.webhooks import access, selectors, services
from api.webhooks.filters import DeliveryFilter, EndpointFilter
from api.webhooks.models import Delivery, Endpoint
from api.webhooks.permissions import MayUseWebhooks
from api.webhooks.serializers import (
    DeliverySerializer,
    EndpointSerializer,
    EndpointWithSecretSerializer,
    EndpointWriteSerializer,
)

TAGS = ["webhooks"]
NOT_YOURS = "Staff may only switch off or delete a company's endpoint; its company admins manage it."


def _require(allowed: bool, message: str = NOT_YOURS) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _secret_response(endpoint: Endpoint, status_code: int) -> Response:
    # The secret is shown once: no cache may keep the answer, nor may an Idempotency-Key replay it.
    body = EndpointWithSecretSerializer(endpoint).data
    return Response(body, status=status_code, headers={"Cache-Control": "no-store"})


@extend_schema_view(
    list=extend_schema(tags=TAGS, description="Staff: every endpoint; a company admin: their company's."),
    retrieve=extend_schema(tags=TAGS),
    destroy=extend_schema(tags=TAGS, description="The endpoint and its delivery log are deleted."),
)
class EndpointViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    queryset = Endpoint.objects.none()  # scoped per caller in get_queryset()
    read_serializer_class = EndpointSerializer
    write_serializer_class = EndpointWriteSerializer
    serializer_class = EndpointSerializer
    permission_classes = [MayUseWebhooks]
    filterset_class = EndpointFilter
    ordering_fields = ["created_at"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.endpoint_list(viewer=self.request.user)

    @extend_schema(tags=TAGS, request=EndpointWriteSerializer, responses={201: EndpointWithSecretSerializer})
    def create(self, request, *args, **kwargs):
        """Register an endpoint: a company admin's belongs to their company, staff's to the consortium.
        The answer holds the signing secret, the only time it is shown."""
        serializer = EndpointWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = services.endpoint_create(
            company=access.admin_company(request.user), created_by=request.user, **serializer.validated_data
        )
        return _secret_response(endpoint, status.HTTP_201_CREATED)

    @extend_schema(tags=TAGS, request=EndpointWriteSerializer, responses=EndpointSerializer)
    def update(self, request, *args, **kwargs):
        """Change the URL (checked again), description, event types or `active` (on again: failures
        cleared; off: waiting deliveries given up)."""
        endpoint = self.get_object()
        serializer = EndpointWriteSerializer(data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        switching_off = set(data) == {"active"} and data["active"] is False
        allowed = access.may_switch_off if switching_off else access.may_manage
        _require(allowed(request.user, endpoint))
        return self.read_response(services.endpoint_update(endpoint=endpoint, **data))

    @extend_schema(tags=TAGS, request=EndpointWriteSerializer(partial=True), responses=EndpointSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        endpoint = self.get_object()
        _require(access.may_switch_off(request.user, endpoint))
        services.endpoint_delete(endpoint=endpoint)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(tags=TAGS, request=None, responses=EndpointWithSecretSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        """A new signing secret, in effect at once (the old one stops working); shown only in this answer."""
        endpoint = self.get_object()
        _require(access.may_manage(request.user, endpoint))
        return _secret_response(services.endpoint_rotate_secret(endpoint=endpoint), status.HTTP_200_OK)

    @extend_schema(tags=TAGS, request=None, responses={202: DeliverySerializer})
    @action(detail=True, methods=["post"])
    def test(self, request, pk=None):
        """Send a `ping` (once, in the background; also to a disabled endpoint); follow its delivery."""
        endpoint = self.get_object()
        _require(access.may_manage(request.user, endpoint))
        delivery = services.endpoint_ping(endpoint=endpoint)
        # Read again: with a synchronous job backend it may have been sent already.
        return Response(DeliverySerializer(Delivery.objects.get(pk=delivery.pk)).data, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(
    list=extend_schema(tags=TAGS, description="The endpoint's deliveries, newest first."),
    retrieve=extend_schema(tags=TAGS),
)
class DeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Delivery.objects.none()
    serializer_class = DeliverySerializer
    permission_classes = [MayUseWebhooks]
    filterset_class = DeliveryFilter
    filter_backends = [DjangoFilterBackend]  # one fixed order: newest first (the id breaks no ties: it is the order)

    def endpoint(self) -> Endpoint:
        """The endpoint in the URL, if the caller may see it (404 otherwise)."""
        if not hasattr(self, "_endpoint"):
            visible = selectors.endpoint_list(viewer=self.request.user)
            self._endpoint = get_object_or_404(visible, pk=self.kwargs["endpoint_pk"])
        return self._endpoint

    def get_queryset(self):
        # No query here: the endpoint's visibility is a subquery of the deliveries' own query.
        return selectors.delivery_list(viewer=self.request.user, endpoint_id=self.kwargs["endpoint_pk"])

    def list(self, request, *args, **kwargs):
        self.endpoint()  # an endpoint the caller cannot see is a 404, not an empty list
        return super().list(request, *args, **kwargs)

    @extend_schema(tags=TAGS, request=None, responses={202: DeliverySerializer})
    @action(detail=True, methods=["post"])
    def replay(self, request, endpoint_pk=None, pk=None):
        """Send this delivery's body again, as a new delivery with its own id and a fresh signature
        (once, in the background; also to a disabled endpoint)."""
        delivery = self.get_object()
        _require(access.may_manage(request.user, self.endpoint()))
        replay = services.delivery_replay(delivery=delivery)
        return Response(DeliverySerializer(Delivery.objects.get(pk=replay.pk)).data, status=status.HTTP_202_ACCEPTED)
