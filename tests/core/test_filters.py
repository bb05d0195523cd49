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
    assert _Ranged.filters_nothing(QueryDict(query)) is skipped


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
def test_a_filterset_that_may_act_on_absent_parameters_is_never_skipped(filterset):
    assert filterset.filters_nothing(QueryDict("")) is False


@pytest.mark.usefixtures("member_user", "other_member", "inactive_member", "faculty_user", "student_user")
def test_an_unfiltered_page_is_the_filtered_path_s_answer(staff_api, settings, monkeypatch):
    for url in ("/api/v1/organisations/", "/api/v1/people/", "/api/v1/tasks/", "/api/v1/publications/"):
        skipped = staff_api.get(url, {"page_size": 3, "page": 2, "x": "y"})
        monkeypatch.setattr(WaferFilterSet, "filters_nothing", classmethod(lambda cls, params: False))
        settings.RESPONSE_CACHE_SECONDS = 0
        full = staff_api.get(url, {"page_size": 3, "page": 2, "x": "y"})
        monkeypatch.undo()
        settings.RESPONSE_CACHE_SECONDS = 600
        assert (skipped.status_code, skipped.json()) == (full.status_code, full.json())
    assert staff_api.get("/api/v1/people/").json()["count"] > 3  # a second page with rows
