"""X-Query-Count (api.core.query_count): off by default; when on, the request's queries, counted by the server."""

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from rest_framework.test import APIClient

from api.core.query_count import HEADER, QueryCountMiddleware
from api.research.models import Program

MIDDLEWARE = "api.core.query_count.QueryCountMiddleware"


def test_off_by_default():
    assert django_settings.QUERY_COUNT_HEADER is False
    assert MIDDLEWARE not in django_settings.MIDDLEWARE


@pytest.mark.django_db
def test_no_header_by_default(api):
    assert HEADER not in api.get("/api/v1/programs/")


@pytest.mark.django_db
@pytest.mark.parametrize("queries", [0, 1, 3])
def test_counts_what_the_view_runs(queries):
    def view(request):
        for _ in range(queries):
            list(Program.objects.all())
        return HttpResponse("ok")

    response = QueryCountMiddleware(view)(RequestFactory().get("/"))
    assert response[HEADER] == str(queries)
    assert connection.execute_wrappers == []  # nothing left wrapped after the request


@pytest.mark.django_db
def test_counts_the_whole_stack_through_a_token(settings, staff_user, make_token, count_queries):
    settings.MIDDLEWARE = [MIDDLEWARE, *settings.MIDDLEWARE]
    _, raw = make_token(staff_user)
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {raw}")
    with count_queries() as captured:
        response = client.get("/api/v1/programs/")
    assert response.status_code == 200
    assert int(response[HEADER]) == len(captured) > 0  # the token's lookup included


@pytest.mark.django_db
def test_a_failing_view_leaves_no_wrapper():
    def view(request):
        list(Program.objects.all())
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        QueryCountMiddleware(view)(RequestFactory().get("/"))
    assert connection.execute_wrappers == []
