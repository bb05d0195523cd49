"""The figures of every report: grouped aggregates computed in the database, never row by row.

Each report is a function `<report>_report(*, scope, filters) -> {"rows": [...], "totals": {...},
"truncated": bool}` whose rows are flat dicts in the order of `COLUMNS[report][group_by]` (the JSON
rows and the CSV columns are the same). The querysets behind them are separate functions so that
tests compile them to T-SQL offline. A report costs a fixed number of queries whatever the data:
the grouped aggregates, plus one query each for names (organisations, publication titles) where
the grouped rows carry ids only.

Who sees what (`Scope`):
- staff (`scope.company is None`) see everything, with a breakdown by organisation;
- a person of an active member company sees, for usage, events and careers views, only rows of
  their own company, plus `consortium` totals over every organisation. Those totals are given only
  when at least MIN_OTHER_COMPANIES other organisations contributed to them, so that
  "consortium minus us" never is one other company's figure (null otherwise);
- publications and deliverables are counted over what the caller may see (the domain's access
  rules: api.publications.access.visible, api.research.access.full), so they reveal nothing the
  caller could not count by reading the lists; they have no per-company breakdown at all.
- consented profiles: staff count every profile shared with anyone; a member company counts the
  profiles shared with it (never those shared only with other companies).

Dates are UTC days (`to` inclusive). Rows are capped at `limit` (see api.reporting.serializers); the
totals always cover every row, also when the rows were cut (`truncated`).
"""

import dataclasses
import datetime
from collections import defaultdict

from django.db.models import CharField, Count, F, Max, Q, Sum
from django.db.models.functions import Cast, ExtractYear, TruncMonth
from django.utils import timezone

from api.accounts.models import Organisation
from api.careers import access as careers_access
from api.careers.models import Degree, ProfileView, StudentProfile
from api.core.files.models import DownloadRecord
from api.events.models import Event, Registration
from api.publications import access as publication_access
from api.publications.models import Publication, PublicationFile, PublicationView
from api.reporting.models import RollupWatermark, UsageMonth
from api.research import access as research_access
from api.research import deadlines
from api.research.models import Deliverable

UTC = datetime.UTC
MIN_OTHER_COMPANIES = 2
DUE_SOON_DAYS = 30
USAGE_ROLLUP = "usage"
PUBLICATION_FILE = PublicationFile._meta.label_lower
# SQL Server takes at most 2100 parameters a statement: an `__in` list of names to look up stays
# below it (sqlserver.md); `limit` is capped at this too, so a page of rows is always looked up at once.
MAX_LOOKUP = 2000

COUNTS = {
    "deliverables": ["deliverables", "accepted", "accepted_on_time", "late", "overdue", "due_next_30_days"],
    "usage": ["downloads", "views"],
    "events": ["registered", "confirmed", "waitlisted", "cancelled", "checked_in", "no_shows"],
    "careers_views": ["profile_views", "cv_views", "resume_book_views"],
}
USAGE_DIMENSIONS = {
    "month": ["month"],
    "company": ["company_id", "company_name"],
    "publication": ["publication_id", "publication_title"],
}
COLUMNS = {
    "publications": {"program": ["year", "program_id", "program_code", "program_name", "kind", "publications"]},
    "deliverables": {
        "program": ["program_id", "program_code", "program_name", *COUNTS["deliverables"]],
        "task": [
            "program_id",
            "program_code",
            "program_name",
            "task_id",
            "task_number",
            "task_title",
            *COUNTS["deliverables"],
        ],
    },
    "events": {
        "event": ["event_id", "event_title", "event_starts_at", *COUNTS["events"]],
        "company": ["company_id", "company_name", *COUNTS["events"]],
    },
    "careers": {
        "graduation": ["degree", "graduation_year", "profiles"],
        "company": ["company_id", "company_name", *COUNTS["careers_views"]],
    },
}


def usage_columns(group_by: tuple[str, ...]) -> list[str]:
    return [column for dimension in group_by for column in USAGE_DIMENSIONS[dimension]] + COUNTS["usage"]


def columns(report: str, group_by) -> list[str]:
    if report == "usage":
        return usage_columns(tuple(group_by))
    return COLUMNS[report][group_by]


@dataclasses.dataclass(frozen=True)
class Scope:
    """Whose figures: staff (company None) or the people of one active member company."""

    user: object
    company: Organisation | None = None

    @property
    def company_id(self) -> int | None:
        return None if self.company is None else self.company.pk


# --- helpers ------------------------------------------------------------------------------------


def _start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=UTC)


def _at_between(field: str, filters: dict) -> Q:
    """`field` (a datetime) on a UTC day from `from` to `to`, both included."""
    condition = Q()
    if filters.get("from"):
        condition &= Q(**{f"{field}__gte": _start(filters["from"])})
    if filters.get("to"):
        condition &= Q(**{f"{field}__lt": _start(filters["to"] + datetime.timedelta(days=1))})
    return condition


def _cut(rows: list[dict], limit: int) -> tuple[list[dict], bool]:
    return rows[:limit], len(rows) > limit


def _sum(rows, names) -> dict:
    return {name: sum(row[name] for row in rows) for name in names}


def _consortium(by_organisation: dict, names, own_id) -> dict | None:
    """Totals over every organisation, or None when they would reveal fewer than
    MIN_OTHER_COMPANIES other organisations' figures."""
    others = [key for key, row in by_organisation.items() if key is not None and key != own_id and any(row.values())]
    if own_id is not None and len(others) < MIN_OTHER_COMPANIES:
        return None
    return _sum(list(by_organisation.values()), names)


def _organisation_names(ids) -> dict:
    ids = {pk for pk in ids if pk is not None}
    if not ids:
        return {}
    organisations = Organisation.objects.all()
    if len(ids) <= MAX_LOOKUP:
        organisations = organisations.filter(pk__in=ids)
    return dict(organisations.order_by().values_list("id", "name"))


def _company_last(row) -> tuple:
    # "No organisation" last on every database (SQLite and SQL Server sort NULL first, PostgreSQL last).
    return (row["company_id"] is None, (row["company_name"] or "").lower(), row["company_id"] or 0)


# --- publications per year, program and kind -------------------------------------------------------


def _publications(scope: Scope, filters: dict):
    publications = Publication.objects.filter(publication_access.visible(scope.user))
    if filters.get("from"):
        publications = publications.filter(year__gte=filters["from"].year)
    if filters.get("to"):
        publications = publications.filter(year__lte=filters["to"].year)
    if filters.get("kind"):
        publications = publications.filter(kind=filters["kind"])
    return publications


def publication_counts(*, scope: Scope, filters: dict):
    """Publications per (year, program of a linked task, kind). One publication linked to tasks of
    two programs counts once in each; one without tasks under program null."""
    publications = _publications(scope, filters)
    if filters.get("program"):
        # The same filter() as the grouping's join, so the row is the program asked for, not another
        # program the publication is also linked to.
        publications = publications.filter(tasks__program_id=filters["program"])
    return (
        publications.values(
            "year",
            "kind",
            program_id=F("tasks__program_id"),
            program_code=F("tasks__program__code"),
            program_name=F("tasks__program__name"),
        )
        .annotate(publications=Count("id", distinct=True))
        .order_by()
    )


def publication_total(*, scope: Scope, filters: dict):
    """How many publications in all (each once, however many programs it belongs to)."""
    publications = _publications(scope, filters)
    if filters.get("program"):
        linked = Publication.tasks.through.objects.filter(researchtask__program_id=filters["program"])
        publications = publications.filter(pk__in=linked.values("publication_id"))
    return publications.order_by()


def publications_report(*, scope: Scope, filters: dict) -> dict:
    rows = sorted(
        publication_counts(scope=scope, filters=filters),
        key=lambda row: (row["year"], row["program_id"] is None, row["program_code"] or "", row["kind"]),
    )
    total = publication_total(scope=scope, filters=filters).count()
    rows, truncated = _cut(rows, filters["limit"])
    return {"rows": rows, "totals": {"publications": total}, "truncated": truncated}


# --- deliverables: on time, late, overdue, due soon ------------------------------------------------


def deliverable_counts(*, scope: Scope, filters: dict, now: datetime.datetime, today: datetime.date):
    """Deliverables per program (or task) with the definitions of api.research.deadlines:
    late = submitted after its deadline, or still owed past it (overdue); due in the next 30 days =
    still owed, deadline not passed, due on or before today + 30 (deadline time zone)."""
    owed = Q(status__in=Deliverable.OPEN)
    overdue = Deliverable.overdue_at(now)
    accepted = Q(status=Deliverable.Status.ACCEPTED)
    deliverables = Deliverable.objects.filter(research_access.on_tasks(research_access.full(scope.user)))
    if filters.get("from"):
        deliverables = deliverables.filter(due_on__gte=filters["from"])
    if filters.get("to"):
        deliverables = deliverables.filter(due_on__lte=filters["to"])
    if filters.get("program"):
        deliverables = deliverables.filter(task__program_id=filters["program"])
    groups = {
        "program_id": F("task__program_id"),
        "program_code": F("task__program__code"),
        "program_name": F("task__program__name"),
    }
    if filters["group_by"] == "task":
        groups |= {"task_number": F("task__number"), "task_title": F("task__title")}
    return (
        deliverables.values(*(["task_id"] if filters["group_by"] == "task" else []), **groups)
        .annotate(
            deliverables=Count("id"),
            accepted=Count("id", filter=accepted),
            accepted_on_time=Count("id", filter=accepted & Q(submitted_late=False)),
            late=Count("id", filter=Q(submitted_late=True) | overdue),
            overdue=Count("id", filter=overdue),
            due_next_30_days=Count(
                "id",
                filter=owed & Q(deadline_at__gt=now, due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)),
            ),
        )
        .order_by()
    )


def deliverables_report(*, scope: Scope, filters: dict) -> dict:
    grouped = deliverable_counts(scope=scope, filters=filters, now=timezone.now(), today=deadlines.today())
    names = columns("deliverables", filters["group_by"])
    rows = sorted(
        ({name: row[name] for name in names} for row in grouped),
        key=lambda row: (row["program_code"], row["program_id"], row.get("task_number", ""), row.get("task_id", 0)),
    )
    totals = _sum(rows, COUNTS["deliverables"])
    rows, truncated = _cut(rows, filters["limit"])
    return {"rows": rows, "totals": totals, "truncated": truncated}


# --- usage: downloads and views by company, publication and month ---------------------------------


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def usage_watermark():
    """The first day of the last month in the roll-up, or None before the first run."""
    return RollupWatermark.objects.filter(name=USAGE_ROLLUP).values_list("through", flat=True).first()


@dataclasses.dataclass(frozen=True)
class UsageQueries:
    """The querysets of one usage aggregate: the roll-up up to the watermark, the raw logs after it."""

    rolled: object | None
    downloads: object | None
    files: object | None
    views: object | None


_ROLLED_KEYS = {"month": "month", "company": "organisation_id", "publication": "publication_id"}


def _rolled(*, filters: dict, group_by: tuple, organisation_id, watermark):
    """The roll-up's months of the range, up to the watermark (None when the range starts after it)."""
    if watermark is None or watermark < filters["from"]:
        return None
    rolled = UsageMonth.objects.filter(month__gte=filters["from"], month__lte=min(watermark, filters["to"]))
    for value in (organisation_id, filters.get("company")):
        if value is not None:
            rolled = rolled.filter(organisation_id=value)
    if filters.get("publication"):
        rolled = rolled.filter(publication_id=filters["publication"])
    keys = [_ROLLED_KEYS[dimension] for dimension in group_by]
    return rolled.values(*keys).annotate(downloads=Sum("downloads"), views=Sum("views")).order_by()


def _raw_window(*, filters: dict, organisation_id, watermark) -> Q | None:
    """The raw records' months of the range after the watermark (None when the roll-up covers it all)."""
    first = filters["from"] if watermark is None or watermark < filters["from"] else next_month(watermark)
    if first > filters["to"]:
        return None
    window = Q(at__gte=_start(first), at__lt=_start(next_month(filters["to"])))
    for value in (organisation_id, filters.get("company")):
        if value is not None:
            window &= Q(organisation_id=value)
    return window


def usage_queries(*, filters: dict, group_by: tuple, organisation_id=None, watermark=None) -> UsageQueries:
    """`filters["from"]`/`["to"]` are first days of months (the usage report counts whole months)."""
    rolled = _rolled(filters=filters, group_by=group_by, organisation_id=organisation_id, watermark=watermark)
    raw = _raw_window(filters=filters, organisation_id=organisation_id, watermark=watermark)
    if raw is None:
        return UsageQueries(rolled, None, None, None)
    month = {"raw_month": TruncMonth("at", tzinfo=UTC)} if "month" in group_by else {}
    company = ["organisation_id"] if "company" in group_by else []
    downloads = DownloadRecord.objects.filter(raw, target_type=PUBLICATION_FILE)
    views = PublicationView.objects.filter(raw)
    if filters.get("publication"):
        keyed = PublicationFile.objects.filter(publication_id=filters["publication"])
        keyed = keyed.annotate(key=Cast("pk", CharField(max_length=64))).values("key")
        downloads = downloads.filter(target_id__in=keyed)
        views = views.filter(publication_id=filters["publication"])
    files = None
    if "publication" in group_by:
        # DownloadRecord names the file by a string id: cast the file's integer key to a string
        # (always safe), never the logged string to an integer (fails on SQL Server for any row).
        files = (
            PublicationFile.objects.annotate(key=Cast("pk", CharField(max_length=64)))
            .filter(key__in=downloads.values("target_id"))
            .values_list("key", "publication_id")
            .order_by()
        )
    file_key = ["target_id"] if "publication" in group_by else []
    downloads = downloads.values(*company, *file_key, **month).annotate(downloads=Count("id")).order_by()
    publication = ["publication_id"] if "publication" in group_by else []
    views = views.values(*company, *publication, **month).annotate(views=Count("id")).order_by()
    return UsageQueries(rolled, downloads, files, views)


def _month(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def usage_groups(*, filters: dict, group_by: tuple, organisation_id=None, watermark=None) -> dict:
    """{(dimension values in group_by order): {"downloads": n, "views": n}}, roll-up and raw merged."""
    queries = usage_queries(filters=filters, group_by=group_by, organisation_id=organisation_id, watermark=watermark)
    merged = defaultdict(lambda: {"downloads": 0, "views": 0})

    def add(key_values: dict, downloads=0, views=0):
        counts = merged[tuple(key_values[dimension] for dimension in group_by)]
        counts["downloads"] += downloads or 0
        counts["views"] += views or 0

    if queries.rolled is not None:
        for row in queries.rolled:
            keys = {dimension: row[_ROLLED_KEYS[dimension]] for dimension in group_by}
            add(keys, row["downloads"], row["views"])
    if queries.downloads is not None:
        publication_of = dict(queries.files) if queries.files is not None else {}
        for row in queries.downloads:
            keys = {
                "month": _month(row.get("raw_month")),
                "company": row.get("organisation_id"),
                "publication": publication_of.get(row.get("target_id")),
            }
            add(keys, downloads=row["downloads"])
        for row in queries.views:
            keys = {
                "month": _month(row.get("raw_month")),
                "company": row.get("organisation_id"),
                "publication": row.get("publication_id"),
            }
            add(keys, views=row["views"])
    return merged


def _visible_titles(scope: Scope, ids) -> dict:
    """Titles of the publications the caller may see (an id stays an id for the others)."""
    ids = {pk for pk in ids if pk is not None}
    if not ids:
        return {}
    visible = Publication.objects.filter(publication_access.visible(scope.user), pk__in=ids)
    return dict(visible.order_by().values_list("id", "title"))


def usage_report(*, scope: Scope, filters: dict) -> dict:
    group_by = filters["group_by"]
    watermark = usage_watermark()
    groups = usage_groups(filters=filters, group_by=group_by, organisation_id=scope.company_id, watermark=watermark)
    names = _organisation_names(key[group_by.index("company")] for key in groups) if "company" in group_by else {}
    rows = []
    for key, counts in groups.items():
        row = {}
        for dimension, value in zip(group_by, key, strict=True):
            if dimension == "month":
                row["month"] = value.strftime("%Y-%m")
            elif dimension == "company":
                row |= {"company_id": value, "company_name": names.get(value, "")}
            else:
                row |= {"publication_id": value, "publication_title": None}
        rows.append(row | counts)

    def order(row):
        return (
            row.get("month", ""),
            *(_company_last(row) if "company" in group_by else ()),
            row.get("publication_id") is None,
            row.get("publication_id") or 0,
        )

    rows.sort(key=order)
    totals = _sum(rows, COUNTS["usage"])
    rows, truncated = _cut(rows, filters["limit"])
    if "publication" in group_by:
        titles = _visible_titles(scope, (row["publication_id"] for row in rows))
        for row in rows:
            row["publication_title"] = titles.get(row["publication_id"])
    if scope.company is None:
        consortium = totals
    else:
        everyone = usage_groups(filters=filters, group_by=("company",), watermark=watermark)
        consortium = _consortium({key[0]: value for key, value in everyone.items()}, COUNTS["usage"], scope.company_id)
    return {"rows": rows, "totals": totals | {"consortium": consortium}, "truncated": truncated}


# --- events: registrations, attendance, no-shows -----------------------------------------------------


def _registrations(filters: dict, organisation_id=None):
    registrations = Registration.objects.filter(_at_between("event__starts_at", filters))
    if filters.get("event"):
        registrations = registrations.filter(event_id=filters["event"])
    if filters.get("company"):
        registrations = registrations.filter(company_id=filters["company"])
    if organisation_id is not None:
        registrations = registrations.filter(company_id=organisation_id)
    return registrations


def registration_counts(*, filters: dict, group_by: str, now: datetime.datetime, organisation_id=None):
    """Registrations per event (or member company): registered = confirmed or waitlisted; checked in
    = attended; no-show = confirmed, not checked in, and the (not cancelled) event is over."""
    status = Registration.Status
    if group_by == "event":
        keys = {"event_title": F("event__title"), "event_starts_at": F("event__starts_at")}
        grouped = _registrations(filters, organisation_id).values("event_id", **keys)
    elif group_by == "company":
        grouped = _registrations(filters, organisation_id).values("company_id", company_name=F("company__name"))
    else:  # the consortium's totals, per company only to count how many contributed
        grouped = _registrations(filters).values("company_id")
    return grouped.annotate(
        registered=Count("id", filter=Q(status__in=[status.CONFIRMED, status.WAITLISTED])),
        confirmed=Count("id", filter=Q(status=status.CONFIRMED)),
        waitlisted=Count("id", filter=Q(status=status.WAITLISTED)),
        cancelled=Count("id", filter=Q(status=status.CANCELLED)),
        checked_in=Count("id", filter=Q(checked_in_at__isnull=False)),
        no_shows=Count(
            "id",
            filter=Q(status=status.CONFIRMED, checked_in_at__isnull=True, event__ends_at__lte=now)
            & ~Q(event__status=Event.Status.CANCELLED),
        ),
    ).order_by()


def events_report(*, scope: Scope, filters: dict) -> dict:
    now = timezone.now()
    group_by = filters["group_by"]
    grouped = registration_counts(filters=filters, group_by=group_by, now=now, organisation_id=scope.company_id)
    names = columns("events", group_by)
    rows = [{name: row[name] for name in names} for row in grouped]
    if group_by == "event":
        rows.sort(key=lambda row: (row["event_starts_at"], row["event_id"]))
    else:
        rows.sort(key=_company_last)
    totals = _sum(rows, COUNTS["events"])
    rows, truncated = _cut(rows, filters["limit"])
    if scope.company is None:
        consortium = totals
    else:
        everyone = registration_counts(filters=filters, group_by="consortium", now=now)
        everyone = {row["company_id"]: {name: row[name] for name in COUNTS["events"]} for row in everyone}
        consortium = _consortium(everyone, COUNTS["events"], scope.company_id)
    return {"rows": rows, "totals": totals | {"consortium": consortium}, "truncated": truncated}


# --- careers: consented profiles, views by company -------------------------------------------------


def profile_counts(*, scope: Scope, filters: dict):
    """Consented profiles (shared, not expired, of an active student) per degree and graduation year:
    for staff every such profile, for a member company those shared with it."""
    if scope.company is None:
        condition = careers_access.visible_profiles(scope.user)
    else:
        condition = careers_access.shared_with(scope.company)
    profiles = StudentProfile.objects.filter(condition)
    if filters.get("from"):
        profiles = profiles.filter(expected_graduation__gte=filters["from"])
    if filters.get("to"):
        profiles = profiles.filter(expected_graduation__lte=filters["to"])
    return (
        profiles.values("degree", graduation_year=ExtractYear("expected_graduation"))
        .annotate(profiles=Count("id"))
        .order_by()
    )


def profile_view_counts(*, filters: dict, organisation_id=None):
    """Profile, CV and resume-book views per viewing organisation (staff's own views: organisation null)."""
    views = ProfileView.objects.filter(_at_between("at", filters))
    if filters.get("company"):
        views = views.filter(organisation_id=filters["company"])
    if organisation_id is not None:
        views = views.filter(organisation_id=organisation_id)
    kind = ProfileView.Kind
    return (
        views.values("organisation_id")
        .annotate(
            company_name=Max("organisation_name"),
            profile_views=Count("id", filter=Q(kind=kind.PROFILE)),
            cv_views=Count("id", filter=Q(kind=kind.CV)),
            resume_book_views=Count("id", filter=Q(kind=kind.RESUME_BOOK)),
        )
        .order_by()
    )


DEGREE_ORDER = {value: index for index, value in enumerate(Degree.values)}


def careers_report(*, scope: Scope, filters: dict) -> dict:
    if filters["group_by"] == "graduation":
        rows = sorted(
            profile_counts(scope=scope, filters=filters),
            key=lambda row: (row["graduation_year"], DEGREE_ORDER.get(row["degree"], 99)),
        )
        rows = [{"degree": row["degree"], "graduation_year": row["graduation_year"], "profiles": row["profiles"]}
                for row in rows]  # fmt: skip
        totals = _sum(rows, ["profiles"])
        rows, truncated = _cut(rows, filters["limit"])
        return {"rows": rows, "totals": totals, "truncated": truncated}
    grouped = profile_view_counts(filters=filters, organisation_id=scope.company_id)
    rows = [
        {"company_id": row["organisation_id"], "company_name": row["company_name"] or "", **{
            name: row[name] for name in COUNTS["careers_views"]}}
        for row in grouped
    ]  # fmt: skip
    rows.sort(key=_company_last)
    totals = _sum(rows, COUNTS["careers_views"])
    rows, truncated = _cut(rows, filters["limit"])
    if scope.company is None:
        consortium = totals
    else:
        everyone = {row["organisation_id"]: {name: row[name] for name in COUNTS["careers_views"]}
                    for row in profile_view_counts(filters={key: value for key, value in filters.items()
                                                            if key != "company"})}  # fmt: skip
        consortium = _consortium(everyone, COUNTS["careers_views"], scope.company_id)
    return {"rows": rows, "totals": totals | {"consortium": consortium}, "truncated": truncated}


REPORTS = {
    "publications": publications_report,
    "deliverables": deliverables_report,
    "usage": usage_report,
    "events": events_report,
    "careers": careers_report,
}
