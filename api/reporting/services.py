"""Writing the roll-ups (api.reporting.models): `rollup_usage`, run by `manage.py rollup_usage`.

Usage is rolled up one complete UTC month at a time, from the month after the watermark (or from
the first month with any usage, on the first run, or from `since` to rebuild) to last month; the
current month is never rolled up (the report reads it live). Each month is replaced in one
transaction while the watermark row is locked: its old rows are deleted, its new rows written and
the watermark moved, so a concurrent report sees the month either before or after, never twice,
and two runs at once take turns. Running it again changes nothing (idempotent); the month's figures
are computed by the same aggregate the report uses live (selectors.usage_groups), so the roll-up
and the live aggregate cannot disagree.
"""

import dataclasses
import datetime

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from api.core.files.models import DownloadRecord
from api.publications.models import PublicationView
from api.reporting.models import RollupWatermark, UsageMonth
from api.reporting.selectors import PUBLICATION_FILE, USAGE_ROLLUP, month_start, next_month, usage_groups

BATCH = 1000  # bulk_create rows per statement: below SQL Server's 2100 parameters (5 columns a row)


@dataclasses.dataclass
class RollupOutcome:
    months: list[datetime.date]
    rows: int
    through: datetime.date | None


def _first_month_with_usage() -> datetime.date | None:
    firsts = [
        DownloadRecord.objects.filter(target_type=PUBLICATION_FILE).aggregate(first=Min("at"))["first"],
        PublicationView.objects.aggregate(first=Min("at"))["first"],
    ]
    firsts = [moment for moment in firsts if moment is not None]
    return month_start(min(firsts).astimezone(datetime.UTC).date()) if firsts else None


def _roll_month(month: datetime.date) -> int:
    with transaction.atomic():
        watermark = RollupWatermark.objects.select_for_update().get(name=USAGE_ROLLUP)
        UsageMonth.objects.filter(month=month).delete()
        groups = usage_groups(filters={"from": month, "to": month}, group_by=("company", "publication"))
        rows = [
            UsageMonth(month=month, organisation_id=organisation_id, publication_id=publication_id, **counts)
            for (organisation_id, publication_id), counts in groups.items()
        ]
        UsageMonth.objects.bulk_create(rows, batch_size=BATCH)
        if watermark.through is None or watermark.through < month:
            watermark.through = month
            watermark.save(update_fields=["through", "updated_at"])
    return len(rows)


def rollup_usage(*, since: datetime.date | None = None) -> RollupOutcome:
    """Roll up every complete month not rolled up yet (or every one from `since`, to rebuild)."""
    this_month = month_start(timezone.now().astimezone(datetime.UTC).date())
    last_complete = month_start(this_month - datetime.timedelta(days=1))
    watermark, _ = RollupWatermark.objects.get_or_create(name=USAGE_ROLLUP)
    if since is not None:
        start = month_start(since)
    elif watermark.through is not None:
        start = next_month(watermark.through)
    else:
        start = _first_month_with_usage()
    months = []
    rows = 0
    month = start
    while month is not None and month <= last_complete:
        rows += _roll_month(month)
        months.append(month)
        month = next_month(month)
    watermark.refresh_from_db()
    return RollupOutcome(months=months, rows=rows, through=watermark.through)
