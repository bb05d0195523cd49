"""Request-wide mechanics that must run before any view: client IP and database outages."""

import logging

from api.core import request_context
from api.core.client_ip import client_ip
from api.core.errors import database_unavailable_response, is_database_unavailable

logger = logging.getLogger(__name__)


class ClientIPMiddleware:
    """Sets request.client_ip and makes the request available to the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.client_ip = client_ip(request.META)
        with request_context.bind_request(request):
            return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A database that cannot be reached answers 503 JSON with Retry-After, never an HTML page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        # Exceptions raised by other middleware reach handler500 (api.core.errors.server_error).
        if is_database_unavailable(exception):
            logger.error("database unavailable: %s", exception)
            return database_unavailable_response()
        return None
