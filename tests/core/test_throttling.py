"""Throttles on the cached lists, which count a request in their first cache read instead of a round
trip of their own (api.core.throttling.ThrottlesReadWithTheCache): every request still counts, once,
whatever the answer (miss, hit or 304), for every kind of caller."""

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from api.core.throttling import WindowThrottle
from api.publications import services
from tests.conftest import bearer, client_for

PUBLICATIONS = "/api/v1/publications/"
TASKS = "/api/v1/tasks/"
LIMIT = 3


@pytest.fixture
def low_rates(monkeypatch):
    # DRF reads the rates once, at import, into the class.
    rates = {"anon": f"{LIMIT}/min", "user": f"{LIMIT}/min", "token": f"{LIMIT}/min", "login": "10/min"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)


@pytest.fixture
def caller(request, member_user, make_token):
    if request.param == "anonymous":
        return APIClient()
    if request.param == "session":
        return client_for(member_user)
    return bearer(make_token(member_user)[1])


def sequence_of_answers(client, url):
    """A miss, a hit and a 304: LIMIT requests, each of which must count."""
    first = client.get(url)
    second = client.get(url)
    third = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    return [(r.status_code, r["X-Cache"]) for r in (first, second, third)]


def assert_throttled(response):
    assert response.status_code == 429, response.content
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "throttled"


CASES = [
    ("anonymous", PUBLICATIONS),
    ("session", PUBLICATIONS),
    ("token", PUBLICATIONS),
    ("session", TASKS),
    ("token", TASKS),
]


@pytest.mark.parametrize(("caller", "url"), CASES, indirect=["caller"])
def test_every_cached_list_request_counts_once_whatever_its_answer(low_rates, caller, url, db):
    assert sequence_of_answers(caller, url) == [(200, "miss"), (200, "hit"), (304, "not-modified")]
    assert_throttled(caller.get(url + "?page=1"))  # the limit is reached, for any list request


@pytest.mark.parametrize(("caller", "url"), CASES, indirect=["caller"])
def test_a_caller_over_the_limit_gets_no_304_either(low_rates, caller, url, db):
    etag = caller.get(url)["ETag"]
    for _ in range(LIMIT - 1):
        assert caller.get(url)["X-Cache"] == "hit"
    assert_throttled(caller.get(url, HTTP_IF_NONE_MATCH=etag))
    assert_throttled(caller.get(url))


def test_callers_have_their_own_budgets(low_rates, member_user, other_member, db):
    for _ in range(LIMIT):
        APIClient(REMOTE_ADDR="10.0.0.1").get(PUBLICATIONS)
    assert_throttled(APIClient(REMOTE_ADDR="10.0.0.1").get(PUBLICATIONS))
    assert APIClient(REMOTE_ADDR="10.0.0.2").get(PUBLICATIONS).status_code == 200
    for _ in range(LIMIT):
        client_for(member_user).get(PUBLICATIONS)
    assert_throttled(client_for(member_user).get(PUBLICATIONS))
    assert client_for(other_member).get(PUBLICATIONS).status_code == 200


def test_with_the_response_cache_off_lists_are_throttled_as_before(low_rates, settings, api, db):
    settings.RESPONSE_CACHE_SECONDS = 0
    assert [api.get(PUBLICATIONS).status_code for _ in range(LIMIT)] == [200] * LIMIT
    assert_throttled(api.get(PUBLICATIONS))


def test_other_actions_of_a_cached_viewset_are_throttled_as_before(low_rates, api, db):
    publication = services.publication_create(
        title="Open wafer", kind="paper", year=2025, access="public", authors=[{"name": "A. Writer"}]
    )
    detail = f"{PUBLICATIONS}{publication.pk}/"
    assert [api.get(detail).status_code for _ in range(LIMIT)] == [200] * LIMIT
    assert_throttled(api.get(detail))
    assert_throttled(api.get(PUBLICATIONS))  # one budget for the caller, lists included


def test_a_new_window_starts_the_count_again(low_rates, api, db, throttle_clock, monkeypatch):
    for _ in range(LIMIT):
        api.get(PUBLICATIONS)
    refused = api.get(PUBLICATIONS)
    assert_throttled(refused)
    assert int(refused["Retry-After"]) == 30  # the clock stands half-way through its minute
    monkeypatch.setattr(WindowThrottle, "timer", staticmethod(lambda: throttle_clock + 30))
    assert [api.get(PUBLICATIONS).status_code for _ in range(LIMIT)] == [200] * LIMIT
    assert_throttled(api.get(PUBLICATIONS))
