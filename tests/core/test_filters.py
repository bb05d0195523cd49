"""The shared filter mechanics: ids that fit a bigint, strict booleans, no empty values, and a request
that names no filter answered without building the filterset."""

import django_filters
import pytest
from django.http import QueryDict
from django_filters.widgets import QueryArrayWidget

from api.core.filters import WaferFilterSet
from api.publications.models import Publication

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["1.5", "99999999999999999999999", "-3", "abc", "0"])
def test_ids_must_be_whole_numbers_that_fit_a_bigint(staff_api, value):
    response = staff_api.get("/api/v1/tasks/", {"pi": value})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["pi"]


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/v1/tasks/", "active_on"),
        ("/api/v1/deliverables/", "due_before"),
        ("/api/v1/organisations/", "kind"),
        ("/api/v1/organisations/", "active"),
    ],
)
def test_typed_parameters_given_without_a_value_are_400(staff_api, url, param):
    response = staff_api.get(f"{url}?{param}=")
    assert response.status_code == 400
    assert response.json()["fields"] == {param: ["Give a value, or leave the parameter out."]}


def test_free_text_may_be_empty(staff_api):
    assert staff_api.get("/api/v1/organisations/?q=").status_code == 200


@pytest.mark.parametrize("value", ["maybe", "null", "yes please"])
def test_booleans_are_true_or_false(api, value):
    response = api.get("/api/v1/organisations/", {"active": value})
    assert response.status_code == 400
    assert response.json()["fields"] == {"active": ["Use true or false."]}


# --- A request naming no filter skips the filterset (WaferFilterBackend): the same answer, sooner ---------


class _Ranged(WaferFilterSet):
    year = django_filters.RangeFilter()
    q = django_filters.CharFilter(method="search")

    class Meta:
        model = Publication
        fields = ["kind"]

    def search(self, queryset, name, value):
        return queryset.filter(title__icontains=value)


@pytest.mark.parametrize(
    ("query", "skipped"),
    [
        ("", True),
        ("page=2&page_size=5&ordering=title&unknown=x", True),
        ("kind=paper", False),
        ("kind=", False),  # an empty typed value is still a 400 (StrictFilterForm)
        ("q=", False),
        ("year_min=2020", False),  # a range's parameters carry suffixes; its widget knows them
        ("year_max=", False),
    ],
)
def test_the_filterset_is_skipped_only_when_no_parameter_is_for_it(query, skipped):
    assert (_Ranged.filters_named(QueryDict(query)) == []) is skipped


class _OwnFilter(django_filters.CharFilter):
    def filter(self, qs, value):
        return qs.filter(title="default") if value in (None, "") else qs.filter(title=value)


class _ActsOnAbsence(WaferFilterSet):
    title = _OwnFilter()


class _Required(WaferFilterSet):
    title = django_filters.CharFilter(required=True)


class _OwnQueryset(WaferFilterSet):
    title = django_filters.CharFilter()

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).filter(year__gte=2000)


class _ReadsOtherKeys(WaferFilterSet):
    title = django_filters.CharFilter(widget=QueryArrayWidget)  # `title[]=` is a value too


class _DefaultsTheData(WaferFilterSet):
    title = django_filters.CharFilter()

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("title", "Open")
        super().__init__(data, *args, **kwargs)


@pytest.mark.parametrize("filterset", [_ActsOnAbsence, _Required, _OwnQueryset, _ReadsOtherKeys, _DefaultsTheData])
def test_a_filterset_that_may_act_on_absent_parameters_is_built_whole(filterset):
    assert filterset.filters_named(QueryDict("")) is None  # so every filter is built, as django-filter does


@pytest.mark.usefixtures("member_user", "other_member", "inactive_member", "faculty_user", "student_user")
def test_an_unfiltered_page_is_the_filtered_path_s_answer(staff_api, settings, monkeypatch):
    for url in ("/api/v1/organisations/", "/api/v1/people/", "/api/v1/tasks/", "/api/v1/publications/"):
        skipped = staff_api.get(url, {"page_size": 3, "page": 2, "x": "y"})
        full = _with_every_filter(staff_api, url, {"page_size": 3, "page": 2, "x": "y"}, settings, monkeypatch)
        assert (skipped.status_code, skipped.json()) == (full.status_code, full.json())
    assert staff_api.get("/api/v1/people/").json()["count"] > 3  # a second page with rows


def _with_every_filter(client, url, params, settings, monkeypatch):
    """The answer when the whole filterset is built, as django-filter builds it, and nothing is cached."""
    monkeypatch.setattr(WaferFilterSet, "filters_named", classmethod(lambda cls, params: None))
    settings.RESPONSE_CACHE_SECONDS = 0
    try:
        return client.get(url, params)
    finally:
        monkeypatch.undo()
        settings.RESPONSE_CACHE_SECONDS = 600


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/publications/", {"q": "wafer"}),
        ("/api/v1/publications/", {"q": "wafer", "kind": "paper", "page_size": 2}),
        ("/api/v1/publications/", {"kind": "bogus"}),
        ("/api/v1/publications/", {"kind": ""}),
        ("/api/v1/publications/", {"q": "", "year_from": "x"}),
        ("/api/v1/publications/", {"year_from": "2020", "year_to": "2019.5", "has_file": "maybe"}),
        ("/api/v1/tasks/", {"status": "active"}),
        ("/api/v1/tasks/", {"status": "nonsense", "program": "0"}),
        ("/api/v1/people/", {"role": "member"}),
        ("/api/v1/organisations/", {"university": "true"}),
    ],
)
@pytest.mark.usefixtures("member_user", "other_member", "faculty_user", "student_user")
def test_a_filterset_of_only_the_named_filters_answers_as_the_whole_one(staff_api, settings, monkeypatch, url, params):
    narrowed = staff_api.get(url, params)
    full = _with_every_filter(staff_api, url, params, settings, monkeypatch)
    assert (narrowed.status_code, narrowed.json()) == (full.status_code, full.json())


def test_only_the_named_filters_are_built():
    assert sorted(_Ranged.filters_named(QueryDict("year_min=2020&page=2&q=x&title=y"))) == ["q", "year"]
    assert list(_Ranged.only(("year",)).base_filters) == ["year"]
    assert _Ranged.only(("year",)) is _Ranged.only(("year",))  # one class per combination
