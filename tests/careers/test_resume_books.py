"""Resume books: ordering one, the background job end to end (ZIP and index checked), consent checked
again while it is built, access, downloads, expiry, failures, query counts, and the real db_worker."""

import csv
import datetime
import io
import logging
import re
import signal
import tempfile
import threading
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from api.careers import resume_books, services
from api.careers.filters import FILTER_NAMES
from api.careers.models import ProfileView, ResumeBook, ResumeBookEntry
from api.careers.resume_book_serializers import ResumeBookFiltersSerializer
from api.core.files.models import DownloadRecord
from tests import factories
from tests.conftest import client_for

from .support import fetch, make_profile, months_from_today, stored_files

pytestmark = pytest.mark.django_db

URL = "/api/v1/careers/resume-books/"
STORED_NAME = re.compile(r"^careers/resume-books/\d{4}/\d{2}/[0-9a-f]{32}\.zip$")


def iso(moment) -> str | None:
    return None if moment is None else moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


@pytest.fixture
def temp_dir(tmp_path, monkeypatch):
    """The job's temporary files go here, so a test sees whether any is left behind."""
    path = tmp_path / "tmp"
    path.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(path))
    return path


@pytest.fixture
def media_root(settings):
    return settings.MEDIA_ROOT


@pytest.fixture
def students(university, member_company, other_company):
    """Students in every state; those Aster's recruiters may have, in the search's order:
    Khan (all, CV), Ode (Aster only, no CV), Núñez (all, CV)."""
    make = lambda **kw: factories.student(university, **kw)  # noqa: E731
    return {
        "khan": make_profile(make(given_name="Aisha", family_name="Khan", email="khan@uni.example"), share="all",
                             degree="phd", graduation=months_from_today(3), skills=["Python", "EUV lithography"],
                             field="Chemical Engineering", research_interests="Resist chemistry",
                             links=["https://khan.example"], cv=True),
        "ode": make_profile(make(given_name="Ben", family_name="Ode", email="ode@uni.example"),
                            share=[member_company], degree="ms", graduation=months_from_today(4), skills=["Verilog"],
                            field="Electrical Engineering"),
        "nunez": make_profile(make(given_name="José", family_name="Núñez", email="nunez@uni.example"), share="all",
                              degree="bs", graduation=months_from_today(5), field="Physics",
                              research_interests="=HYPERLINK(\"https://evil.example\")", cv=True),
        "helix": make_profile(make(given_name="Cleo", family_name="Park"), share=[other_company], cv=True,
                              graduation=months_from_today(3)),
        "private": make_profile(make(given_name="Dan", family_name="Roe"), cv=True, graduation=months_from_today(3)),
        "expired": make_profile(make(given_name="Eve", family_name="Sol"), share="all", cv=True,
                                graduation=months_from_today(-24)),
        "inactive": make_profile(make(given_name="Fay", family_name="Tam", is_active=False), share="all", cv=True,
                                 graduation=months_from_today(3)),
    }  # fmt: skip


def order(client, django_capture_on_commit_callbacks, body=None):
    """POST a book; its job runs when the request's transaction commits (ImmediateBackend)."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, body if body is not None else {}, format="json")
    return response


def cv_bytes(profile) -> bytes:
    with default_storage.open(profile.cv.file.name, "rb") as handle:
        return handle.read()


def unzip(content: bytes) -> tuple[dict[str, bytes], list[list[str]]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        files = {name: archive.read(name) for name in archive.namelist()}
    rows = list(csv.reader(io.StringIO(files["index.csv"].decode("utf-8-sig"))))
    return files, rows


def book_row(company, requester, **fields) -> ResumeBook:
    return ResumeBook.objects.create(company=company, requested_by=requester, **fields)


# --- The job end to end ----------------------------------------------------------------------------


def test_a_book_end_to_end(
    students,
    recruiter,
    recruiter_api,
    member_company,
    settings,
    temp_dir,
    media_root,
    django_capture_on_commit_callbacks,
):
    settings.CAREERS_RESUME_BOOK_DAYS = 3
    response = order(recruiter_api, django_capture_on_commit_callbacks)
    assert response.status_code == 202, response.json()
    assert response.json()["status"] == "queued"  # the job ran after the response was made
    book = ResumeBook.objects.get()
    assert response["Location"] == f"{URL}{book.pk}/"

    detail = recruiter_api.get(f"{URL}{book.pk}/")
    assert detail.status_code == 200
    assert detail.json() == {
        "id": book.pk,
        "status": "ready",
        "progress": 100,
        "total": 3,
        "included": 3,
        "filters": {},
        "error": "",
        "company": {"id": member_company.pk, "name": "Aster Microdevices", "short_name": "Aster", "kind": "member"},
        "requested_by": {
            "id": recruiter.pk,
            "given_name": recruiter.given_name,
            "family_name": recruiter.family_name,
            "full_name": recruiter.full_name,
        },
        "created_at": iso(book.created_at),
        "started_at": iso(book.started_at),
        "finished_at": iso(book.finished_at),
        "expires_at": iso(book.finished_at + datetime.timedelta(days=3)),
        "size": book.size,
        "download_url": f"{URL}{book.pk}/download/",
    }
    assert STORED_NAME.match(book.file.name)
    assert (media_root / book.file.name).stat().st_size == book.size
    assert list(temp_dir.iterdir()) == []  # the temporary ZIP is gone

    download, content = fetch(recruiter_api, f"{URL}{book.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    finished = timezone.localtime(book.finished_at)
    assert f'filename="resume-book-{book.pk}-{finished:%Y-%m-%d}.zip"' in download["Content-Disposition"]
    assert len(content) == book.size

    files, rows = unzip(content)
    khan, ode, nunez = students["khan"], students["ode"], students["nunez"]
    assert sorted(files) == ["001-Khan-Aisha.pdf", "003-Nunez-Jose.pdf", "index.csv"]
    assert files["001-Khan-Aisha.pdf"] == cv_bytes(khan)
    assert files["003-Nunez-Jose.pdf"] == cv_bytes(nunez)
    assert rows == [
        ["number", "name", "email", "university", "degree", "field", "expected_graduation", "skills",
         "research_interests", "links", "cv_file"],
        ["1", "Aisha Khan", "khan@uni.example", "University of Westbridge", "PhD", "Chemical Engineering",
         f"{khan.expected_graduation:%Y-%m}", "EUV lithography; Python", "Resist chemistry", "https://khan.example",
         "001-Khan-Aisha.pdf"],
        ["2", "Ben Ode", "ode@uni.example", "University of Westbridge", "Master's", "Electrical Engineering",
         f"{ode.expected_graduation:%Y-%m}", "Verilog", "", "", ""],  # no CV: listed, no file
        ["3", "José Núñez", "nunez@uni.example", "University of Westbridge", "Bachelor's", "Physics",
         f"{nunez.expected_graduation:%Y-%m}", "", "'=HYPERLINK(\"https://evil.example\")", "", "003-Nunez-Jose.pdf"],
    ]  # fmt: skip

    entries = list(ResumeBookEntry.objects.filter(book=book).values_list("position", "profile_id"))
    assert entries == [(1, khan.pk), (2, ode.pk), (3, nunez.pk)]
    views = ProfileView.objects.filter(kind=ProfileView.Kind.RESUME_BOOK)
    assert sorted(views.values_list("profile_id", flat=True)) == sorted([khan.pk, ode.pk, nunez.pk])
    assert set(views.values_list("viewer_id", "organisation_id", "organisation_name")) == {
        (recruiter.pk, member_company.pk, "Aster Microdevices")
    }
    record = DownloadRecord.objects.get()
    assert (record.user_id, record.target_type, record.target_id) == (recruiter.pk, "careers.resumebook", str(book.pk))
    assert (record.organisation_id, record.size) == (member_company.pk, book.size)
    assert record.file_name == f"resume-book-{book.pk}-{finished:%Y-%m-%d}.zip"


def test_the_filters_are_the_searchs_and_are_kept(students, recruiter_api, django_capture_on_commit_callbacks):
    response = order(
        recruiter_api, django_capture_on_commit_callbacks, {"degree": ["ms", "phd"], "skills_any": ["verilog"]}
    )
    assert response.status_code == 202, response.json()
    book = ResumeBook.objects.get()
    assert book.filters == {"degree": ["ms", "phd"], "skills_any": "verilog"}
    assert recruiter_api.get(f"{URL}{book.pk}/").json()["filters"] == {"degree": ["ms", "phd"], "skills_any": "verilog"}
    assert list(ResumeBookEntry.objects.filter(book=book).values_list("profile_id", flat=True)) == [students["ode"].pk]


def test_the_filter_body_documents_every_search_filter():
    assert set(ResumeBookFiltersSerializer().fields) == set(FILTER_NAMES)


def test_a_staff_book_holds_everything_shared_and_current(
    students, staff_user, staff_api, django_capture_on_commit_callbacks
):
    assert order(staff_api, django_capture_on_commit_callbacks).status_code == 202
    book = ResumeBook.objects.get()
    assert book.company is None and book.status == ResumeBook.Status.READY
    names = ("khan", "ode", "nunez", "helix")
    expected = {students[name].pk for name in names}
    assert set(ResumeBookEntry.objects.filter(book=book).values_list("profile_id", flat=True)) == expected
    response, content = fetch(staff_api, f"{URL}{book.pk}/download/")
    assert response.status_code == 200
    assert len(unzip(content)[1]) == 1 + len(names)


def test_a_job_run_twice_builds_once(students, recruiter_api, django_capture_on_commit_callbacks):
    order(recruiter_api, django_capture_on_commit_callbacks)
    book = ResumeBook.objects.get()
    resume_books.build(book_id=book.pk)  # e.g. enqueued twice: the book is not queued any more
    again = ResumeBook.objects.get()
    assert (again.file.name, again.finished_at, again.included) == (book.file.name, book.finished_at, book.included)
    assert ResumeBookEntry.objects.filter(book=book).count() == 3


# --- Consent is checked while the book is built ------------------------------------------------------


@pytest.fixture
def three(university):
    make = lambda family, months: make_profile(  # noqa: E731
        factories.student(university, given_name="Sam", family_name=family),
        share="all",
        graduation=months_from_today(months),
        cv=True,
    )
    return [make("Alpha", 3), make("Bravo", 4), make("Charlie", 5)]


def test_a_withdrawal_while_the_book_is_built_leaves_the_student_out(
    three, recruiter_api, monkeypatch, media_root, django_capture_on_commit_callbacks
):
    first, second, third = three
    copy = resume_books._copy_cv
    calls = []

    def copy_then_withdraw(archive, cv, name):
        # The job is at the first student when the second withdraws.
        if not calls:
            services.consent_set(profile=second, sharing=False)
        calls.append(name)
        copy(archive, cv, name)

    monkeypatch.setattr(resume_books, "_copy_cv", copy_then_withdraw)
    assert order(recruiter_api, django_capture_on_commit_callbacks).status_code == 202
    book = ResumeBook.objects.get()
    assert (book.status, book.total, book.included, book.progress) == ("ready", 3, 2, 100)
    files, rows = unzip(fetch(recruiter_api, f"{URL}{book.pk}/download/")[1])
    assert sorted(files) == ["001-Alpha-Sam.pdf", "002-Charlie-Sam.pdf", "index.csv"]
    assert [row[1] for row in rows[1:]] == ["Sam Alpha", "Sam Charlie"]
    assert list(ResumeBookEntry.objects.filter(book=book).values_list("profile_id", flat=True)) == [
        first.pk,
        third.pk,
    ]
    viewed = ProfileView.objects.filter(kind=ProfileView.Kind.RESUME_BOOK).values_list("profile_id", flat=True)
    assert sorted(viewed) == sorted([first.pk, third.pk])


def test_an_erasure_while_the_book_is_built_is_not_undone_by_the_job(
    three, recruiter_api, monkeypatch, media_root, temp_dir, django_capture_on_commit_callbacks
):
    first = three[0]
    copy = resume_books._copy_cv
    calls = []

    def copy_after_erasing(archive, cv, name):
        calls.append(name)
        if len(calls) == 2:  # the first student, already in the book, deletes their profile
            services.profile_delete(profile=first)
        copy(archive, cv, name)

    monkeypatch.setattr(resume_books, "_copy_cv", copy_after_erasing)
    order(recruiter_api, django_capture_on_commit_callbacks)
    book = ResumeBook.objects.get()
    assert book.status == ResumeBook.Status.EXPIRED and not book.file
    assert not ResumeBookEntry.objects.filter(book=book).exists()
    assert not ProfileView.objects.filter(kind=ProfileView.Kind.RESUME_BOOK).exists()
    assert [path for path in stored_files(media_root) if path.suffix == ".zip"] == []
    assert list(temp_dir.iterdir()) == []
    assert recruiter_api.get(f"{URL}{book.pk}/download/").status_code == 410


def test_a_book_can_come_out_empty_when_everyone_withdrew_before_it_was_built(
    three, recruiter_api, django_capture_on_commit_callbacks
):
    start = resume_books._start

    def withdraw_all_then_start(book_id):
        for profile in three:
            services.consent_set(profile=profile, sharing=False)
        return start(book_id)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(resume_books, "_start", withdraw_all_then_start)
        order(recruiter_api, django_capture_on_commit_callbacks)
    book = ResumeBook.objects.get()
    assert (book.status, book.total, book.included, book.progress) == ("ready", 0, 0, 100)
    files, rows = unzip(fetch(recruiter_api, f"{URL}{book.pk}/download/")[1])
    assert list(files) == ["index.csv"] and len(rows) == 1


# --- Ordering: validation, limits -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"colour": "red", "page": "2"}, {"colour", "page"}),
        ({"graduation_from": "June 2027"}, {"graduation_from"}),
        ({"graduation_to": ""}, {"graduation_to"}),
        ({"degree": ["wizard"]}, {"degree"}),
        ({"university": "x"}, {"university"}),
        ({"university": True}, {"university"}),
        ({"q": ["two", "values"]}, {"q"}),
        ({"field": {"nested": 1}}, {"field"}),
        ({"skills_all": ",".join(f"s{n}" for n in range(11))}, {"skills_all"}),
        (["degree", "phd"], {"non_field_errors"}),
    ],
)
def test_bad_filters_are_a_400_naming_them(students, recruiter_api, body, fields):
    response = recruiter_api.post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["fields"]) == fields
    assert not ResumeBook.objects.exists()


def test_unknown_filters_are_named_with_the_known_ones(students, recruiter_api):
    response = recruiter_api.post(URL, {"colour": "red"}, format="json")
    assert response.json()["fields"]["colour"] == [f"Unknown filter; the filters are {', '.join(FILTER_NAMES)}."]


def test_too_many_matches_is_a_400_asking_to_narrow_the_filters(students, recruiter_api, settings):
    settings.CAREERS_RESUME_BOOK_MAX_PROFILES = 2
    response = recruiter_api.post(URL, {}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "3 profiles match; a resume book holds at most 2. Narrow the filters."
    assert recruiter_api.post(URL, {"degree": ["phd", "ms"]}, format="json").status_code == 202


def test_no_match_is_a_400(students, recruiter_api):
    response = recruiter_api.post(URL, {"q": "nobody-has-this"}, format="json")
    assert response.status_code == 400
    assert "No shared profile matches" in response.json()["detail"]


def test_a_company_has_at_most_three_books_in_the_making(
    students, recruiter, recruiter_api, member_company, other_company, staff_user, colleague
):
    book_row(member_company, colleague, status=ResumeBook.Status.RUNNING)
    book_row(member_company, recruiter, status=ResumeBook.Status.QUEUED)
    book_row(member_company, recruiter, status=ResumeBook.Status.READY)  # done: does not count
    book_row(other_company, None, status=ResumeBook.Status.QUEUED)  # another company's
    book_row(None, staff_user, status=ResumeBook.Status.QUEUED)  # staff's
    assert recruiter_api.post(URL, {}, format="json").status_code == 202  # the third (its job waits in the test)
    response = recruiter_api.post(URL, {}, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "status": 409,
        "code": "too_many_books",
        "detail": "3 resume books are already being built for your company; try again when one is ready.",
    }
    assert ResumeBook.objects.filter(company=member_company).count() == 4


def test_staff_count_their_own_books_in_the_making(students, staff_user, staff_api, member_company):
    for _ in range(3):
        book_row(member_company, None, status=ResumeBook.Status.QUEUED)
    other_staff = factories.staff()
    book_row(None, other_staff, status=ResumeBook.Status.QUEUED)
    book_row(None, staff_user, status=ResumeBook.Status.QUEUED)
    book_row(None, staff_user, status=ResumeBook.Status.RUNNING)
    assert staff_api.post(URL, {}, format="json").status_code == 202
    assert staff_api.post(URL, {}, format="json").status_code == 409


def test_ordering_is_audited(students, recruiter, recruiter_api):
    from api.core.audit.models import AuditEvent

    recruiter_api.post(URL, {"degree": ["phd"]}, format="json")
    book = ResumeBook.objects.get()
    event = AuditEvent.objects.get(target_type="careers.resumebook", action="create")
    assert (event.actor_id, event.target_id) == (recruiter.pk, str(book.pk))
    assert event.changes == {"company": book.company_id, "filters": {"degree": ["phd"]}, "matches": 1}


# --- Who sees and downloads what ---------------------------------------------------------------------


@pytest.fixture
def ready_book(students, recruiter_api, django_capture_on_commit_callbacks):
    order(recruiter_api, django_capture_on_commit_callbacks)
    return ResumeBook.objects.get()


@pytest.mark.parametrize(
    ("client", "status"),
    [
        ("api", 401),
        ("student_api", 403),
        ("faculty_api", 403),
        ("member_api", 403),  # a colleague who is not a recruiter
        ("inactive_recruiter_api", 403),
        ("other_recruiter_api", 404),
        ("staff_api", 403),  # sees the company's book, does not download it
        ("recruiter_api", 200),
    ],
)
def test_who_downloads_a_companys_book(ready_book, request, client, status):
    response, _ = fetch(request.getfixturevalue(client), f"{URL}{ready_book.pk}/download/")
    assert response.status_code == status


@pytest.mark.parametrize(
    ("client", "list_status", "detail_status", "order_status"),
    [
        ("api", 401, 401, 401),
        ("student_api", 403, 403, 403),
        ("faculty_api", 403, 403, 403),
        ("member_api", 403, 403, 403),
        ("inactive_recruiter_api", 403, 403, 403),
        ("other_recruiter_api", 200, 404, 202),
        ("staff_api", 200, 200, 202),
        ("recruiter_api", 200, 200, 202),
    ],
)
def test_who_sees_and_orders_books(ready_book, request, client, list_status, detail_status, order_status):
    caller = request.getfixturevalue(client)
    listed = caller.get(URL)
    assert listed.status_code == list_status
    assert caller.get(f"{URL}{ready_book.pk}/").status_code == detail_status
    assert caller.post(URL, {}, format="json").status_code == order_status


def test_lists_are_scoped(ready_book, other_recruiter, other_recruiter_api, staff_api, recruiter_api, colleague):
    other = book_row(other_recruiter.organisation, other_recruiter, status=ResumeBook.Status.QUEUED)
    staff_book = book_row(None, None, status=ResumeBook.Status.FAILED, error="Boom.")
    assert [row["id"] for row in recruiter_api.get(URL).json()["results"]] == [ready_book.pk]
    assert [row["id"] for row in other_recruiter_api.get(URL).json()["results"]] == [other.pk]
    rows = staff_api.get(URL).json()["results"]
    assert [row["id"] for row in rows] == [staff_book.pk, other.pk, ready_book.pk]  # newest first
    assert [row["download_url"] for row in rows] == [None, None, None]  # staff download staff books only


def test_a_colleague_recruiter_downloads_the_companys_book(ready_book, member_company):
    colleague = factories.member(member_company, is_recruiter=True)
    assert fetch(client_for(colleague), f"{URL}{ready_book.pk}/download/")[0].status_code == 200


def test_a_book_not_ready_is_a_409(students, recruiter, recruiter_api, member_company):
    for status in (ResumeBook.Status.QUEUED, ResumeBook.Status.RUNNING, ResumeBook.Status.FAILED):
        book = book_row(member_company, recruiter, status=status)
        response = recruiter_api.get(f"{URL}{book.pk}/download/")
        assert response.status_code == 409
        assert response.json()["code"] == "not_ready"


def test_an_expired_book_is_gone_and_the_command_removes_its_file(
    ready_book, recruiter_api, media_root, staff_api, students, django_capture_on_commit_callbacks
):
    name = ready_book.file.name
    assert default_storage.exists(name)
    ResumeBook.objects.filter(pk=ready_book.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    # Past its date, before the command has run: already gone for the caller.
    response = recruiter_api.get(f"{URL}{ready_book.pk}/download/")
    assert response.status_code == 410
    assert response.json() == {
        "status": 410,
        "code": "expired",
        "detail": "This resume book has expired and its file was deleted; request a new one.",
    }
    assert recruiter_api.get(f"{URL}{ready_book.pk}/").json()["download_url"] is None

    fresh = book_row(ready_book.company, None, status=ResumeBook.Status.READY, file="careers/resume-books/x.zip",
                     expires_at=timezone.now() + datetime.timedelta(days=1))  # fmt: skip
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("expire_resume_books", stdout=out)
    assert out.getvalue() == "Expired 1 resume book(s); marked 0 stalled resume book(s) failed.\n"
    assert not default_storage.exists(name)
    ready_book.refresh_from_db()
    assert (ready_book.status, ready_book.file.name) == ("expired", "")
    fresh.refresh_from_db()
    assert fresh.status == ResumeBook.Status.READY
    assert recruiter_api.get(f"{URL}{ready_book.pk}/download/").status_code == 410


def test_stalled_books_are_failed_so_the_company_can_order_again(recruiter, member_company):
    long_ago = timezone.now() - resume_books.STALLED_AFTER - datetime.timedelta(minutes=1)
    running = book_row(member_company, recruiter, status=ResumeBook.Status.RUNNING, started_at=long_ago)
    queued = book_row(member_company, recruiter, status=ResumeBook.Status.QUEUED, created_at=long_ago)
    recent = book_row(member_company, recruiter, status=ResumeBook.Status.QUEUED)
    out = io.StringIO()
    call_command("expire_resume_books", stdout=out)
    assert out.getvalue() == "Expired 0 resume book(s); marked 2 stalled resume book(s) failed.\n"
    for book, status in ((running, "failed"), (queued, "failed"), (recent, "queued")):
        book.refresh_from_db()
        assert book.status == status
    assert running.error == "The job building this book stopped; please request it again."


# --- Failures -------------------------------------------------------------------------------------------


def test_a_storage_failure_fails_the_book_and_leaves_no_file(
    three, recruiter_api, monkeypatch, media_root, temp_dir, django_capture_on_commit_callbacks
):
    def full(name, content, max_length=None):
        raise OSError("No space left on device")

    monkeypatch.setattr(default_storage, "save", full)
    assert order(recruiter_api, django_capture_on_commit_callbacks).status_code == 202
    book = ResumeBook.objects.get()
    assert (book.status, book.file.name) == ("failed", "")
    assert book.error == "The book could not be built (OSError). Please request it again."
    assert not ResumeBookEntry.objects.filter(book=book).exists()
    assert not ProfileView.objects.filter(kind=ProfileView.Kind.RESUME_BOOK).exists()
    assert list(temp_dir.iterdir()) == []
    detail = recruiter_api.get(f"{URL}{book.pk}/").json()
    assert (detail["status"], detail["error"], detail["download_url"]) == ("failed", book.error, None)


def test_a_failure_after_storing_removes_the_stored_file(
    three, recruiter_api, monkeypatch, media_root, temp_dir, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("log unavailable")

    monkeypatch.setattr(services, "view_record", broken)
    before = stored_files(media_root)
    order(recruiter_api, django_capture_on_commit_callbacks)
    book = ResumeBook.objects.get()
    assert (book.status, book.file.name) == ("failed", "")
    assert stored_files(media_root) == before  # the ZIP was stored, then removed
    assert list(temp_dir.iterdir()) == []


def test_a_company_no_longer_a_member_gets_a_failed_book(
    three, recruiter_api, member_company, django_capture_on_commit_callbacks
):
    start = resume_books._start

    def deactivate_then_start(book_id):
        type(member_company).objects.filter(pk=member_company.pk).update(active=False)
        return start(book_id)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(resume_books, "_start", deactivate_then_start)
        order(recruiter_api, django_capture_on_commit_callbacks)
    book = ResumeBook.objects.get()
    assert (book.status, book.error) == ("failed", "The company is no longer an active member.")


# --- Query counts -----------------------------------------------------------------------------------------


def test_the_list_query_count_does_not_grow(recruiter, recruiter_api, member_company, count_queries):
    def make(n):
        for _ in range(n):
            book_row(member_company, recruiter, status=ResumeBook.Status.READY, file="careers/resume-books/x.zip",
                     expires_at=timezone.now() + datetime.timedelta(days=1), size=10)  # fmt: skip

    make(2)
    with count_queries() as small:
        assert len(recruiter_api.get(URL).json()["results"]) == 2
    make(8)
    with count_queries() as large:
        assert len(recruiter_api.get(URL).json()["results"]) == 10
    assert len(large) == len(small)


# --- The production path: the database backend and its worker -------------------------------------------------


@pytest.fixture
def worker_state():
    """db_worker sets signal handlers and log levels for the process it expects to own; put them back."""
    signals = [sig for sig in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGQUIT", None)) if sig]
    saved_signals = {sig: signal.getsignal(sig) for sig in signals}
    loggers = [logging.getLogger(name) for name in ("django_tasks", "django_tasks_db")]
    saved_loggers = {log: (log.level, list(log.handlers)) for log in loggers}
    yield
    for sig, handler in saved_signals.items():
        signal.signal(sig, handler)
    for log, (level, handlers) in saved_loggers.items():
        log.setLevel(level)
        log.handlers[:] = handlers


@pytest.mark.django_db(transaction=True)
def test_the_database_backend_and_db_worker_build_a_book(three, recruiter_api, settings, monkeypatch, worker_state):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    response = recruiter_api.post(URL, {}, format="json")  # no outer transaction: enqueued at its commit
    assert response.status_code == 202
    book = ResumeBook.objects.get()
    job = DBTaskResult.objects.get()
    assert (book.status, job.status, job.task_path) == ("queued", "READY", "api.careers.tasks.build_resume_book")
    assert job.args_kwargs == {"args": [], "kwargs": {"book_id": book.pk}}

    # A client polling the book while it is built sees the progress: each step commits on its own.
    seen = []
    progress = resume_books._progress

    def progress_seen_elsewhere(book, *, done, total):
        progress(book, done=done, total=total)
        assert not connection.in_atomic_block

        def poll():
            try:
                seen.append(ResumeBook.objects.values_list("status", "progress").get(pk=book.pk))
            finally:
                connection.close()

        thread = threading.Thread(target=poll)
        thread.start()
        thread.join()

    monkeypatch.setattr(resume_books, "_progress", progress_seen_elsewhere)
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", verbosity=0)

    assert seen == [("running", 33), ("running", 66), ("running", 99)]
    book.refresh_from_db()
    assert (book.status, book.progress, book.included) == ("ready", 100, 3)
    job.refresh_from_db()
    assert job.status == "SUCCESSFUL"
    files, rows = unzip(fetch(recruiter_api, f"{URL}{book.pk}/download/")[1])
    assert sorted(files) == ["001-Alpha-Sam.pdf", "002-Bravo-Sam.pdf", "003-Charlie-Sam.pdf", "index.csv"]
    assert len(rows) == 4
