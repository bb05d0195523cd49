"""The publication list from the response cache: no stale answer after a write, answers never
shared between callers who see different rows, 304 without a query (api.core.response_cache)."""

import datetime

import pytest
from rest_framework.test import APIClient

from api.accounts import services as account_services
from api.publications import services
from api.publications.models import Publication
from tests.publications.support import NOW, URL


@pytest.fixture
def two(pub_make):
    return pub_make(title="Open wafer", access="public"), pub_make(title="Members wafer", access="members")


def titles(response):
    return sorted(row["title"] for row in response.json()["results"])  # in any order


def test_a_repeated_read_is_a_hit_without_a_query(api, two, django_assert_num_queries):
    first = api.get(URL)
    assert (first.status_code, first["X-Cache"], titles(first)) == (200, "miss", ["Open wafer"])
    with django_assert_num_queries(0):
        second = api.get(URL)
    assert (second.status_code, second["X-Cache"], second.content) == (200, "hit", first.content)
    assert second["ETag"] == first["ETag"]
    assert second["Content-Type"] == first["Content-Type"]
    assert "public" in second["Cache-Control"] and "no-cache" in second["Cache-Control"]


def test_a_hit_reads_the_generations_and_the_answer_in_one_round_trip(api, two, monkeypatch):
    from django.core.cache import cache

    api.get(URL)
    calls, depth = [], []

    def counted(name, real):
        def call(*args, **kwargs):
            if not depth:  # the tests' local-memory cache reads a get_many's keys one get at a time
                calls.append(name)
            depth.append(name)
            try:
                return real(*args, **kwargs)
            finally:
                depth.pop()

        return call

    for name in ("get", "get_many", "add"):
        monkeypatch.setattr(cache, name, counted(name, getattr(cache, name)))
    assert api.get(URL)["X-Cache"] == "hit"
    assert calls == ["get_many"]


@pytest.mark.parametrize("guess", ["the last read", "another worker's older read", "none yet"])
def test_an_answer_under_an_outdated_guess_is_never_served(api, two, guess):
    from api.core.response_cache import views

    first = api.get(URL)
    before = dict(views._last_read)
    services.publication_update(publication=two[0], title="Renamed wafer")
    if guess == "another worker's older read":
        views._last_read.update(before)
    elif guess == "none yet":
        views._last_read.clear()
    # The answer from before the write is still cached under the key of the generations guessed.
    response = api.get(URL)
    assert (response["X-Cache"], titles(response)) == ("miss", ["Renamed wafer"])
    assert response["ETag"] != first["ETag"]
    assert api.get(URL)["X-Cache"] == "hit"


@pytest.mark.parametrize("sent", ["{etag}", "W/{etag}", '"other", {etag}', "*"])
def test_if_none_match_answers_304_without_a_query(api, two, sent, django_assert_num_queries):
    etag = api.get(URL)["ETag"]
    with django_assert_num_queries(0):
        response = api.get(URL, HTTP_IF_NONE_MATCH=sent.format(etag=etag))
    assert (response.status_code, response.content, response["ETag"]) == (304, b"", etag)


def test_if_none_match_any_never_hides_an_invalid_query(api, two):
    # RFC 9110 13.2.1: preconditions are ignored when the answer without them would not be a 2xx.
    response = api.get(URL, {"year_from": "soon"}, HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 400 and list(response.json()["fields"]) == ["year_from"]


def test_a_stale_etag_gets_the_new_answer(api, two):
    etag = api.get(URL)["ETag"]
    services.publication_update(publication=two[0], title="Renamed wafer")
    response = api.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert (response.status_code, titles(response)) == (200, ["Renamed wafer"])
    assert response["ETag"] != etag


def test_the_query_and_its_order_make_the_key(api, two):
    api.get(URL, {"q": "wafer", "ordering": "title"})
    assert api.get(URL, {"ordering": "title", "q": "wafer"})["X-Cache"] == "hit"
    assert api.get(URL, {"q": "wafer"})["X-Cache"] == "miss"
    assert api.get(URL, {"q": "open"})["X-Cache"] == "miss"


@pytest.mark.parametrize(
    "write",
    [
        lambda p, org: services.publication_update(publication=p, access="members"),
        lambda p, org: services.publication_delete(publication=p),
        lambda p, org: Publication.objects.get(pk=p.pk).save(),  # the admin's way: a model save
    ],
    ids=["service-update", "service-delete", "model-save"],
)
def test_every_kind_of_write_invalidates(api, two, member_company, write):
    api.get(URL)
    write(two[0], member_company)
    response = api.get(URL)
    assert response["X-Cache"] == "miss"


def test_callers_never_share_answers(api, member_api, staff_api, two):
    assert titles(api.get(URL)) == ["Open wafer"]
    assert titles(member_api.get(URL)) == ["Members wafer", "Open wafer"]
    assert titles(api.get(URL)) == ["Open wafer"]
    assert titles(staff_api.get(URL)) == ["Members wafer", "Open wafer"]
    member = member_api.get(URL)
    assert "private" in member["Cache-Control"]
    assert "Cookie" in member["Vary"] and "Authorization" in member["Vary"]


def test_a_company_leaving_the_consortium_is_seen_at_once(member_user, two, member_company):
    client = APIClient()
    client.force_login(member_user)  # a real session: the person is read afresh on each request
    assert titles(client.get(URL)) == ["Members wafer", "Open wafer"]
    account_services.organisation_update(organisation=member_company, active=False)
    assert titles(client.get(URL)) == ["Open wafer"]


def test_an_embargo_ends_at_midnight_without_a_write(api, pub_make, pub_clock):
    pub_make(title="Embargoed wafer", access="public", embargo_until=NOW.date() + datetime.timedelta(days=1))
    assert titles(api.get(URL)) == []
    pub_clock.set(NOW + datetime.timedelta(days=1))
    assert titles(api.get(URL)) == ["Embargoed wafer"]


def test_errors_are_not_cached(api, two):
    assert api.get(URL, {"year_from": "soon"}).status_code == 400
    second = api.get(URL, {"year_from": "soon"})
    assert second.status_code == 400 and "X-Cache" not in second


def test_the_cache_can_be_turned_off(api, two, settings):
    settings.RESPONSE_CACHE_SECONDS = 0
    api.get(URL)
    response = api.get(URL)
    assert "ETag" not in response and "X-Cache" not in response


# --- Answers that miss: the total and the rows come from the cache too (counts.py, rows.py) ---------


@pytest.fixture
def many(pub_make):
    return [pub_make(title=f"Wafer {n:02d}", access="public", year=2020 + n % 3) for n in range(12)]


def test_another_page_or_order_of_the_same_list_costs_one_query(api, many, django_assert_num_queries):
    first = api.get(URL, {"page_size": 12}).json()
    with django_assert_num_queries(1):  # the page's keys: the total and the rows are cached
        second = api.get(URL, {"page_size": 5, "page": 2})
    assert second["X-Cache"] == "miss" and second.json()["count"] == first["count"] == 12
    with django_assert_num_queries(1):
        reordered = api.get(URL, {"page_size": 12, "ordering": "title", "unknown": "x"}).json()
    assert [row["title"] for row in reordered["results"]] == sorted(p.title for p in many)


def test_cached_rows_read_exactly_as_freshly_built_ones_for_every_caller(
    settings, api, member_api, staff_api, pub_matrix, many, pub_make
):
    # Rows are kept as JSON and joined into the page (fragments.py): the same bytes, not just the same data.
    pub_make(title='Wafer \u2028 line, «quoted» "title" ✓', abstract="Tab\tand \u2029 and é", keywords=["ü"])
    callers = (api, member_api, staff_api)
    queries = [
        {"page_size": 7},
        {"page_size": 7, "page": 2},
        {"page_size": 1, "page": "last"},
        {"ordering": "title"},
        {"ordering": "-published_on,title", "page_size": 3, "page": 3},
        {"q": "wafer"},
        {"q": "nothing-matches"},
    ]
    for client in callers:
        for query in queries:
            client.get(URL, query)  # fill the answer, count and row caches, each caller's own way
    cached = [[client.get(URL, {**query, "n": "x"}) for query in queries] for client in callers]
    assert {response["X-Cache"] for row in cached for response in row} == {"miss"}
    settings.RESPONSE_CACHE_SECONDS = 0
    fresh = [[client.get(URL, {**query, "n": "x"}) for query in queries] for client in callers]
    assert [[r.content for r in row] for row in cached] == [[r.content for r in row] for row in fresh]
    assert [[r["Content-Type"] for r in row] for row in cached] == [[r["Content-Type"] for r in row] for row in fresh]


def test_a_page_of_cached_rows_is_rendered_as_asked(settings, api, many, pub_make):
    pub_make(title="Wafer \u2028 é")
    indented = {"HTTP_ACCEPT": "application/json; indent=2"}
    api.get(URL)  # the rows are cached
    cached = api.get(URL, {"n": "x"}, **indented)
    settings.RESPONSE_CACHE_SECONDS = 0
    fresh = api.get(URL, {"n": "x"}, **indented)
    assert cached.content == fresh.content and b'\n  "count": 13,' in cached.content


def test_a_write_retires_the_total_and_the_rows(api, many):
    api.get(URL, {"page_size": 5})
    services.publication_update(publication=many[0], title="Renamed wafer")
    services.publication_delete(publication=many[1])
    page = api.get(URL, {"page_size": 50, "fresh": "1"}).json()
    assert page["count"] == 11
    assert "Renamed wafer" in [row["title"] for row in page["results"]]


def test_cached_rows_never_show_a_caller_a_row_they_may_not_see(api, member_api, two):
    assert titles(member_api.get(URL)) == ["Members wafer", "Open wafer"]  # both rows now cached
    response = api.get(URL, {"other": "query"})
    assert response["X-Cache"] == "miss" and titles(response) == ["Open wafer"]
    assert response.json()["count"] == 1


def test_a_row_changes_at_midnight_without_a_write(api, member_api, pub_make, pub_clock):
    pub_make(title="Embargoed wafer", access="public", embargo_until=NOW.date() + datetime.timedelta(days=1))
    assert member_api.get(URL).json()["results"][0]["effective_access"] == "members"
    pub_clock.set(NOW + datetime.timedelta(days=1))
    assert member_api.get(URL, {"n": "1"}).json()["results"][0]["effective_access"] == "public"
