"""The recruiters' (and staff's) search over shared profiles, each view of a detail or CV logged."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from api.careers import selectors, services
from api.careers.filters import ProfileFilter
from api.careers.models import ProfileView
from api.careers.permissions import MaySearchProfiles
from api.careers.serializers import ProfileSerializer
from api.core.files.delivery import deliver
from api.core.filters import StrictOrderingFilter


@extend_schema_view(
    list=extend_schema(tags=["careers"], description="Profiles shared with the caller's company (staff: with anyone)."),
    retrieve=extend_schema(tags=["careers"], description="One profile; the view is logged for the student to see."),
)
class ProfileViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProfileSerializer
    permission_classes = [MaySearchProfiles]
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    filterset_class = ProfileFilter
    ordering_fields = ["expected_graduation", "updated_at", "user__family_name"]
    ordering = ["expected_graduation"]

    def get_queryset(self):
        return selectors.profile_list(viewer=self.request.user)

    def retrieve(self, request, *args, **kwargs):
        profile = self.get_object()
        services.view_record(profiles=[profile], kind=ProfileView.Kind.PROFILE, viewer=request.user)
        return Response(self.get_serializer(profile).data)

    @extend_schema(tags=["careers"], responses={(200, "application/pdf"): OpenApiResponse(description="The CV.")})
    @action(detail=True, methods=["get"], filter_backends=[])
    def cv(self, request, pk=None):
        """The student's current CV (recorded as a download and in the student's view log)."""
        profile = self.get_object()
        cv = getattr(profile, "cv", None)
        if cv is None:
            raise NotFound("This student has not uploaded a CV.")
        services.view_record(profiles=[profile], kind=ProfileView.Kind.CV, viewer=request.user)
        return deliver(cv.file, filename=cv.original_name, content_type=cv.content_type, target=cv, size=cv.size)
