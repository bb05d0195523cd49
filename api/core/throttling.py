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

    def window_key(self, request, view) -> str | None:
        """The key counting this caller's requests in the current window; None when this throttle
        does not apply to the request."""
        if self.rate is None:
            return None
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return None
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        return f"{self.key}:{window}"

    def allow_request(self, request, view):
        key = self.window_key(request, view)
        if key is None:
            return True
        try:
            count = self.cache.incr(key)  # one round trip, except for a window's first request
        except ValueError:
            count = self._start_window(key)
        return self.allows(count)

    def allows(self, count: int | None) -> bool:
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


class ThrottlesReadWithTheCache:
    """A view's window throttles, counted in the view's first cache read instead of a round trip of
    their own: the windows' incrs go ahead of the read of the generations and the answer
    (api.core.response_cache.views; api.core.cache.get_many_counting), which reads the counts back.
    For a cached answer or a 304, that read was the request's only other round trip: ~0.1 ms of ~0.5.

    At a window's first request, the incr finds no count and the read starts the window (add); a
    concurrent first request may then lose one count to the race between them: one at most, well
    inside the fixed window's own slack (the module's doc)."""

    def __init__(self, throttles: list[WindowThrottle], request, view):
        self.windows = [(throttle, key) for throttle in throttles if (key := throttle.window_key(request, view))]

    @property
    def keys(self) -> list[str]:
        return [key for _, key in self.windows]

    def waits(self, found: dict) -> list[float]:
        """How long to wait, for each throttle whose window is full, given the cache read of `keys`.
        A window not yet in the cache starts now (with a round trip, once per window)."""
        waits = []
        for throttle, key in self.windows:
            count = found[key] if key in found else throttle._start_window(key)
            if not throttle.allows(count):
                waits.append(throttle.wait())
        return waits


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
