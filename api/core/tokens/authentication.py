"""`Authorization: Bearer <token>` for integrations and staff scripts."""

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS

from api.core.tokens.models import ApiToken
from api.core.tokens.services import token_for_raw_key, token_touch

# Query-string names under which clients commonly (and wrongly) send tokens.
QUERY_STRING_TOKEN_NAMES = ("access_token", "token", "api_key", "apikey", "key", "bearer")
WRITE_SCOPE = "write"


def token_of(request) -> ApiToken | None:
    token = getattr(request, "auth", None)
    return token if isinstance(token, ApiToken) else None


def _usable_token(request, raw: str) -> ApiToken | None:
    """token_for_raw_key once per HTTP request: the idempotency middleware authenticates before the
    view does (api.core.idempotency.middleware), and the second lookup would be the same query."""
    http_request = getattr(request, "_request", request)
    cached = getattr(http_request, "_wafer_bearer_token", None)
    if cached is None or cached[0] != raw:
        cached = (raw, token_for_raw_key(raw))
        http_request._wafer_bearer_token = cached
    return cached[1]


class BearerTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"
    realm = "api"

    def authenticate(self, request):
        if any(name in request.query_params for name in QUERY_STRING_TOKEN_NAMES):
            # Query strings end up in logs, histories and Referer headers.
            raise exceptions.AuthenticationFailed(
                "Tokens in the query string are refused; send them as 'Authorization: Bearer <token>'.",
                code="token_in_query_string",
            )
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header: use 'Bearer <token>'.")
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("The token contains invalid characters.") from exc
        token = _usable_token(request, raw)
        if token is None:
            raise exceptions.AuthenticationFailed("The token is invalid, expired or revoked.", code="invalid_token")
        if request.method not in SAFE_METHODS and WRITE_SCOPE not in token.scope_list:
            # Enforced here, once, so no view can forget it: a read token never changes anything.
            raise exceptions.PermissionDenied(
                "This token has the read scope only; changes need a token with the write scope.",
                code="insufficient_scope",
            )
        token_touch(token)
        return token.user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="{self.realm}"'
