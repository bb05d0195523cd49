"""Report parameters (api.reporting): any values are a 200 or a 400 naming given parameters, never a
500; and a date parameter takes exactly the real days of Wafer's years (REPORT_DATES)."""

import datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from api.reporting.serializers import REPORT_DATES
from api.reporting.views import REPORT_VIEWS
from tests.properties.support import DATABASE, query_values

REPORTS = sorted(REPORT_VIEWS)


def url(report: str) -> str:
    return f"/api/v1/reports/{report}/"


def parameter_names(report: str) -> list[str]:
    view_class, _ = REPORT_VIEWS[report]
    return [*view_class.query_serializer_class().fields, "format"]


def group_bys(report: str):
    _, choices = REPORT_VIEWS[report]
    return st.one_of(query_values, st.lists(st.sampled_from(choices), min_size=1, max_size=3).map(",".join))


@pytest.mark.parametrize("report", REPORTS)
@DATABASE
@given(data=st.data())
@example(data=None)  # no parameters: the report answers (else this test would prove nothing)
def test_any_report_parameters_are_a_200_or_a_400_naming_them(db, staff_api, report, data):
    if data is None:
        assert staff_api.get(url(report)).status_code == 200
        return
    values = {name: group_bys(report) if name == "group_by" else query_values for name in parameter_names(report)}
    params = data.draw(st.fixed_dictionaries({}, optional=values).filter(bool), label="params")
    response = staff_api.get(url(report), params)
    assert response.status_code in (200, 400), response.content[:300]
    if response.status_code == 400:
        fields = response.json()["fields"]
        assert fields and set(fields) <= set(params), fields


def real_day(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


@pytest.mark.parametrize("name", ["from", "to"])
@DATABASE
@given(st.integers(0, 10000), st.integers(0, 13), st.integers(0, 32))
@example(9999, 12, 31)  # the day after `to` was an OverflowError (a 500) in the usage and events reports
@example(1, 1, 1)
@example(2024, 2, 29)
@example(2026, 2, 29)
def test_a_report_date_is_accepted_exactly_when_it_is_a_real_day_of_wafers_years(db, staff_api, name, y, m, d):
    day = real_day(y, m, d) if 1 <= y <= 9999 else None
    valid = day is not None and REPORT_DATES[0] <= day <= REPORT_DATES[1]
    text = f"{y:04d}-{m:02d}-{d:02d}"
    params = {"to": text} if name == "to" else {"from": text, "to": text}  # one day: within usage's 60 months
    for report in ("usage", "events"):  # the two that did date arithmetic on the parameter
        response = staff_api.get(url(report), params)
        assert response.status_code == (200 if valid else 400), (report, params, response.content[:200])
