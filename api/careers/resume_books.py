"""Resume books: the CVs of the students a search finds, as one ZIP with an index, for one company.

A recruiter asks with the profile search's filters (`resume_book_request`); a background job
(`api.careers.tasks.build_resume_book` → `build`) writes the ZIP; it can be downloaded by the
company's recruiters (staff: a staff book) until `expires_at`; `expire` then deletes the file.

    queued ──job──▶ running ──▶ ready ──expire / a student's erasure──▶ expired
                         └──▶ failed (a short reason in `error`; no file)

Consent is checked again for every student at the moment the job adds them: a student who
withdrew, whose visibility expired or whose account was deactivated after the request is not in
the book (ZIP, index or entries). A book already built keeps what it holds until it expires, except
when a student in it deletes their profile (services.profile_delete expires the book at once).
"""

import contextlib
import csv
import datetime
import io
import logging
import os
import re
import shutil
import tempfile
import unicodedata
import zipfile

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import QueryDict
from django.utils import timezone
from django_filters import MultipleChoiceFilter
from rest_framework.exceptions import ValidationError

from api.accounts.models import Organisation, User
from api.careers import access, services
from api.careers.filters import FILTER_NAMES, ProfileFilter, SkillListFilter
from api.careers.models import CurriculumVitae, ProfileView, ResumeBook, ResumeBookEntry, Skill, StudentProfile
from api.core.audit.services import audit_record
from api.core.csv import csv_cell
from api.core.errors import Conflict
from api.core.files.uploads import KINDS, generated_name
from api.core.jobs import enqueue_on_commit

logger = logging.getLogger(__name__)

Status = ResumeBook.Status
ACTIVE = (Status.QUEUED, Status.RUNNING)
MAX_ACTIVE = 3  # books queued or building at once, per company (staff: per person)
# A job that has not finished after this long died with its worker (killed, or reloaded by
# `make run`); `fail_stalled` frees its place so the company can ask again.
STALLED_AFTER = datetime.timedelta(hours=6)
SEARCH_ORDER = ("expected_graduation", "id")  # the search's default order (selectors.profile_list)
STORAGE_PREFIX = "careers/resume-books"
INDEX_NAME = "index.csv"
INDEX_HEADER = [
    "number",
    "name",
    "email",
    "university",
    "degree",
    "field",
    "expected_graduation",
    "skills",
    "research_interests",
    "links",
    "cv_file",
]
COPY_CHUNK = 256 * 1024


class BookFailed(Exception):
    """Why a book cannot be built, in words for its requester (stored in `error`)."""


class _NoLongerRunning(Exception):
    """The book left `running` while it was being built (a student's erasure expired it, or it was
    failed as stalled): the job stops and keeps nothing."""


# --- Requesting --------------------------------------------------------------------------------


def _given(filters) -> dict:
    """The filters as {name: str or [str]} (a list for the repeatable `degree`); unknown names and
    values that are not strings or numbers are refused, each named."""
    if isinstance(filters, QueryDict):
        items = {name: filters.getlist(name) for name in filters}
    elif isinstance(filters, dict):
        items = filters
    else:
        raise ValidationError({"non_field_errors": ['Send the filters as a JSON object, e.g. {"degree": ["phd"]}.']})
    unknown = sorted(str(name) for name in items if name not in FILTER_NAMES)
    if unknown:
        known = ", ".join(FILTER_NAMES)
        raise ValidationError({name: [f"Unknown filter; the filters are {known}."] for name in unknown})
    given, errors = {}, {}
    for name, value in items.items():
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        if any(item is None or isinstance(item, (bool, dict, list, tuple)) for item in values):
            errors[name] = ["Give a string or a number (a list of them for degree, skills_any and skills_all)."]
            continue
        values = [str(item) for item in values]
        filter_ = ProfileFilter.base_filters[name]
        if isinstance(filter_, MultipleChoiceFilter):
            given[name] = values
        elif isinstance(filter_, SkillListFilter):
            given[name] = ",".join(values)  # a JSON list of skills is the comma-separated list
        elif len(values) == 1:
            given[name] = values[0]
        else:
            errors[name] = ["Give one value."]
    if errors:
        raise ValidationError(errors)
    return given


def _query(filters: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in filters.items():
        query.setlist(name, value if isinstance(value, list) else [value])
    return query


def _filterset(filters: dict, visible: Q) -> ProfileFilter:
    return ProfileFilter(data=_query(filters), queryset=StudentProfile.objects.filter(visible))


def _lock_requester(*, company, requester: User) -> None:
    # Two requests at once must not both pass the limit of MAX_ACTIVE: they queue on this row.
    if company is not None:
        Organisation.objects.select_for_update().filter(pk=company.pk).first()
    else:
        User.objects.select_for_update().filter(pk=requester.pk).first()


@transaction.atomic
def resume_book_request(*, requester: User, filters: QueryDict | dict) -> ResumeBook:
    """Queue a resume book of the profiles the search with these `filters` finds for the requester.

    400 for unknown filters, bad values, more than CAREERS_RESUME_BOOK_MAX_PROFILES matches, or no
    match at all: an empty book is refused up front rather than built (the requester learns at
    once, and no job runs for nothing); a book can still come out empty when every match withdraws
    before the job runs. 409 when MAX_ACTIVE books are already queued or building.
    """
    company = access.recruiter_company(requester)
    if company is None and not access.is_staff(requester):
        raise PermissionDenied("Only recruiters of an active member company, and consortium staff, order resume books.")
    given = _given(filters)
    filterset = _filterset(given, access.visible_profiles(requester))
    if not filterset.is_valid():
        raise ValidationError({name: list(messages) for name, messages in filterset.errors.items()})
    limit = settings.CAREERS_RESUME_BOOK_MAX_PROFILES
    matches = filterset.qs.count()
    if matches > limit:
        message = f"{matches} profiles match; a resume book holds at most {limit}. Narrow the filters."
        raise ValidationError({"non_field_errors": [message]})
    if matches == 0:
        message = "No shared profile matches these filters: the book would be empty."
        raise ValidationError({"non_field_errors": [message]})

    _lock_requester(company=company, requester=requester)
    active = ResumeBook.objects.filter(status__in=ACTIVE)
    active = active.filter(company=company) if company else active.filter(company=None, requested_by=requester)
    if active.count() >= MAX_ACTIVE:
        whose = "your company" if company else "you"
        raise Conflict(
            f"{MAX_ACTIVE} resume books are already being built for {whose}; try again when one is ready.",
            code="too_many_books",
        )
    # Kept as given (empty values dropped): the job applies them again through the same filterset.
    stored = {name: value for name, value in given.items() if value not in ("", [])}
    book = ResumeBook(company=company, requested_by=requester, filters=stored)
    book.full_clean()
    book.save()
    audit_record(action="create", target=book, changes={"company": company, "filters": stored, "matches": matches})
    from api.careers import tasks  # the tasks module imports this one

    enqueue_on_commit(tasks.build_resume_book, book_id=book.pk)
    return book


def may_download(user, book: ResumeBook) -> bool:
    """A company's book: its company's recruiters (CVs were shared with that company). A staff book
    (no company): staff. Staff see companies' books for support, but do not download them."""
    if book.company_id is None:
        return access.is_staff(user)
    company = access.recruiter_company(user)
    return company is not None and company.pk == book.company_id


def is_expired(book: ResumeBook, now=None) -> bool:
    """Expired, or past its date and waiting for `expire` to run."""
    now = now or timezone.now()
    return book.status == Status.EXPIRED or (
        book.status == Status.READY and book.expires_at is not None and book.expires_at <= now
    )


# --- Building (the background job) -----------------------------------------------------------


def build(*, book_id: int) -> None:
    """The job: write the ZIP (CVs and index.csv) to a temporary file, then store it.

    The worker runs this in autocommit: each step is its own short transaction, so `progress` is
    visible to a client polling the book while it is built, and a consent change never waits long.
    Any failure leaves the book `failed` with a short reason, no file in storage and no temporary
    file; an unexpected one is re-raised so the job's own result records the traceback.
    """
    book = _start(book_id)
    if book is None:
        return
    handle, path = tempfile.mkstemp(prefix="wafer-resume-book-", suffix=".zip")
    os.close(handle)
    stored = None
    try:
        _write_zip(book, path)
        with open(path, "rb") as content:
            stored = default_storage.save(generated_name(STORAGE_PREFIX, KINDS["zip"]), File(content))
        if not _finish(book, stored=stored, size=os.path.getsize(path)):
            _delete_files([stored])  # erased (or failed as stalled) while being built: never resurrected
            _forget_entries(book)
    except _NoLongerRunning:
        logger.info("resume book %s left running while being built; stopped", book.pk)
        _forget_entries(book)
    except BookFailed as exc:
        _fail(book, str(exc))
    except Exception as exc:
        if stored is not None:
            _delete_files([stored])
        _fail(book, f"The book could not be built ({type(exc).__name__}). Please request it again.")
        raise  # the task backend logs it with its traceback, and the job's result records it
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


@transaction.atomic
def _start(book_id: int) -> ResumeBook | None:
    book = ResumeBook.objects.select_for_update().filter(pk=book_id).first()
    if book is None or book.status != Status.QUEUED:
        return None  # gone, expired meanwhile, or already run: a job enqueued twice builds once
    book.status, book.started_at, book.progress = Status.RUNNING, timezone.now(), 0
    book.save(update_fields=["status", "started_at", "progress"])
    return book


def _visibility(book: ResumeBook) -> Q:
    """Who this book may hold, as of now (called again for every student)."""
    if book.company_id is None:
        if not access.is_staff(book.requested_by):
            raise BookFailed("The person who requested this book no longer has staff access.")
        return access.visible_profiles(book.requested_by)
    if not book.company.is_active_member:
        raise BookFailed("The company is no longer an active member.")
    return access.shared_with(book.company)


def _matching_ids(book: ResumeBook) -> list[int]:
    filterset = _filterset(book.filters, _visibility(book))
    if not filterset.is_valid():
        raise BookFailed("The book's filters are no longer valid; please request a new book.")
    limit = settings.CAREERS_RESUME_BOOK_MAX_PROFILES
    ids = list(filterset.qs.order_by(*SEARCH_ORDER).values_list("pk", flat=True)[: limit + 1])
    if len(ids) > limit:
        raise BookFailed(f"More than {limit} profiles match by now; please request a book with narrower filters.")
    return ids


def _write_zip(book: ResumeBook, path: str) -> None:
    ids = _matching_ids(book)
    ResumeBook.objects.filter(pk=book.pk).update(total=len(ids))
    width = max(3, len(str(len(ids))))
    rows = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, pk in enumerate(ids, start=1):
            row = _add_profile(book, archive, pk, number=len(rows) + 1, width=width)
            if row is not None:
                rows.append(row)
            _progress(book, done=done, total=len(ids))
        archive.writestr(_member(INDEX_NAME, zipfile.ZIP_DEFLATED), _index_csv(rows))


@transaction.atomic
def _add_profile(book: ResumeBook, archive: zipfile.ZipFile, pk: int, *, number: int, width: int) -> list | None:
    """Add one student if they still share with the book's company at this moment; their index row.

    The profile row is locked while its CV is copied: a consent change committed before this
    point leaves the student out, one made during the copy waits for it (services lock the row).
    """
    if not StudentProfile.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True):
        return None  # deleted meanwhile
    profile = (
        StudentProfile.objects.filter(_visibility(book), pk=pk)
        .select_related("user", "user__organisation", "cv")
        .prefetch_related(Prefetch("skills", queryset=Skill.objects.order_by("key", "id")))
        .first()
    )
    if profile is None:
        return None  # withdrawn, expired or deactivated since the request
    cv_name = ""
    cv = _cv_or_none(profile)
    if cv is not None:
        cv_name = f"{number:0{width}d}-{_file_stem(profile.user)}.{_extension(cv)}"
        _copy_cv(archive, cv, cv_name)
    # Recorded as it is added, so an erasure during the build finds this book and withdraws it.
    ResumeBookEntry.objects.create(book=book, profile=profile, position=number)
    return _index_row(number, profile, cv_name)


def _copy_cv(archive: zipfile.ZipFile, cv: CurriculumVitae, name: str) -> None:
    # PDFs are compressed already: stored as they are, streamed, never whole in memory.
    with cv.file.open("rb") as source, archive.open(_member(name, zipfile.ZIP_STORED), "w") as target:
        shutil.copyfileobj(source, target, COPY_CHUNK)


def _progress(book: ResumeBook, *, done: int, total: int) -> None:
    percent = min(99, done * 100 // total)  # 100 means ready
    if percent == book.progress:
        return
    # Committed at once (autocommit), so a client polling the book sees it move; the status
    # condition notices a book that was expired or failed meanwhile.
    if not ResumeBook.objects.filter(pk=book.pk, status=Status.RUNNING).update(progress=percent):
        raise _NoLongerRunning
    book.progress = percent


@transaction.atomic
def _finish(book: ResumeBook, *, stored: str, size: int) -> bool:
    current = ResumeBook.objects.select_for_update().filter(pk=book.pk).first()
    if current is None or current.status != Status.RUNNING:
        return False  # read again here: a book erased meanwhile must stay expired
    entries = ResumeBookEntry.objects.filter(book=current)
    now = timezone.now()
    current.status, current.progress, current.error = Status.READY, 100, ""
    current.included = entries.count()
    current.file, current.size = stored, size
    current.finished_at = now
    current.expires_at = now + datetime.timedelta(days=settings.CAREERS_RESUME_BOOK_DAYS)
    current.save(update_fields=["status", "progress", "error", "included", "file", "size", "finished_at", "expires_at"])
    profiles = StudentProfile.objects.filter(pk__in=entries.filter(profile__isnull=False).values("profile_id"))
    services.view_record(
        profiles=list(profiles.only("pk")), kind=ProfileView.Kind.RESUME_BOOK, viewer=current.requested_by
    )
    audit_record(action="build", target=current, changes={"included": current.included, "size": size})
    return True


def _forget_entries(book: ResumeBook) -> None:
    # A book that never finished holds nobody (an erased student's entry was already cut loose).
    ResumeBookEntry.objects.filter(book=book).delete()


def _fail(book: ResumeBook, reason: str) -> None:
    with transaction.atomic():
        current = ResumeBook.objects.select_for_update().filter(pk=book.pk).first()
        if current is None or current.status not in ACTIVE:
            return
        _mark_failed(current, reason)


def _mark_failed(book: ResumeBook, reason: str) -> None:
    book.status, book.error, book.file, book.finished_at = Status.FAILED, reason[:500], "", timezone.now()
    book.save(update_fields=["status", "error", "file", "finished_at"])
    ResumeBookEntry.objects.filter(book=book).delete()  # a failed book holds nobody
    audit_record(action="fail", target=book, changes={"error": book.error})


# --- The ZIP's contents -------------------------------------------------------------------------


def _member(name: str, compression: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
    info.compress_type = compression
    info.external_attr = 0o644 << 16  # readable when unpacked on Unix
    return info


def _cv_or_none(profile: StudentProfile) -> CurriculumVitae | None:
    try:
        return profile.cv
    except CurriculumVitae.DoesNotExist:
        return None


def _extension(cv: CurriculumVitae) -> str:
    return next((kind.extension for kind in KINDS.values() if kind.content_type == cv.content_type), "pdf")


def _file_stem(user: User) -> str:
    """`Khan-Aisha`: ASCII letters and digits only, so every unzip tool on every system reads it."""
    parts = []
    for part in (user.family_name, user.given_name):
        folded = unicodedata.normalize("NFKD", part or "").encode("ascii", "ignore").decode()
        cleaned = re.sub(r"[^A-Za-z0-9]+", "-", folded).strip("-")
        if cleaned:
            parts.append(cleaned)
    return "-".join(parts)[:60].strip("-") or "student"


def _index_row(number: int, profile: StudentProfile, cv_name: str) -> list:
    user = profile.user
    return [
        number,
        user.full_name,
        user.email,
        user.organisation.name if user.organisation else "",
        profile.get_degree_display(),
        profile.field,
        f"{profile.expected_graduation:%Y-%m}",
        "; ".join(skill.name for skill in profile.skills.all()),
        profile.research_interests,
        " ".join(profile.links or []),
        cv_name,
    ]


def _index_csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(INDEX_HEADER)
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")  # the BOM makes spreadsheets read accented names right


# --- Housekeeping (manage.py expire_resume_books) ------------------------------------------------


def _delete_files(names) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.exception("could not delete %s from storage", name)


def expire(*, now=None) -> int:
    """Ready books past `expires_at` become expired; their files leave storage once that commits."""
    now = now or timezone.now()
    with transaction.atomic():
        books = list(ResumeBook.objects.select_for_update().filter(status=Status.READY, expires_at__lte=now))
        names = [book.file.name for book in books if book.file]
        for book in books:
            book.status, book.file = Status.EXPIRED, ""
            book.save(update_fields=["status", "file"])
            audit_record(action="expire", target=book, changes={"expires_at": book.expires_at})
        transaction.on_commit(lambda: _delete_files(names))
    return len(books)


def fail_stalled(*, now=None) -> int:
    """Books queued or building for longer than STALLED_AFTER become failed: their job died with its
    worker, and they would otherwise hold one of the company's MAX_ACTIVE places for ever."""
    before = (now or timezone.now()) - STALLED_AFTER
    stalled = Q(status=Status.QUEUED, created_at__lte=before) | Q(status=Status.RUNNING, started_at__lte=before)
    with transaction.atomic():
        books = list(ResumeBook.objects.select_for_update().filter(stalled))
        for book in books:
            _mark_failed(book, "The job building this book stopped; please request it again.")
    return len(books)
