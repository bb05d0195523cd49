"""A database that fails before the view runs (a session lookup, a token lookup in middleware) or in the
middle of a request still answers the 503 JSON envelope, never Django's 500 HTML page.

The real outage, with real processes and a stopped PostgreSQL, is tests/farm/test_database_fault.py;
here the failure is injected where it would surface, so every path is pinned on SQLite too.
"""

from unittest import mock

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore
from django.db import InterfaceError, OperationalError
from django.test import Client

from api.core.tokens.services import token_create
from tests import factories

pytestmark = pytest.mark.django_db

DOWN = OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")


def _assert_database_503(response):
    assert response.status_code == 503, response.content[:300]
    assert response["Content-Type"] == "application/json" and response["Retry-After"] == "5"
    assert response.json() == {
        "status": 503,
        "code": "service_unavailable",
        "detail": "The database cannot be reached. Try again shortly.",
    }


def _client(**cookies) -> Client:
    client = Client(raise_request_exception=False)  # as in production: the handlers answer
    for name, value in cookies.items():
        client.cookies[name] = value
    return client


@pytest.mark.parametrize("path", ["/api/v1/programs/", "/admin/", "/api/v1/auth/me/"])
def test_a_session_lookup_that_cannot_reach_the_database_answers_503_json(path):
    with mock.patch.object(SessionStore, "load", side_effect=DOWN):
        _assert_database_503(_client(sessionid="x" * 32).get(path))


def test_a_token_lookup_in_the_idempotency_middleware_answers_503_json():
    # process_view runs outside DRF's exception handling: the failure reaches handler500.
    token = token_create(user=factories.staff(), name="t", scopes=["read", "write"]).raw
    with mock.patch("api.core.tokens.authentication.BearerTokenAuthentication.authenticate", side_effect=DOWN):
        response = _client().post(
            "/api/v1/programs/",
            {"name": "x"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
            HTTP_IDEMPOTENCY_KEY="k-1",
        )
    _assert_database_503(response)


@pytest.mark.parametrize("error", [DOWN, InterfaceError("connection already closed")])
def test_a_connection_that_dies_in_the_middle_of_a_request_answers_503_json(error):
    # Psycopg reports a server gone mid-query as OperationalError; a closed connection reused as InterfaceError.
    with mock.patch("django.db.models.sql.compiler.SQLCompiler.execute_sql", side_effect=error):
        _assert_database_503(_client().get("/api/v1/programs/"))
