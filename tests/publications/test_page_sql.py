"""A visitor's list page from SQL compiled once per filter set (api.core.response_cache.page_sql): the
same answers as a page built from scratch, fresh rows after writes, every bad value still a 400."""

import datetime

import pytest
from django_filters import RangeFilter
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIRequestFactory

from api.core.filters import WaferFilterBackend
from api.core.response_cache import page_sql
from api.publications import services
from api.publications.filters import PublicationFilter
from api.publications.views.publications import PublicationViewSet
from tests.publications.support import NOW, URL


@pytest.fixture
def builds(monkeypatch):
    """How many times a list was filtered (built) by the ORM."""
    calls = []
    original = WaferFilterBackend.filter_queryset

    def counted(self, request, queryset, view):
        calls.append(dict(request.query_params))
        return original(self, request, queryset, view)

    monkeypatch.setattr(WaferFilterBackend, "filter_queryset", counted)
    return calls


@pytest.fixture
def six(pub_make):
    return [pub_make(title=f"Wafer {n}", kind="paper" if n % 2 else "report", year=2020 + n) for n in range(6)]


def titles(response):
    return [row["title"] for row in response.json()["results"]]


def test_the_next_visitor_with_the_same_filters_runs_the_compiled_sql(api, six, builds, django_assert_num_queries):
    first = api.get(URL, {"kind": "paper", "page_size": 2, "n": "1"})
    assert len(builds) == 1 and titles(first) == ["Wafer 5", "Wafer 3"]
    with django_assert_num_queries(1):  # the page's ids; the total and the rows are cached
        again = api.get(URL, {"n": "2", "page_size": 2, "kind": "paper"})
    assert again["X-Cache"] == "miss" and not builds[1:]
    assert again.json()["results"] == first.json()["results"] and again.json()["count"] == 3


def test_each_slice_is_compiled_once(api, six, builds):
    api.get(URL, {"kind": "paper", "page_size": 2})
    second_page = api.get(URL, {"kind": "paper", "page_size": 2, "page": 2})
    assert len(builds) == 2 and titles(second_page) == ["Wafer 1"]
    assert titles(api.get(URL, {"kind": "paper", "page_size": 2, "page": 2, "n": "x"})) == ["Wafer 1"]
    assert len(builds) == 2


def test_another_filter_value_or_order_is_built_and_checked_anew(api, six, builds):
    assert titles(api.get(URL, {"kind": "paper"})) == ["Wafer 5", "Wafer 3", "Wafer 1"]
    assert titles(api.get(URL, {"kind": "report"})) == ["Wafer 4", "Wafer 2", "Wafer 0"]
    assert titles(api.get(URL, {"kind": "report", "ordering": "title"})) == ["Wafer 0", "Wafer 2", "Wafer 4"]
    assert len(builds) == 3
    bad = api.get(URL, {"kind": "bogus"})
    assert bad.status_code == 400 and "kind" in bad.json()["fields"]
    year = api.get(URL, {"year_from": "2020.5"})
    assert year.status_code == 400 and "year_from" in year.json()["fields"]
    order = api.get(URL, {"kind": "report", "ordering": "nope"})
    assert order.status_code == 400 and "ordering" in order.json()["fields"]


def test_the_ids_are_read_fresh_after_a_write(api, six, pub_make, builds):
    assert titles(api.get(URL, {"kind": "paper", "page_size": 2})) == ["Wafer 5", "Wafer 3"]
    pub_make(title="Wafer 9", kind="paper", year=2030)
    services.publication_update(publication=six[5], kind="report")
    page = api.get(URL, {"kind": "paper", "page_size": 2, "n": "x"}).json()
    assert [row["title"] for row in page["results"]] == ["Wafer 9", "Wafer 3"] and page["count"] == 3


def test_a_new_day_compiles_anew(api, pub_make, pub_clock, builds):
    pub_make(title="Open", year=2020)
    embargo = {"embargo_until": NOW.date() + datetime.timedelta(days=1), "embargo_reason": "Patent"}
    pub_make(title="Embargoed", year=2021, **embargo)
    assert titles(api.get(URL, {"page_size": 1})) == ["Open"]
    pub_clock.set(NOW + datetime.timedelta(days=1))  # the same slice, [0:1], of another day's list
    assert titles(api.get(URL, {"page_size": 1})) == ["Embargoed"]


def test_signed_in_callers_build_their_own_list_each_time(member_api, staff_api, six, builds):
    for client in (member_api, member_api, staff_api, staff_api):
        assert client.get(URL, {"kind": "paper", "n": str(len(builds))}).status_code == 200
    assert len(builds) == 4


def test_a_search_that_can_find_nothing_asks_the_database_nothing(api, six, django_assert_num_queries):
    api.get(URL, {"q": "?!"})
    with django_assert_num_queries(0):
        response = api.get(URL, {"q": "?!", "n": "x"})
    assert response.json()["count"] == 0 and titles(response) == []


def test_an_unknown_parameter_does_not_change_the_key_and_a_filter_or_order_does(rf_view):
    assert rf_view({"kind": "paper", "n": "1"}) == rf_view({"n": "2", "kind": "paper"})
    assert rf_view({"kind": "paper"}) != rf_view({"kind": "report"})
    assert rf_view({"kind": "paper"}) != rf_view({"kind": "paper", "ordering": "title"})
    assert rf_view({"q": "wafer"}) != rf_view({"q": "wafer", "year_from": "2020"})
    assert rf_view({"page": "2", "page_size": "5"}) == rf_view({})  # the slice is keyed apart


@pytest.fixture
def rf_view(db):
    def key(params):
        view = a_list_view(PublicationViewSet, params)
        return page_sql.filter_set_key(view, view.request)

    return key


def a_list_view(viewset, params):
    view = viewset(action="list", action_map={"get": "list"}, format_kwarg=None)
    view.request = view.initialize_request(APIRequestFactory().get(URL, params))
    view.request.accepted_renderer = JSONRenderer()
    return view


class WithARangeFilter(PublicationViewSet):
    class filterset_class(PublicationFilter):
        years = RangeFilter(field_name="year")  # reads years_min and years_max


def test_a_total_and_compiled_sql_are_keyed_on_every_parameter_a_filter_reads(db):
    """One rule for both (keys.read_by): a range filter `years` reads `years_min`, not `years`."""

    def keys(params):
        view = a_list_view(WithARangeFilter, params)
        return view.count_key(view.request), page_sql.filter_set_key(view, view.request)

    low, high = keys({"years_min": "2020"}), keys({"years_min": "2024"})
    assert low[0] != high[0] and low[1] != high[1]
    assert keys({"years_min": "2020", "n": "1"}) == low  # a parameter no filter reads changes neither
    assert keys({"years_min": "2020", "ordering": "title"})[0] == low[0]  # one total for every order


def test_what_is_kept_is_bounded(api, six, monkeypatch):
    monkeypatch.setattr(page_sql, "MAX_KEPT", 2)
    monkeypatch.setattr(page_sql, "_compiled", {})
    for year in ("2020", "2021", "2022"):
        assert api.get(URL, {"year_from": year}).status_code == 200
    assert 1 <= len(page_sql._compiled) <= 2
