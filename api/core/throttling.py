"""Throttles for anonymous callers, signed-in users and API tokens, keyed by the real client IP."""

from rest_framework.throttling import SimpleRateThrottle

from api.core.tokens.authentication import token_of


def _ident(request) -> str:
    return getattr(request, "client_ip", None) or request.META.get("REMOTE_ADDR", "unknown")


class AnonThrottle(SimpleRateThrottle):
    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": _ident(request)}


class UserThrottle(SimpleRateThrottle):
    """Signed-in users on a session (tokens have their own budget)."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated) or token_of(request) is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class TokenThrottle(SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        token = token_of(request)
        if token is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}


class LoginThrottle(SimpleRateThrottle):
    """Sign-in attempts per client IP, whoever they claim to be."""

    scope = "login"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": _ident(request)}
