"""Report parameters (query serializers: strict, a bad value is a 400 naming it) and report bodies.

Every report answers `{"filters": {...}, "rows": [...], "totals": {...}, "truncated": bool,
"generated_at": ...}`. `filters` repeats the parameters as applied (defaults filled in, usage's dates
widened to whole months). Rows are aggregates, not records: their number is bounded by the grouping
(years by programs by kinds, programs or tasks, events or companies, degrees by years, months by
companies by publications), so there is no pagination; `limit` (default 1000, at most 2000) caps them
all the same, so no response is unbounded, and `truncated` says when rows were cut (narrow the
dates or filter). 2000 keeps one page of ids within a single SQL Server statement's 2100
parameters when names are looked up. The totals always cover every row, cut or not.
"""

import datetime

from django.utils import timezone
from rest_framework import serializers

from api.careers.models import Degree
from api.core.filters import MAX_ID
from api.publications.models import Publication
from api.reporting.selectors import MAX_LOOKUP, USAGE_DIMENSIONS, month_start, next_month

DEFAULT_LIMIT = 1000
USAGE_DEFAULT_MONTHS = 12
USAGE_MAX_MONTHS = 60


def _id(help_text: str):
    return serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text=help_text)


# --- parameters -----------------------------------------------------------------------------------

REPORT_DATES = (datetime.date(1900, 1, 1), datetime.date(2100, 12, 31))


class ReportDateField(serializers.DateField):
    """A day within Wafer's years: the reports add a day or a month to `to` and step back from it month by
    month, which near year 9999 (or year 1) was an OverflowError, a 500."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not REPORT_DATES[0] <= day <= REPORT_DATES[1]:
            raise serializers.ValidationError(f"Give a date from {REPORT_DATES[0]} to {REPORT_DATES[1]}.")
        return day


class ReportQuery(serializers.Serializer):
    """`from` and `to` (ISO dates, both included) and `limit`; `from` is a Python keyword, so it is
    added in get_fields (which drf-spectacular documents too)."""

    from_help = "The first day counted (ISO date, UTC)."
    to = ReportDateField(required=False, help_text="The last day counted (ISO date, UTC), included.")
    limit = serializers.IntegerField(
        required=False,
        default=DEFAULT_LIMIT,
        min_value=1,
        max_value=MAX_LOOKUP,
        help_text=f"The most rows returned (default {DEFAULT_LIMIT}); `truncated` says when rows were cut.",
    )

    def get_fields(self):
        fields = super().get_fields()
        return {"from": ReportDateField(required=False, help_text=self.from_help), **fields}

    def validate(self, attrs):
        start, end = attrs.get("from"), attrs.get("to")
        if start and end and start > end:
            raise serializers.ValidationError({"from": ["`from` is after `to`."]})
        return attrs


class PublicationsQuery(ReportQuery):
    from_help = "Count publications from this date's year on (ISO date)."
    program = _id("Only publications linked to a task of this program (the row of that program).")
    kind = serializers.ChoiceField(choices=Publication.Kind.choices, required=False, help_text="Only this kind.")


class DeliverablesQuery(ReportQuery):
    from_help = "Deliverables due on or after this day (ISO date)."
    program = _id("Only deliverables of this program's tasks.")
    group_by = serializers.ChoiceField(
        choices=["program", "task"], default="program", help_text="One row per program or per task."
    )


class CompanyQuery(ReportQuery):
    company = _id(
        "Only this organisation's figures (staff; a member company's people may name only their own company)."
    )


class UsageQuery(CompanyQuery):
    from_help = (
        f"From this month (ISO date; counted from the first of its month). Default: {USAGE_DEFAULT_MONTHS} "
        f"months up to `to`; at most {USAGE_MAX_MONTHS} months."
    )
    publication = _id("Only this publication.")
    group_by = serializers.CharField(
        default="month",
        help_text="Comma-separated dimensions from month, company, publication, e.g. `company,month`.",
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["to"] = ReportDateField(
            required=False, help_text="To this month (ISO date; counted to the end of its month). Default: today."
        )
        return fields

    def validate_group_by(self, value):
        dimensions = [word.strip() for word in value.split(",")]
        unknown = [word for word in dimensions if word not in USAGE_DIMENSIONS]
        if unknown or len(set(dimensions)) != len(dimensions):
            raise serializers.ValidationError(
                f"Give distinct dimensions from {', '.join(USAGE_DIMENSIONS)}, separated by commas."
            )
        return tuple(name for name in USAGE_DIMENSIONS if name in dimensions)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        end = month_start(attrs.get("to") or timezone.now().astimezone(datetime.UTC).date())
        start = attrs.get("from")
        if start is None:
            start = end
            for _ in range(USAGE_DEFAULT_MONTHS - 1):
                start = month_start(start - datetime.timedelta(days=1))
        start = month_start(start)
        months, month = 0, start
        while month <= end and months <= USAGE_MAX_MONTHS:
            months, month = months + 1, next_month(month)
        if months > USAGE_MAX_MONTHS:
            raise serializers.ValidationError({"from": [f"Ask for at most {USAGE_MAX_MONTHS} months at a time."]})
        return attrs | {"from": start, "to": end}


class EventsQuery(CompanyQuery):
    from_help = "Events starting on or after this day (ISO date, UTC)."
    event = _id("Only this event.")
    group_by = serializers.ChoiceField(
        choices=["event", "company"], default="event", help_text="One row per event or per member company."
    )


class CareersQuery(CompanyQuery):
    from_help = "`graduation`: expected graduation on or after this day; `company`: views on or after it (ISO date)."
    group_by = serializers.ChoiceField(
        choices=["graduation", "company"],
        default="graduation",
        help_text="`graduation`: consented profiles per degree and graduation year; `company`: profile, CV and "
        "resume-book views per company.",
    )


# --- bodies ------------------------------------------------------------------------------------------


class _Filters(serializers.Serializer):
    """The parameters as applied; dates and ids not given are null."""

    to = serializers.DateField(allow_null=True)
    limit = serializers.IntegerField()

    def get_fields(self):
        return {"from": serializers.DateField(allow_null=True), **super().get_fields()}


class PublicationsFiltersSerializer(_Filters):
    program = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField(allow_null=True)


class DeliverablesFiltersSerializer(_Filters):
    program = serializers.IntegerField(allow_null=True)
    group_by = serializers.CharField()


class UsageFiltersSerializer(_Filters):
    company = serializers.IntegerField(allow_null=True)
    publication = serializers.IntegerField(allow_null=True)
    group_by = serializers.CharField(
        help_text="The dimensions, comma-separated, in the order month, company, publication."
    )

    def to_representation(self, instance):
        return super().to_representation(instance | {"group_by": ",".join(instance["group_by"])})


class EventsFiltersSerializer(_Filters):
    company = serializers.IntegerField(allow_null=True)
    event = serializers.IntegerField(allow_null=True)
    group_by = serializers.CharField()


class CareersFiltersSerializer(_Filters):
    company = serializers.IntegerField(allow_null=True)
    group_by = serializers.CharField()


class _Row(serializers.Serializer):
    """A row has the columns of its grouping only (DRF would fill a missing nullable field with null)."""

    def to_representation(self, instance):
        return {key: value for key, value in super().to_representation(instance).items() if key in instance}


def _count(help_text: str):
    return serializers.IntegerField(help_text=help_text)


class PublicationsRowSerializer(_Row):
    year = serializers.IntegerField()
    program_id = serializers.IntegerField(allow_null=True, help_text="Null: linked to no task.")
    program_code = serializers.CharField(allow_null=True)
    program_name = serializers.CharField(allow_null=True)
    kind = serializers.ChoiceField(choices=Publication.Kind.choices)
    publications = _count("Publications of that year, program and kind.")


class PublicationsTotalsSerializer(serializers.Serializer):
    publications = _count("Publications in all, each counted once (rows count one in two programs twice).")


class DeliverablesRowSerializer(_Row):
    program_id = serializers.IntegerField()
    program_code = serializers.CharField()
    program_name = serializers.CharField()
    task_id = serializers.IntegerField(required=False, help_text="With group_by=task.")
    task_number = serializers.CharField(required=False, help_text="With group_by=task.")
    task_title = serializers.CharField(required=False, help_text="With group_by=task.")
    deliverables = _count("Deliverables due in the period, whatever their status.")
    accepted = _count("Accepted.")
    accepted_on_time = _count("Accepted, and first submitted before the deadline.")
    late = _count("Submitted after the deadline, or still owed past it (api.research.deadlines).")
    overdue = _count("Still owed past the deadline (a subset of late).")
    due_next_30_days = _count("Still owed and due within the next 30 days.")


class DeliverablesTotalsSerializer(serializers.Serializer):
    deliverables = serializers.IntegerField()
    accepted = serializers.IntegerField()
    accepted_on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    overdue = serializers.IntegerField()
    due_next_30_days = serializers.IntegerField()


class UsageRowSerializer(_Row):
    month = serializers.CharField(required=False, help_text="YYYY-MM (with group_by month).")
    company_id = serializers.IntegerField(
        required=False, allow_null=True, help_text="The organisation (with group_by company); null: none or anonymous."
    )
    company_name = serializers.CharField(required=False)
    publication_id = serializers.IntegerField(
        required=False, allow_null=True, help_text="With group_by publication; null: a file since deleted."
    )
    publication_title = serializers.CharField(
        required=False, allow_null=True, help_text="Null when the caller may no longer see the publication."
    )
    downloads = _count("File downloads.")
    views = _count("Detail views by signed-in people.")


class UsageCountsSerializer(serializers.Serializer):
    downloads = serializers.IntegerField()
    views = serializers.IntegerField()


class UsageTotalsSerializer(UsageCountsSerializer):
    consortium = UsageCountsSerializer(
        allow_null=True,
        help_text="Every organisation's usage together (for staff: the same as the totals). Null for a member "
        "company when fewer than two other organisations contributed, so it never reveals one company's figures.",
    )


class EventsCountsSerializer(serializers.Serializer):
    registered = _count("Confirmed or waitlisted.")
    confirmed = serializers.IntegerField()
    waitlisted = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    checked_in = _count("Attended (checked in).")
    no_shows = _count("Confirmed, not checked in, and the event is over.")


class EventsRowSerializer(_Row, EventsCountsSerializer):
    event_id = serializers.IntegerField(required=False, help_text="With group_by event.")
    event_title = serializers.CharField(required=False)
    event_starts_at = serializers.DateTimeField(required=False)
    company_id = serializers.IntegerField(
        required=False, allow_null=True, help_text="With group_by company; null: people of no member company."
    )
    company_name = serializers.CharField(required=False, allow_null=True)


class EventsTotalsSerializer(EventsCountsSerializer):
    consortium = EventsCountsSerializer(
        allow_null=True,
        help_text="Every registration together (for staff: the same as the totals). Null for a member company "
        "when fewer than two other companies registered, so it never reveals one company's figures.",
    )


class CareersCountsSerializer(serializers.Serializer):
    profile_views = serializers.IntegerField()
    cv_views = serializers.IntegerField()
    resume_book_views = serializers.IntegerField()


class CareersRowSerializer(_Row):
    degree = serializers.ChoiceField(choices=Degree.choices, required=False, help_text="With group_by graduation.")
    graduation_year = serializers.IntegerField(required=False)
    profiles = serializers.IntegerField(required=False, help_text="Consented profiles (shared, not expired).")
    company_id = serializers.IntegerField(
        required=False, allow_null=True, help_text="With group_by company; null: staff's views."
    )
    company_name = serializers.CharField(required=False)
    profile_views = serializers.IntegerField(required=False)
    cv_views = serializers.IntegerField(required=False)
    resume_book_views = serializers.IntegerField(required=False)


class CareersTotalsSerializer(_Row):
    profiles = serializers.IntegerField(required=False, help_text="With group_by graduation.")
    profile_views = serializers.IntegerField(required=False, help_text="With group_by company (also cv_views...).")
    cv_views = serializers.IntegerField(required=False)
    resume_book_views = serializers.IntegerField(required=False)
    consortium = CareersCountsSerializer(
        required=False,
        allow_null=True,
        help_text="With group_by company: every organisation's views together; null for a member company when "
        "fewer than two other companies viewed.",
    )


def _report_serializer(name: str, filters, row, totals):
    fields = {
        "filters": filters(),
        "rows": row(many=True),
        "totals": totals(),
        "truncated": serializers.BooleanField(help_text="Rows were cut at `limit`; the totals cover every row."),
        "generated_at": serializers.DateTimeField(help_text="When computed; figures may be a minute old (cached)."),
    }
    return type(name, (serializers.Serializer,), fields)


PublicationsReportSerializer = _report_serializer(
    "PublicationsReportSerializer",
    PublicationsFiltersSerializer,
    PublicationsRowSerializer,
    PublicationsTotalsSerializer,
)
DeliverablesReportSerializer = _report_serializer(
    "DeliverablesReportSerializer",
    DeliverablesFiltersSerializer,
    DeliverablesRowSerializer,
    DeliverablesTotalsSerializer,
)
UsageReportSerializer = _report_serializer(
    "UsageReportSerializer", UsageFiltersSerializer, UsageRowSerializer, UsageTotalsSerializer
)
EventsReportSerializer = _report_serializer(
    "EventsReportSerializer", EventsFiltersSerializer, EventsRowSerializer, EventsTotalsSerializer
)
CareersReportSerializer = _report_serializer(
    "CareersReportSerializer", CareersFiltersSerializer, CareersRowSerializer, CareersTotalsSerializer
)


class ReportLinkSerializer(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.CharField()
    description = serializers.CharField()
    group_by = serializers.ListField(child=serializers.CharField(), help_text="The groupings it offers.")
