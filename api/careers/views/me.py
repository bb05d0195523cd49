"""The student's own careers pages: profile, CV, consent, renewal, who looked.

All under `careers/me/`: a student reaches only their own profile, so there is no id to guess.
"""

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from api.careers import selectors, services
from api.careers.models import ConsentRecord, ProfileView
from api.careers.permissions import IsStudent
from api.careers.serializers import (
    ConsentRecordSerializer,
    ConsentSerializer,
    MyProfileSerializer,
    ProfileViewSerializer,
    ProfileWriteSerializer,
)
from api.core.files.delivery import deliver
from api.core.files.parsers import UploadParser
from api.core.files.uploads import check_upload

NO_PROFILE = "You have no career profile yet: PUT careers/me/ creates it."


def _own(request):
    profile = selectors.own_profile(user=request.user)
    if profile is None:
        raise NotFound(NO_PROFILE)
    return profile


def _profile_response(request, status_code=status.HTTP_200_OK):
    profile = _own(request)
    return Response(MyProfileSerializer(profile, context={"request": request}).data, status=status_code)


class StudentView(APIView):
    permission_classes = [IsStudent]


class MyProfileView(StudentView):
    @extend_schema(responses=MyProfileSerializer, tags=["careers"])
    def get(self, request):
        """The student's own profile, with its consent and visibility."""
        return _profile_response(request)

    @extend_schema(request=ProfileWriteSerializer, responses={200: MyProfileSerializer, 201: MyProfileSerializer},
                   tags=["careers"])  # fmt: skip
    def put(self, request):
        """Create the profile (201) or replace its details (200). Consent and the CV have their own pages."""
        serializer = ProfileWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        _, created = services.profile_save(user=request.user, **serializer.validated_data)
        return _profile_response(request, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(responses={204: OpenApiResponse(description="Deleted.")}, tags=["careers"])
    def delete(self, request):
        """Delete the profile (data rights): CV removed from storage, consent history erased, the view log
        anonymised, finished resume books holding the CV withdrawn. The account itself stays."""
        services.profile_delete(profile=_own(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyCvView(StudentView):
    parser_classes = [UploadParser]

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(description="The current CV.")},
                   tags=["careers"])  # fmt: skip
    def get(self, request):
        """The student's own current CV."""
        cv = getattr(_own(request), "cv", None)
        if cv is None:
            raise NotFound("You have not uploaded a CV.")
        return deliver(cv.file, filename=cv.original_name, content_type=cv.content_type, target=cv, size=cv.size)

    @extend_schema(
        request={
            "multipart/form-data": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
        },
        responses={200: MyProfileSerializer, 201: MyProfileSerializer},
        tags=["careers"],
    )
    def put(self, request):
        """Upload the CV (a PDF, checked by content; CAREERS_CV_MAX_BYTES) or replace the current one."""
        profile = _own(request)
        upload = check_upload(request.FILES.get("file"), kinds=("pdf",), max_bytes=settings.CAREERS_CV_MAX_BYTES)
        _, replaced = services.cv_upload(profile=profile, upload=upload, uploaded_by=request.user)
        return _profile_response(request, status.HTTP_200_OK if replaced else status.HTTP_201_CREATED)

    @extend_schema(responses={204: OpenApiResponse(description="Removed.")}, tags=["careers"])
    def delete(self, request):
        """Remove the CV: companies no longer get it; the file leaves storage."""
        services.cv_delete(profile=_own(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyConsentView(StudentView):
    @extend_schema(responses=ConsentSerializer, tags=["careers"])
    def get(self, request):
        """The current sharing choice."""
        return Response(ConsentSerializer(_own(request)).data)

    @extend_schema(request=ConsentSerializer, responses=ConsentSerializer, tags=["careers"])
    def put(self, request):
        """Share with every active member company (`share_with_all`) or the chosen `companies`; or withdraw
        (`sharing: false`), which takes effect at once for search, downloads and resume books not yet built."""
        serializer = ConsentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.consent_set(profile=_own(request), **serializer.validated_data)
        return Response(ConsentSerializer(_own(request)).data)


class MyConsentHistoryView(StudentView, generics.ListAPIView):
    serializer_class = ConsentRecordSerializer

    @extend_schema(tags=["careers"])
    def get(self, request, *args, **kwargs):
        """Every consent change and renewal, newest first."""
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ConsentRecord.objects.none()
        return ConsentRecord.objects.filter(profile__user=self.request.user).order_by("-at", "-id")


class MyRenewView(StudentView):
    @extend_schema(request=None, responses=MyProfileSerializer, tags=["careers"])
    def post(self, request):
        """Keep the profile visible CAREERS_RENEWAL_MONTHS from today (also after it expired)."""
        services.profile_renew(profile=_own(request))
        return _profile_response(request)


class MyViewsView(StudentView, generics.ListAPIView):
    serializer_class = ProfileViewSerializer

    @extend_schema(tags=["careers"])
    def get(self, request, *args, **kwargs):
        """Who looked at the profile or CV, or got it in a resume book: the company and when, newest first."""
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ProfileView.objects.none()
        return selectors.own_views(user=self.request.user)
