"""/api/v1/auth/tokens/: list, create (the secret is shown once), rename and revoke API tokens."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from api.core.filters import StrictBooleanFilter, WaferFilterSet
from api.core.permissions import IsAuthenticated, is_staff
from api.core.tokens import services
from api.core.tokens.authentication import token_of
from api.core.tokens.models import ApiToken
from api.core.tokens.serializers import (
    ApiTokenCreatedSerializer,
    ApiTokenCreateSerializer,
    ApiTokenRenameSerializer,
    ApiTokenSerializer,
)


class ApiTokenFilter(WaferFilterSet):
    active = StrictBooleanFilter(method="filter_active", label="Neither revoked nor expired")

    class Meta:
        model = ApiToken
        fields = ["user"]

    def filter_active(self, queryset, name, value):
        usable = ApiToken.objects.usable().values("pk")
        return queryset.filter(pk__in=usable) if value else queryset.exclude(pk__in=usable)


@extend_schema(tags=["auth"])
class ApiTokenViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Your API tokens (staff: everyone's). DELETE revokes a token; the record stays."""

    queryset = ApiToken.objects.none()  # scoped per caller in get_queryset()
    permission_classes = [IsAuthenticated]
    serializer_class = ApiTokenSerializer
    filterset_class = ApiTokenFilter
    ordering_fields = ["created_at", "expires_at", "name"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        queryset = ApiToken.objects.all()
        if not is_staff(self.request.user):
            queryset = queryset.filter(user=self.request.user)
        return queryset.order_by("-created_at", "-id")

    @extend_schema(request=ApiTokenCreateSerializer, responses={201: ApiTokenCreatedSerializer})
    def create(self, request):
        serializer = ApiTokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        owner = data.get("user", request.user)
        if owner != request.user and not is_staff(request.user):
            raise PermissionDenied("Only staff may create a token for another user.")
        issued = services.token_create(
            user=owner,
            name=data["name"],
            scopes=data["scopes"],
            expires_at=data.get("expires_at"),
            created_by=request.user,
            creating_token=token_of(request),
        )
        body = ApiTokenCreatedSerializer(issued.token).data
        body["token"] = issued.raw
        # The secret is shown once: no cache may keep it, nor may an Idempotency-Key replay.
        return Response(body, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})

    @extend_schema(request=ApiTokenRenameSerializer, responses=ApiTokenSerializer)
    def partial_update(self, request, pk=None):
        token = self.get_object()
        serializer = ApiTokenRenameSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = services.token_rename(token=token, name=serializer.validated_data["name"])
        return Response(ApiTokenSerializer(token).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        services.token_revoke(token=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
