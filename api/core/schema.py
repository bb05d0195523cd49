"""OpenAPI: the bearer-token scheme and the shared error responses, documented once."""

import copy

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error has this shape.",
    "properties": {
        "status": {"type": "integer", "description": "The HTTP status, repeated."},
        "code": {"type": "string", "description": "A stable machine-readable code, e.g. invalid, not_found."},
        "detail": {"type": "string", "description": "A human-readable message."},
        "fields": {
            "type": "object",
            "description": "Validation errors by dotted field path (only on 400 invalid).",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "retry_after": {"type": "integer", "description": "Seconds to wait (only on 429)."},
    },
    "required": ["status", "code", "detail"],
}

ERROR_RESPONSES = {
    "400": "The request is invalid; `fields` names each problem.",
    "401": "Not signed in, or the token is invalid, expired or revoked.",
    "403": "Signed in, but not allowed to do this.",
    "404": "No such resource, or not visible to the caller.",
    "409": "It conflicts with the current state (e.g. deleting what others refer to, an illegal transition).",
    "413": "The uploaded file is larger than the configured limit.",
    "429": "Too many requests; see Retry-After.",
    "503": "The database cannot be reached; see Retry-After.",
}
# Responses that apply only to some operations.
ONLY_FOR_WRITES = {"400"}
ONLY_WITH_PATH_PARAMETERS = {"404"}
ONLY_ON_OBJECTS = {"409"}
ONLY_FOR_UPLOADS = {"413"}
RETRY_AFTER_HEADER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}}


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.core.tokens.authentication.BearerTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token (`wafer_…`) from /api/v1/auth/tokens/ or `manage.py create_token`.",
        }


def _error_response(code: str, description: str) -> dict:
    response = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if code in {"429", "503"}:
        response["headers"] = RETRY_AFTER_HEADER
    return response


def add_error_responses(result, generator, request, public):
    """Postprocessing hook: add the shared error responses to every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                if code in ONLY_FOR_WRITES and method in {"get", "head", "options"} and not operation.get("parameters"):
                    continue
                if code in ONLY_WITH_PATH_PARAMETERS and "{" not in path and method != "get":
                    continue
                on_an_object = method in {"delete", "put", "patch"} or (method == "post" and "{" in path)
                if code in ONLY_ON_OBJECTS and not on_an_object:
                    continue
                if code in ONLY_FOR_UPLOADS and "multipart/form-data" not in operation.get("requestBody", {}).get(
                    "content", {}
                ):
                    continue
                responses.setdefault(code, _error_response(code, description))
    add_idempotency_key(result)
    return result


IDEMPOTENCY_KEY_PARAMETER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "description": (
        "Makes a retry safe: a POST repeated with the same key by the same user within "
        "IDEMPOTENCY_TTL_HOURS (24) answers the first response again, with `Idempotent-Replayed: true`, "
        "and does nothing again. 1 to 255 printable ASCII characters, e.g. a UUID (anything else is a 400 "
        "`idempotency_key_invalid`); ignored for anonymous callers. 5xx, 401, 403, 408 and 429 answers are "
        "not kept: a retry runs again."
    ),
}
IDEMPOTENCY_409 = (
    "With `Idempotency-Key`: `idempotency_in_progress`, the first request with the key is still running "
    "(see Retry-After); `idempotency_not_replayable`, it was done but its answer held a secret or was too "
    "large to keep."
)
IDEMPOTENCY_422 = "`idempotency_key_reused`: the `Idempotency-Key` was already used for a different request."


def add_idempotency_key(result):
    """The optional Idempotency-Key header on every POST, and the answers it adds (api.core.idempotency)."""
    for operations in result.get("paths", {}).values():
        operation = operations.get("post")
        if operation is None:
            continue
        operation.setdefault("parameters", []).append(copy.deepcopy(IDEMPOTENCY_KEY_PARAMETER))
        responses = operation.setdefault("responses", {})
        if "409" in responses:
            responses["409"]["description"] = f"{responses['409']['description']} {IDEMPOTENCY_409}".strip()
            responses["409"].setdefault("headers", RETRY_AFTER_HEADER)
        else:
            responses["409"] = _error_response("409", IDEMPOTENCY_409)
            responses["409"]["headers"] = RETRY_AFTER_HEADER
        responses.setdefault("422", _error_response("422", IDEMPOTENCY_422))


class WaferAutoSchema(AutoSchema):
    """Create and update answer with the read serializer (ServiceViewSet), so document that."""

    def get_response_serializers(self):
        view = self.view
        read_serializer = getattr(view, "read_serializer_class", None)
        if read_serializer is not None and getattr(view, "action", None) in {"create", "update", "partial_update"}:
            return read_serializer
        return super().get_response_serializers()
