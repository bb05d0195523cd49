"""Throttles for anonymous callers, signed-in users and API tokens, keyed by the real client IP.

Each counts requests in fixed windows with one atomic incr in the shared cache (an add starts a
window): constant size and one round trip whatever the rate. DRF's own SimpleRateThrottle keeps every
request's timestamp in one cached list that it reads and rewrites on every request; at thousands a
minute from one address (a busy NAT, a load test) that list costs more than the request itself
(bench/: 41% of a cached answer).
A fixed window may let through up to twice the rate across a window's edge, which these limits allow.
"""

from rest_framework.throttling import SimpleRateThrottle

from api.core.tokens.authentication import token_of


class WindowThrottle(SimpleRateThrottle):
    """SimpleRateThrottle's rates and cache keys, counted per fixed window (see the module's doc)."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        key = f"{self.key}:{window}"
        try:
            count = self.cache.incr(key)  # one round trip, except for a window's first request
        except ValueError:
            count = self._start_window(key)
        return count is None or count <= self.num_requests

    def _start_window(self, key) -> int | None:
        if self.cache.add(key, 1, self.duration + 1):
            return 1
        try:  # another worker started it meanwhile
            return self.cache.incr(key)
        except ValueError:  # the cache is unreachable: never lock people out for that
            return None

    def wait(self):
        return max(0.0, self.window_ends - self.now)


def _ident(request) -> str:
    return getattr(request, "client_ip", None) or request.META.get("REMOTE_ADDR", "unknown")


class AnonThrottle(WindowThrottle):
    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": _ident(request)}


class UserThrottle(WindowThrottle):
    """Signed-in users on a session (tokens have their own budget)."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated) or token_of(request) is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class TokenThrottle(WindowThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        token = token_of(request)
        if token is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}


class LoginThrottle(WindowThrottle):
    """Sign-in attempts per client IP, whoever they claim to be."""

    scope = "login"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": _ident(request)}
