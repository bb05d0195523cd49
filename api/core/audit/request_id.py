"""One id per request, recorded in the audit trail and answered as `X-Request-ID`, so an audit event, a
log line and a support call about one answer can be matched up.

A trusted proxy's id is kept (HAProxy or a load balancer may have logged it already); anyone else's is
replaced, because a client could otherwise make its requests look like someone else's.
"""

import contextvars
import ipaddress
import re
import uuid

from django.conf import settings

from api.core.client_ip import is_trusted_proxy

HEADER = "X-Request-ID"
_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")  # fits AuditEvent.request_id, nothing a log could misread
_request_id = contextvars.ContextVar("wafer_request_id", default="")


def current_request_id() -> str:
    """The id of the request being served; empty outside one (commands, jobs)."""
    return _request_id.get()


def request_id_for(meta: dict) -> str:
    given = meta.get("HTTP_X_REQUEST_ID", "").strip()
    try:
        peer = ipaddress.ip_address(meta.get("REMOTE_ADDR", ""))
    except ValueError:
        peer = None
    if given and _SANE.match(given) and is_trusted_proxy(peer, tuple(settings.TRUSTED_PROXIES)):
        return given
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_for(request.META)
        reset = _request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(reset)
        response[HEADER] = request.request_id
        return response
