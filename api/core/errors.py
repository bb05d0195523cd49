"""One error envelope for the whole API, produced here and nowhere else.

    {"status": 400, "code": "invalid", "detail": "email: Enter a valid email address.",
     "fields": {"email": ["Enter a valid email address."]}}

`fields` is present only for validation errors; keys are dotted paths into the request body
("authors.0.orcid"), and "non_field_errors" holds errors about the body as a whole.
"""

import logging
import sys

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, InterfaceError, OperationalError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import set_rollback

logger = logging.getLogger(__name__)

DATABASE_RETRY_AFTER_SECONDS = 5


class Conflict(Exception):
    """A request that is valid but conflicts with the current state (409), e.g. accepting a
    deliverable that was never submitted. Services raise it; the handler answers the envelope."""

    def __init__(self, detail: str, code: str = "conflict"):
        super().__init__(detail)
        self.detail = detail
        self.code = code


def envelope(status_code: int, code: str, detail: str, fields: dict | None = None, **extra) -> dict:
    body = {"status": status_code, "code": code, "detail": detail}
    if fields is not None:
        body["fields"] = fields
    body.update(extra)
    return body


def flatten_errors(errors, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure as {"dotted.path": ["message", ...]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            flat.update(flatten_errors(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(errors, list) and errors and all(isinstance(item, str) for item in errors):
        flat[prefix or "non_field_errors"] = [str(item) for item in errors]
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            if value:
                flat.update(flatten_errors(value, f"{prefix}.{index}" if prefix else str(index)))
    else:
        flat[prefix or "non_field_errors"] = [str(errors)]
    return flat


def _summary(fields: dict[str, list[str]]) -> str:
    key, messages = next(iter(fields.items()))
    first = messages[0] if messages else "Invalid input."
    return first if key == "non_field_errors" else f"{key}: {first}"


def is_database_unavailable(exc) -> bool:
    if isinstance(exc, (OperationalError, InterfaceError)):
        return True
    # Some drivers raise a plain DatabaseError for a refused or dropped connection.
    return isinstance(exc, DatabaseError) and "connect" in str(exc).lower()


def database_unavailable_body() -> dict:
    return envelope(503, "service_unavailable", "The database cannot be reached. Try again shortly.")


def database_unavailable_response() -> JsonResponse:
    response = JsonResponse(database_unavailable_body(), status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    return response


def _validation_response(detail) -> Response:
    fields = flatten_errors(detail) or {"non_field_errors": ["Invalid input."]}
    return Response(envelope(400, "invalid", _summary(fields), fields), status=400)


def _api_exception_response(exc: exceptions.APIException) -> Response:
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    extra = {}
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
        extra["retry_after"] = int(exc.wait)
    detail = exc.detail
    code = getattr(detail, "code", None) or exc.default_code
    if isinstance(detail, (list, dict)):
        fields = flatten_errors(detail)
        message = _summary(fields) if fields else str(exc.default_detail)
        return Response(
            envelope(exc.status_code, code, message, fields, **extra), status=exc.status_code, headers=headers
        )
    return Response(envelope(exc.status_code, code, str(detail), **extra), status=exc.status_code, headers=headers)


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every API error leaves through here."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    if isinstance(exc, Conflict):
        set_rollback()
        return Response(envelope(409, exc.code, exc.detail), status=409)
    if isinstance(exc, (ProtectedError, RestrictedError)):
        set_rollback()
        detail = "This cannot be deleted while other records refer to it."
        return Response(envelope(409, "protected", detail), status=409)
    if isinstance(exc, exceptions.ValidationError):
        set_rollback()
        return _validation_response(exc.detail)
    if isinstance(exc, exceptions.APIException):
        set_rollback()
        return _api_exception_response(exc)
    if is_database_unavailable(exc):
        logger.error("database unavailable: %s", exc)
        response = Response(database_unavailable_body(), status=503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
        return response
    return None  # a bug: Django logs it and handler500 answers


def _json_or_none(request, status_code: int, code: str, detail: str):
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(envelope(status_code, code, detail), status=status_code)
    return None


@csrf_exempt  # an unknown path is a 404 whatever the method, never a CSRF page
def api_not_found(request, *args, **kwargs):
    """Unknown paths under /api/ answer the JSON envelope, also with DEBUG on."""
    detail = f"No API endpoint at {request.path}."
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not api_not_found:
            detail += f" Did you mean {request.path}/ (with a trailing slash)?"
    return JsonResponse(envelope(404, "not_found", detail), status=404)


def page_not_found(request, exception=None):
    from django.views.defaults import page_not_found as html_not_found

    return _json_or_none(request, 404, "not_found", "Not found.") or html_not_found(request, exception)


def server_error(request):
    from django.views.defaults import server_error as html_server_error

    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable_response()
    response = _json_or_none(request, status.HTTP_500_INTERNAL_SERVER_ERROR, "server_error", "Internal server error.")
    return response or html_server_error(request)


def bad_request(request, exception=None):
    from django.views.defaults import bad_request as html_bad_request

    return _json_or_none(request, 400, "bad_request", "Bad request.") or html_bad_request(request, exception)


def permission_denied(request, exception=None):
    from django.views.defaults import permission_denied as html_permission_denied

    return _json_or_none(request, 403, "permission_denied", "Permission denied.") or html_permission_denied(
        request, exception
    )


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: JSON under /api/, Django's page elsewhere (the admin)."""
    from django.views.csrf import csrf_failure as html_csrf_failure

    detail = f"CSRF Failed: {reason}" if reason else "CSRF Failed."
    return _json_or_none(request, 403, "permission_denied", detail) or html_csrf_failure(request, reason)
