"""manage.py rollup_usage: complete months only, idempotent, and the report's figures do not change."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from api.reporting.models import RollupWatermark, UsageMonth
from tests.reporting.conftest import at, download
from tests.reporting.test_figures import MONTHS, URL

GROUPINGS = ["month", "company", "publication", "month,company,publication"]


def rollup(*args) -> str:
    out = StringIO()
    call_command("rollup_usage", *args, stdout=out)
    return out.getvalue()


def snapshot(client):
    return {group_by: client.get(f"{URL}usage/", {"group_by": group_by, **MONTHS}).json() for group_by in GROUPINGS}


def without_time(bodies):
    return {key: {**body, "generated_at": None} for key, body in bodies.items()}


def test_rollup_writes_complete_months_only(world):
    assert "Rolled up 2 month(s), 5 row(s); complete through 2026-02." in rollup()
    assert RollupWatermark.objects.get(name="usage").through == datetime.date(2026, 2, 1)
    rows = {
        (row.month.month, row.organisation_id, row.publication_id): (row.downloads, row.views)
        for row in UsageMonth.objects.all()
    }
    A, B, C, p1, p2 = world.A.pk, world.B.pk, world.C.pk, world.p1.pk, world.p2.pk
    assert rows == {
        (1, A, p1): (2, 1),
        (1, C, p2): (0, 1),
        (2, A, p2): (0, 1),
        (2, B, p1): (1, 0),
        (2, None, p2): (1, 0),
    }


def test_the_report_is_the_same_before_and_after_the_rollup(staff_api, member_api, world, settings):
    settings.REPORT_CACHE_SECONDS = 0
    before = without_time(snapshot(staff_api)), without_time(snapshot(member_api))
    rollup()
    after = without_time(snapshot(staff_api)), without_time(snapshot(member_api))
    assert after == before


def test_rollup_is_idempotent_and_incremental(world, settings, staff_api):
    settings.REPORT_CACHE_SECONDS = 0
    rollup()
    first = list(UsageMonth.objects.values_list("month", "organisation_id", "publication_id", "downloads", "views"))
    assert "Rolled up 0 month(s)" in rollup()
    assert "Rolled up 3 month(s)" in rollup("--since", "2025-12")
    again = list(UsageMonth.objects.values_list("month", "organisation_id", "publication_id", "downloads", "views"))
    assert sorted(again, key=str) == sorted(first, key=str)
    # A record of the current month is read live, never rolled up.
    download(world.f1, world.A, at(3, 14))
    assert "Rolled up 0 month(s)" in rollup()
    totals = staff_api.get(f"{URL}usage/", MONTHS).json()["totals"]
    assert totals["downloads"] == 7


def test_a_rolled_up_month_is_read_from_the_rollup(world, staff_api, settings):
    settings.REPORT_CACHE_SECONDS = 0
    rollup()
    UsageMonth.objects.filter(month=datetime.date(2026, 1, 1)).update(downloads=100)
    body = staff_api.get(f"{URL}usage/", MONTHS).json()
    assert body["rows"][0] == {"month": "2026-01", "downloads": 200, "views": 2}


def test_rollup_with_nothing_to_do(db):
    assert "Rolled up 0 month(s), 0 row(s); complete through nothing yet." in rollup()


def test_since_must_be_a_month(db):
    with pytest.raises(CommandError, match="YYYY-MM"):
        rollup("--since", "March")
