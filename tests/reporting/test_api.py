"""Who may read reports, what a member company never sees, CSV, strict parameters, cache, query counts."""

import csv
import io
import json

import pytest
from django.core.cache import cache

from tests.reporting.conftest import at, download, view
from tests.reporting.test_figures import MONTHS, URL

REPORTS = ["publications", "deliverables", "usage", "events", "careers"]


@pytest.mark.parametrize("report", ["", *REPORTS])
@pytest.mark.parametrize(
    ("client", "status"),
    [
        ("api", 401),
        ("faculty_api", 403),
        ("student_api", 403),
        ("inactive_member_api", 403),
        ("member_api", 200),
        ("staff_api", 200),
    ],
)
def test_who_may_read_reports(request, db, client, status, report):
    response = request.getfixturevalue(client).get(f"{URL}{report}/" if report else URL)
    assert response.status_code == status, response.content
    if status != 200:
        assert response.json()["status"] == status


def test_the_index_lists_every_report(staff_api):
    body = staff_api.get(URL).json()
    assert [item["name"] for item in body] == REPORTS
    assert body[2]["url"] == "http://testserver/api/v1/reports/usage/"
    assert body[2]["group_by"] == ["month", "company", "publication"]


@pytest.mark.parametrize(
    ("report", "params"),
    [
        ("usage", {"group_by": "company,publication,month", **MONTHS}),
        ("events", {"group_by": "company"}),
        ("events", {"group_by": "event"}),
        ("careers", {"group_by": "company"}),
    ],
)
def test_a_member_company_never_sees_another_companys_numbers(member_api, world, report, params):
    body = member_api.get(f"{URL}{report}/", params).json()
    assert body["rows"]
    for row in body["rows"]:
        assert row.get("company_id", world.A.pk) == world.A.pk
    text = json.dumps(body)
    for other in (world.B, world.C):
        assert other.name not in text and f'"company_id": {other.pk}' not in text


def test_consortium_totals_are_withheld_when_they_would_reveal_one_company(member_api, world):
    # Without Quanta's records, "consortium minus Aster" would be Helix's figures.
    from api.careers.models import ProfileView
    from api.core.files.models import DownloadRecord
    from api.events.models import Registration
    from api.publications.models import PublicationView

    DownloadRecord.objects.filter(organisation_id=world.C.pk).delete()
    PublicationView.objects.filter(organisation_id=world.C.pk).delete()
    Registration.objects.filter(company=world.C).delete()
    ProfileView.objects.filter(organisation_id=world.C.pk).delete()
    assert member_api.get(f"{URL}usage/", MONTHS).json()["totals"]["consortium"] is None
    assert member_api.get(f"{URL}events/").json()["totals"]["consortium"] is None
    assert member_api.get(f"{URL}careers/", {"group_by": "company"}).json()["totals"]["consortium"] is None


def test_a_member_may_not_ask_for_another_company(member_api, world):
    response = member_api.get(f"{URL}usage/", {"company": world.B.pk})
    assert response.status_code == 403
    own = member_api.get(f"{URL}usage/", {"company": world.A.pk, **MONTHS}).json()
    assert own["totals"] == {"downloads": 3, "views": 2, "consortium": {"downloads": 6, "views": 5}}


@pytest.mark.parametrize(
    ("report", "params"),
    [
        ("publications", {}),
        ("deliverables", {"group_by": "task"}),
        ("usage", {"group_by": "month,company,publication", **MONTHS}),
        ("events", {"group_by": "company"}),
        ("careers", {}),
        ("careers", {"group_by": "company"}),
    ],
)
def test_csv_has_the_json_rows(staff_api, world, report, params):
    body = staff_api.get(f"{URL}{report}/", params).json()
    response = staff_api.get(f"{URL}{report}/", {**params, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="wafer-{report}-report.csv"')
    parsed = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(parsed) == len(body["rows"]) > 0

    def as_text(value):
        text = "" if value is None else str(value)
        return "'" + text if text.startswith(("=", "+", "-", "@")) else text

    assert parsed == [{key: as_text(value) for key, value in row.items()} for row in body["rows"]]


def test_csv_cells_never_run_as_formulas(staff_api, world):
    response = staff_api.get(f"{URL}usage/", {"group_by": "publication", "format": "csv", **MONTHS})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["publication_id", "publication_title", "downloads", "views"]
    assert rows[2][1] == '\'=HYPERLINK("x")'


@pytest.mark.parametrize(
    ("report", "params", "field"),
    [
        ("publications", {"from": "2026-13-01"}, "from"),
        ("publications", {"from": "2026-03-01", "to": "2026-02-01"}, "from"),
        ("publications", {"program": "x"}, "program"),
        ("publications", {"program": ""}, "program"),
        ("publications", {"kind": "poem"}, "kind"),
        ("publications", {"colour": "red"}, "colour"),
        ("deliverables", {"group_by": "university"}, "group_by"),
        ("usage", {"group_by": "month,month"}, "group_by"),
        ("usage", {"group_by": "year"}, "group_by"),
        ("usage", {"from": "2020-01-01", "to": "2026-01-01"}, "from"),
        ("usage", {"limit": "0"}, "limit"),
        ("usage", {"limit": "2001"}, "limit"),
        ("events", {"event": str(2**63)}, "event"),
        ("careers", {"format": "xml"}, "format"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(staff_api, db, report, params, field):
    response = staff_api.get(f"{URL}{report}/", params)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    assert field in response.json()["fields"]


def test_errors_stay_json_when_csv_is_asked_for(staff_api, member_api, db):
    response = staff_api.get(f"{URL}usage/", {"format": "csv", "to": "nope"})
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    response = member_api.get(f"{URL}usage/", {"format": "csv", "company": 999})
    assert response.status_code == 403 and response["Content-Type"] == "application/json"


@pytest.mark.parametrize("report", ["publications", "deliverables", "usage", "events", "careers"])
def test_options_with_format_csv_answers_the_metadata_as_json(staff_api, db, report):
    # Found by the contract fuzzer: OPTIONS has no report rows to write as CSV (it was a 500).
    response = staff_api.options(f"{URL}{report}/", {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "name" in response.json()


def test_a_second_call_is_served_from_the_cache(staff_api, world, count_queries):
    first = staff_api.get(f"{URL}usage/", MONTHS).json()
    download(world.f1, world.A, at(3, 10))  # within the cache's lifetime, figures may lag
    with count_queries() as queries:
        again = staff_api.get(f"{URL}usage/", MONTHS).json()
        as_csv = staff_api.get(f"{URL}usage/", {**MONTHS, "format": "csv"})
    assert len(queries) == 0
    assert again == first and as_csv.status_code == 200
    cache.clear()
    assert staff_api.get(f"{URL}usage/", MONTHS).json()["totals"]["downloads"] == 7


def test_the_cache_is_per_scope(staff_api, member_api, world):
    assert staff_api.get(f"{URL}events/").json()["totals"]["registered"] == 7
    assert member_api.get(f"{URL}events/").json()["totals"]["registered"] == 3


def test_cached_figures_expire(staff_api, world, settings, monkeypatch):
    import time

    import django.core.cache.backends.base as base
    import django.core.cache.backends.locmem as locmem

    settings.REPORT_CACHE_SECONDS = 60
    clock = {"now": time.time()}
    fake = type("Clock", (), {"time": staticmethod(lambda: clock["now"])})
    monkeypatch.setattr(locmem, "time", fake)  # when an entry has expired
    monkeypatch.setattr(base, "time", fake)  # when an entry expires
    assert staff_api.get(f"{URL}events/").json()["totals"]["checked_in"] == 3
    view(world.p1, world.c_member, at(3, 10))
    from api.events.models import Registration

    Registration.objects.filter(event=world.e2, person=world.c_member).update(checked_in_at=at(3, 14))
    clock["now"] += 59
    assert staff_api.get(f"{URL}events/").json()["totals"]["checked_in"] == 3
    clock["now"] += 2
    assert staff_api.get(f"{URL}events/").json()["totals"]["checked_in"] == 4


def test_no_cache_when_the_lifetime_is_zero(staff_api, world, settings, count_queries):
    settings.REPORT_CACHE_SECONDS = 0
    staff_api.get(f"{URL}events/")
    with count_queries() as queries:
        staff_api.get(f"{URL}events/")
    assert len(queries) > 0


def _more_records(world, copies):
    from api.events.models import Registration
    from tests import factories

    for _ in range(copies):
        person = factories.member(world.B)
        download(world.f2, world.B, at(3, 6))
        view(world.p2, person, at(2, 7))
        Registration.objects.create(event=world.e2, person=person, company=world.B, status="confirmed")


@pytest.mark.parametrize(
    ("report", "params"),
    [
        ("publications", {}),
        ("deliverables", {"group_by": "task"}),
        ("usage", {"group_by": "month,company,publication", **MONTHS}),
        ("events", {"group_by": "company"}),
        ("events", {"group_by": "event"}),
        ("careers", {}),
        ("careers", {"group_by": "company"}),
    ],
)
@pytest.mark.parametrize("client", ["staff_api", "member_api"])
def test_query_counts_do_not_grow_with_the_data(request, world, settings, count_queries, report, params, client):
    settings.REPORT_CACHE_SECONDS = 0
    api = request.getfixturevalue(client)
    _more_records(world, 2)
    with count_queries() as few:
        assert api.get(f"{URL}{report}/", params).status_code == 200
    _more_records(world, 10)
    with count_queries() as many:
        assert api.get(f"{URL}{report}/", params).status_code == 200
    assert len(few) == len(many)
    # Pinned: the aggregates plus the name look-ups (usage: watermark, files, downloads, views,
    # organisations, titles; a member adds three for the consortium totals).
    expected = {
        ("publications", "staff_api"): 2,
        ("deliverables", "staff_api"): 1,
        ("usage", "staff_api"): 6,
        ("usage", "member_api"): 8,
        ("events", "staff_api"): 1,
        ("events", "member_api"): 2,
        ("careers", "staff_api"): 1,
        ("careers", "member_api"): 2 if params.get("group_by") == "company" else 1,
    }
    assert len(many) == expected.get((report, client), len(many)), [query["sql"] for query in many.captured_queries]
