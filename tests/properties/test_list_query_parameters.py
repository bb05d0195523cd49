"""Every list endpoint's query parameters (filters, ordering, page, page_size): any values at all are a
200, or a 400 whose `fields` name only parameters that were given, never a 500. The endpoints are
found from the URL patterns, so a new list is covered the day it is routed."""

import datetime

import django_filters
import pytest
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from api.core.filters import MomentFilter
from api.events.models import Event
from api.webhooks.models import Endpoint
from tests.properties.support import DATABASE, ODD_DIGITS, query_values
from tests.sqlserver.endpoints import walk_urls


def list_endpoints() -> list[tuple[str, type]]:
    found = []
    for route, pattern in walk_urls():
        callback = pattern.callback
        actions = getattr(callback, "actions", None) or {}
        if actions.get("get") == "list":
            found.append(("/" + route.replace("^", "").replace("$", ""), callback.cls))
    return found


ENDPOINTS = list_endpoints()


def parameters(view) -> list[str]:
    names = ["page", "page_size"]
    if getattr(view, "filterset_class", None) is not None:
        names += list(view.filterset_class.base_filters)
    if getattr(view, "ordering_fields", None):
        names.append("ordering")
    return names


def orderings(view):
    fields = list(getattr(view, "ordering_fields", None) or ["id"])
    term = st.one_of(st.sampled_from(fields), st.sampled_from(fields).map("-".__add__), st.text(max_size=8))
    return st.one_of(query_values, st.lists(term, min_size=1, max_size=3).map(",".join))


@pytest.fixture
def nested(db):
    """The objects nested lists hang under (an event's registrations, an endpoint's deliveries)."""
    starts_at = timezone.now() + datetime.timedelta(days=14)
    event = Event.objects.create(
        kind=Event.Kind.WORKSHOP, title="Review", starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=2),
        time_zone="UTC", location="Hall", audience=Event.Audience.PUBLIC, status=Event.Status.PUBLISHED,
    )  # fmt: skip
    endpoint = Endpoint.objects.create(url="https://example.com/hook", event_types=[], secret="s" * 32)
    return {"event_pk": event.pk, "endpoint_pk": endpoint.pk}


def url_of(route: str, nested: dict) -> str:
    for name, pk in nested.items():
        route = route.replace(f"(?P<{name}>\\d{{1,18}})", str(pk))
    return route


def _check(response, params: dict) -> None:
    status = response.status_code
    page = params.get("page", "")
    if status == 404:  # a page past the last one (DRF's "Invalid page.")
        assert page.isascii() and page.isdigit(), response.content[:300]
        return
    assert status in (200, 400), response.content[:300]
    if status == 400:
        fields = response.json()["fields"]
        assert fields and set(fields) <= set(params), fields


@pytest.mark.parametrize(("route", "view"), ENDPOINTS, ids=[route for route, _ in ENDPOINTS])
@DATABASE
@given(data=st.data())
@example(data=None)  # no parameters at all: the list itself answers 200 (else this test would prove nothing)
def test_any_query_parameters_are_a_200_or_a_400_naming_them(staff_api, nested, route, view, data):
    url = url_of(route, nested)
    if data is None:
        assert staff_api.get(url).status_code == 200
        return
    names = parameters(view)
    values = {name: orderings(view) if name == "ordering" else query_values for name in names}
    params = data.draw(st.fixed_dictionaries({}, optional=values).filter(bool), label="params")
    _check(staff_api.get(url, params), params)


@pytest.mark.parametrize("value", [*ODD_DIGITS, "0", "-1", "1.0", " 1", "1 "])
@pytest.mark.parametrize("name", ["page", "page_size"])
def test_page_numbers_and_sizes_are_ascii_whole_numbers(staff_api, name, value):
    response = staff_api.get("/api/v1/organisations/", {name: value})
    assert response.status_code == 400 and list(response.json()["fields"]) == [name]


def typed_parameters(filter_class) -> list[tuple[str, str]]:
    """(route, parameter) of every list filter that is an instance of `filter_class`."""
    return [
        (route, name)
        for route, view in ENDPOINTS
        if getattr(view, "filterset_class", None) is not None
        for name, declared in view.filterset_class.base_filters.items()
        if type(declared) is filter_class or (filter_class is MomentFilter and isinstance(declared, filter_class))
    ]


def _one_parameter(client, nested, route, name, value):
    response = client.get(url_of(route, nested), {name: value})
    assert response.status_code in (200, 400), response.content[:300]
    if response.status_code == 400:
        assert list(response.json()["fields"]) == [name]
    return response.status_code


def exists_in_utc(moment: datetime.datetime) -> bool:
    try:
        moment.astimezone(datetime.UTC)
    except OverflowError:
        return False
    return True


MOMENTS = typed_parameters(MomentFilter)


@pytest.mark.parametrize(("route", "name"), MOMENTS, ids=[f"{route}?{name}" for route, name in MOMENTS])
@DATABASE
@given(st.datetimes(timezones=st.timezones()))
@example(datetime.datetime(9999, 12, 31, 23, tzinfo=datetime.timezone(-datetime.timedelta(hours=5))))  # was a 500
@example(datetime.datetime(1, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=5))))  # was a 500
def test_a_moment_parameter_takes_exactly_the_moments_that_exist_in_utc(staff_api, nested, route, name, moment):
    status = _one_parameter(staff_api, nested, route, name, moment.isoformat())
    assert status == (200 if exists_in_utc(moment) else 400)


DATES = typed_parameters(django_filters.DateFilter)


@pytest.mark.parametrize(("route", "name"), DATES, ids=[f"{route}?{name}" for route, name in DATES])
@DATABASE
@given(st.integers(0, 10000), st.integers(0, 13), st.integers(0, 32))
@example(2024, 2, 29)
@example(2026, 2, 29)
@example(9999, 12, 31)
def test_a_date_parameter_takes_exactly_the_real_days(staff_api, nested, route, name, year, month, day):
    try:
        real = bool(datetime.date(year, month, day))
    except ValueError:
        real = False
    status = _one_parameter(staff_api, nested, route, name, f"{year:04d}-{month:02d}-{day:02d}")
    assert status == (200 if real else 400)


@DATABASE
@given(data=st.data())
def test_the_citation_export_takes_the_list_filters_with_the_same_answers(staff_api, nested, data):
    """/publications/export/ filters and orders as the list does, plus a required `format`."""
    view = dict(ENDPOINTS)["/api/v1/publications/"]
    names = [name for name in parameters(view) if name not in ("page", "page_size")]
    values = {name: orderings(view) if name == "ordering" else query_values for name in names}
    params = data.draw(st.fixed_dictionaries({}, optional=values), label="params")
    params["format"] = data.draw(st.one_of(st.sampled_from(["bibtex", "ris", "csl-json"]), query_values))
    _check(staff_api.get("/api/v1/publications/export/", params), params)
