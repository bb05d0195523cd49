"""The request being served, for code far from the view (the audit trail) that must know who acts.

Services stay free of `request` parameters; they read the caller from here. Management commands
and scripts bind an explicit actor with `acting_as`.
"""

import contextlib
import contextvars
from dataclasses import dataclass

_request = contextvars.ContextVar("wafer_request", default=None)
_actor = contextvars.ContextVar("wafer_actor", default=None)


@dataclass(frozen=True)
class Actor:
    user: object | None
    via: str  # session, token, admin, command, system
    token: object | None = None
    client_ip: str | None = None


@contextlib.contextmanager
def bind_request(request):
    reset = _request.set(request)
    try:
        yield
    finally:
        _request.reset(reset)


@contextlib.contextmanager
def acting_as(user=None, via: str = "command"):
    reset = _actor.set(Actor(user=user, via=via))
    try:
        yield
    finally:
        _actor.reset(reset)


def current_actor() -> Actor:
    explicit = _actor.get()
    if explicit is not None:
        return explicit
    request = _request.get()
    if request is None:
        return Actor(user=None, via="system")
    user = getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    token = getattr(request, "auth", None)
    token = token if getattr(token, "key_hash", None) else None
    if token is not None:
        via = "token"
    elif request.path.startswith("/admin/"):
        via = "admin"
    else:
        via = "session"
    return Actor(user=user, via=via, token=token, client_ip=getattr(request, "client_ip", None))
