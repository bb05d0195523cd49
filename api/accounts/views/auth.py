"""Signing in and out with a session (the SPA), and who am I."""

from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.middleware.csrf import get_token
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.accounts.serializers import LoginSerializer, MeSerializer, MeUpdateSerializer, PasswordChangeSerializer
from api.accounts.services import person_update
from api.core.audit.services import audit_record
from api.core.throttling import LoginThrottle
from api.core.tokens.authentication import token_of

CsrfSerializer = inline_serializer("Csrf", {"csrf_token": serializers.CharField()})


def _me(request) -> Response:
    return Response(MeSerializer(request.user, context={"request": request, "token": token_of(request)}).data)


class CsrfView(APIView):
    """Sets the CSRF cookie and returns its value, for the SPA's first call."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=CsrfSerializer, tags=["auth"])
    def get(self, request):
        return Response({"csrf_token": get_token(request)})  # get_token also sets the cookie


class LoginView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [LoginThrottle]

    @extend_schema(request=LoginSerializer, responses={200: MeSerializer}, tags=["auth"])
    def post(self, request):
        # Signing in changes the session, so it is CSRF-protected like every other session write
        # (DRF only checks CSRF for requests that are already authenticated).
        SessionAuthentication().enforce_csrf(request)
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request, username=serializer.validated_data["email"], password=serializer.validated_data["password"]
        )
        if user is None:
            raise ValidationError({"non_field_errors": ["Wrong email or password."]}, code="invalid_credentials")
        login(request, user)
        request.user = user
        audit_record(action="login", target=user)
        return _me(request)


class LogoutView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=None, responses={204: OpenApiResponse(description="Signed out.")}, tags=["auth"])
    def post(self, request):
        if request.user.is_authenticated and token_of(request) is None:
            audit_record(action="logout", target=request.user)
        logout(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """Who am I; people may correct their own name and title (role and organisation are staff's)."""

    @extend_schema(responses=MeSerializer, tags=["auth"])
    def get(self, request):
        return _me(request)

    @extend_schema(request=MeUpdateSerializer, responses=MeSerializer, tags=["auth"])
    def patch(self, request):
        serializer = MeUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        request.user = person_update(person=request.user, **serializer.validated_data)
        return _me(request)


class PasswordView(APIView):
    """Change one's own password; the current one is required. Other sessions stay signed in."""

    throttle_classes = [LoginThrottle]  # guessing the current password is a sign-in attempt

    @extend_schema(
        request=PasswordChangeSerializer, responses={204: OpenApiResponse(description="Changed.")}, tags=["auth"]
    )
    def post(self, request):
        serializer = PasswordChangeSerializer(data=request.data, context={"user": request.user})
        serializer.is_valid(raise_exception=True)
        if not request.user.check_password(serializer.validated_data["current_password"]):
            raise ValidationError({"current_password": ["This is not your current password."]})
        user = person_update(person=request.user, password=serializer.validated_data["new_password"])
        if token_of(request) is None:
            update_session_auth_hash(request._request, user)  # keep this session signed in
        return Response(status=status.HTTP_204_NO_CONTENT)
