"""Who recruits for a member company: its company admins (or staff) mark and unmark them.

`careers/recruiters/` lists the recruiters the caller manages; POST {person} marks one; DELETE
`careers/recruiters/{person id}/` unmarks them, effective at once. A person outside the caller's
company is a 404 for a company admin, exactly as if they did not exist.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.response import Response

from api.careers import selectors, services
from api.careers.permissions import MayManageRecruiters
from api.careers.serializers import RecruiterSerializer, RecruiterWriteSerializer
from api.core.viewsets import ServiceViewSet

ERROR = {"$ref": "#/components/schemas/Error"}


@extend_schema_view(
    list=extend_schema(tags=["careers"], description="All recruiters for staff; a company admin's own company's."),
    retrieve=extend_schema(tags=["careers"]),
    create=extend_schema(
        tags=["careers"],
        request=RecruiterWriteSerializer,
        responses={
            201: RecruiterSerializer,
            404: OpenApiResponse(ERROR, description="No such person, or not one the caller may make a recruiter."),
        },
    ),
    destroy=extend_schema(tags=["careers"], description="The person stops being a recruiter at once."),
)
class RecruiterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceViewSet):
    read_serializer_class = RecruiterSerializer
    serializer_class = RecruiterSerializer
    permission_classes = [MayManageRecruiters]

    def get_queryset(self):
        return selectors.recruiter_list(viewer=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = RecruiterWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = get_object_or_404(
            selectors.recruiter_candidates(viewer=request.user), pk=serializer.validated_data["person"]
        )
        return self.read_response(services.recruiter_set(person=person, recruiter=True), status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        services.recruiter_set(person=self.get_object(), recruiter=False)
        return Response(status=status.HTTP_204_NO_CONTENT)
