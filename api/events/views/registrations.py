from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from api.accounts.access import is_staff
from api.core.errors import envelope
from api.core.permissions import IsAuthenticated, StaffOnRowsTheyCanSee
from api.events import selectors, services
from api.events.filters import RegistrationFilter
from api.events.models import Registration
from api.events.serializers import RegisterSerializer, RegistrationConflictSerializer, RegistrationSerializer


class RegistrationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Registrations of one event: POST registers the caller (staff may pass `person`); GET lists
    (staff: everyone; others: their own); DELETE or `cancel` gives the seat up (the first waiting
    person who fits takes it); staff check people in."""

    queryset = Registration.objects.none()
    serializer_class = RegistrationSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = RegistrationFilter
    ordering_fields = ["created_at", "position"]

    def get_permissions(self):
        if self.action == "check_in":
            return [StaffOnRowsTheyCanSee()]
        return super().get_permissions()

    def event(self):
        """The event in the URL, if the caller may see it (404 otherwise)."""
        if not hasattr(self, "_event"):
            self._event = get_object_or_404(selectors.event_list(viewer=self.request.user), pk=self.kwargs["event_pk"])
        return self._event

    def get_queryset(self):
        # No query here: the event's visibility is a subquery of the registrations' own query.
        return selectors.registration_list(viewer=self.request.user, event_id=self.kwargs["event_pk"])

    def list(self, request, *args, **kwargs):
        self.event()  # an event the caller cannot see is a 404, not an empty list
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=RegisterSerializer, responses={201: RegistrationSerializer, 409: RegistrationConflictSerializer}
    )
    def create(self, request, event_pk=None):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = self.event()  # an event the caller cannot see is a 404 before anything else is said
        person = serializer.validated_data.get("person", request.user)
        if person != request.user and not is_staff(request.user):
            raise PermissionDenied("Only staff register someone else.")
        try:
            registration = services.registration_create(event=event, person=person, registered_by=request.user)
        except services.AlreadyRegistered as exc:
            existing = RegistrationSerializer(exc.registration).data
            body = envelope(409, exc.code, exc.detail, registration=existing)
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: OpenApiResponse(description="Cancelled.")})
    def destroy(self, request, event_pk=None, pk=None):
        services.registration_cancel(registration=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, event_pk=None, pk=None):
        registration = services.registration_cancel(registration=self.get_object())
        return Response(RegistrationSerializer(registration).data)

    @extend_schema(request=None, responses=RegistrationSerializer)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, event_pk=None, pk=None):
        registration = services.registration_check_in(registration=self.get_object())
        return Response(RegistrationSerializer(registration).data)
