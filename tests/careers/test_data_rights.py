"""A student's erasure of their career profile (DELETE careers/me/): no file left behind, the view log
anonymised, resume books holding the CV withdrawn, and nothing else of theirs (or anyone's) touched."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from api.careers import services
from api.careers.models import (
    ConsentRecord,
    CurriculumVitae,
    ProfileSkill,
    ProfileView,
    ResumeBook,
    ResumeBookEntry,
    SharedCompany,
    StudentProfile,
)
from api.core.audit.models import AuditEvent
from api.core.files.models import DownloadRecord
from api.events.models import Registration
from api.research import services as research_services
from tests import factories
from tests.careers.support import ME, PROFILES, make_profile, pdf, stored_files
from tests.events.api_support import make_event, register

CV = f"{ME}cv/"


def media() -> Path:
    return Path(settings.MEDIA_ROOT)


def read(response) -> bytes:
    # A streamed file read to the end (the test client then closes it once, not twice).
    return b"".join(response.streaming_content) if response.streaming else response.content


def upload_cv(client, capture, name="cv.pdf", text="CV"):
    # The replaced file leaves storage on commit: run the on-commit callbacks like a real request.
    with capture(execute=True):
        response = client.put(CV, {"file": pdf(name, text)}, format="multipart")
    assert response.status_code in (200, 201), response.content
    return response


def make_task(student, university):
    program = research_services.program_create(name="Lithography", code="LITH", description="")
    return research_services.task_create(
        number="3160.001",
        title="EUV resists",
        abstract="",
        program=program,
        university=university,
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2028, 12, 31),
        status="active",
        confidential=False,
        students=[student],
    )


def make_book(company, requester, profile, status=ResumeBook.Status.READY) -> ResumeBook:
    name = default_storage.save("careers/books/book.zip", ContentFile(b"PK\x03\x04 a zip of CVs"))
    book = ResumeBook.objects.create(
        company=company, requested_by=requester, status=status, file=name, size=20, total=1, included=1
    )
    ResumeBookEntry.objects.create(book=book, profile=profile, position=1)
    return book


@pytest.fixture
def erasable(student_user, student_api, university, member_company, other_company, recruiter_api,
             django_capture_on_commit_callbacks):  # fmt: skip
    """A student with everything a profile holds: skills, links, consent with two companies (and its
    history), a CV replaced once, views of the profile and the CV by a recruiter, a ready resume book
    holding them; plus research and events data that the erasure must leave alone."""
    profile = make_profile(
        student_user,
        skills=["Lithography", "Python"],
        links=["https://example.com/khan"],
        share=[member_company, other_company],
    )
    upload_cv(student_api, django_capture_on_commit_callbacks, name="first.pdf", text="first")
    first_file = stored_files(media())
    upload_cv(student_api, django_capture_on_commit_callbacks, name="Khan CV.pdf", text="second")
    assert stored_files(media()) != first_file, "the first CV's file is replaced, not kept"
    assert recruiter_api.get(f"{PROFILES}{profile.pk}/").status_code == 200
    response = recruiter_api.get(f"{PROFILES}{profile.pk}/cv/")
    assert response.status_code == 200
    assert read(response).startswith(b"%PDF")
    book = make_book(member_company, None, profile)
    task = make_task(student_user, university)
    registration = register(make_event(), student_user)
    return {"profile": profile, "book": book, "task": task, "registration": registration}


def delete_profile(client, capture):
    with capture(execute=True):
        return client.delete(ME)


def test_deletion_leaves_no_file_behind(erasable, student_api, django_capture_on_commit_callbacks):
    assert len(stored_files(media())) == 2  # the current CV and the resume book
    response = delete_profile(student_api, django_capture_on_commit_callbacks)
    assert response.status_code == 204
    assert stored_files(media()) == []


def test_deletion_erases_the_profile_and_keeps_the_rest(
    erasable, student_user, student_api, recruiter, recruiter_api, member_company, django_capture_on_commit_callbacks
):
    profile, book, task, registration = (erasable[key] for key in ("profile", "book", "task", "registration"))
    cv_pk = profile.cv.pk
    assert ProfileView.objects.filter(profile=profile).count() == 2
    audit_before = AuditEvent.objects.filter(actor=student_user).count()

    assert delete_profile(student_api, django_capture_on_commit_callbacks).status_code == 204

    # The profile and everything that only made sense with it are gone.
    assert not StudentProfile.objects.filter(pk=profile.pk).exists()
    assert not CurriculumVitae.objects.filter(pk=cv_pk).exists()
    assert not ConsentRecord.objects.filter(profile_id=profile.pk).exists()
    assert not ProfileSkill.objects.filter(profile_id=profile.pk).exists()
    assert not SharedCompany.objects.filter(profile_id=profile.pk).exists()
    # The view log keeps the company's counts, without the student.
    views = list(ProfileView.objects.order_by("id").values("profile_id", "kind", "organisation_name", "viewer_id"))
    assert views == [
        {"profile_id": None, "kind": "profile", "organisation_name": member_company.name, "viewer_id": recruiter.pk},
        {"profile_id": None, "kind": "cv", "organisation_name": member_company.name, "viewer_id": recruiter.pk},
    ]
    # The recruiter's CV download stays counted, without the student's own file name.
    download = DownloadRecord.objects.get(target_type="careers.curriculumvitae", target_id=str(cv_pk))
    assert (download.user_id, download.organisation_name) == (recruiter.pk, member_company.name)
    assert "Khan" not in download.file_name
    # The resume book holding the CV is withdrawn.
    book.refresh_from_db()
    assert (book.status, book.file.name) == (ResumeBook.Status.EXPIRED, "")
    assert book.error
    assert ResumeBookEntry.objects.get(book=book).profile_id is None
    # The account, research, events and the audit trail are untouched; the erasure itself is audited.
    student_user.refresh_from_db()
    assert student_user.is_active
    assert list(task.students.all()) == [student_user]
    assert Registration.objects.get(pk=registration.pk).status == registration.status
    assert AuditEvent.objects.filter(actor=student_user).count() == audit_before + 1
    erased = AuditEvent.objects.get(action="delete", target_type="careers.studentprofile")
    assert (erased.target_id, erased.changes) == (str(profile.pk), {"user": student_user.pk})
    # Nobody finds the profile any more.
    assert student_api.get(ME).status_code == 404
    assert recruiter_api.get(PROFILES).json()["count"] == 0
    assert recruiter_api.get(f"{PROFILES}{profile.pk}/").status_code == 404
    # Erasing twice: there is nothing left to erase.
    second = delete_profile(student_api, django_capture_on_commit_callbacks)
    assert second.status_code == 404
    assert second.json()["code"] == "not_found"


def test_other_students_are_untouched(
    erasable, university, member_company, student_api, recruiter, recruiter_api, django_capture_on_commit_callbacks
):
    other = factories.student(university, email="lee@westbridge.example.edu")
    kept = make_profile(other, skills=["Python"], share="all", cv=True)
    ProfileView.objects.create(profile=kept, kind="profile", viewer=recruiter, organisation_name=member_company.name)
    kept_file = media() / kept.cv.file.name
    kept_book = make_book(member_company, recruiter, kept)
    before = stored_files(media())
    erased = {media() / erasable["profile"].cv.file.name, media() / erasable["book"].file.name}

    assert delete_profile(student_api, django_capture_on_commit_callbacks).status_code == 204

    assert stored_files(media()) == sorted([kept_file, media() / kept_book.file.name])
    assert set(before) - set(stored_files(media())) == erased
    kept.refresh_from_db()
    assert (kept.sharing, kept.cv.file.name) == (True, str(kept_file.relative_to(media())))
    assert list(ProfileSkill.objects.filter(profile=kept).values_list("skill__name", flat=True)) == ["Python"]
    assert ConsentRecord.objects.filter(profile=kept).count() == 1
    assert ProfileView.objects.filter(profile=kept).count() == 1
    kept_book.refresh_from_db()
    assert kept_book.status == ResumeBook.Status.READY
    assert [row["id"] for row in recruiter_api.get(PROFILES).json()["results"]] == [kept.pk]


def test_a_failure_inside_the_erasure_keeps_everything(
    erasable, student_api, monkeypatch, django_capture_on_commit_callbacks
):
    profile = erasable["profile"]
    before = stored_files(media())

    def fail(**kwargs):
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr(services, "audit_record", fail)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True) as callbacks:
        student_api.delete(ME)

    assert callbacks == []  # rolled back: no file deletion was scheduled
    assert stored_files(media()) == before
    assert CurriculumVitae.objects.filter(profile=profile).exists()
    assert ProfileView.objects.filter(profile=profile).count() == 2
    assert ConsentRecord.objects.filter(profile=profile).exists()
    assert ResumeBook.objects.get(pk=erasable["book"].pk).status == ResumeBook.Status.READY


def test_erasing_a_profile_already_erased_is_a_no_op(student_user, django_capture_on_commit_callbacks):
    # Two DELETEs at once: the second finds the row gone once it gets the lock (a stale instance here).
    profile = make_profile(student_user, cv=True)
    stale = StudentProfile.objects.get(pk=profile.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_delete(profile=profile)
        services.profile_delete(profile=stale)
    assert not StudentProfile.objects.filter(pk=profile.pk).exists()
    assert stored_files(media()) == []


@pytest.mark.parametrize("status", [ResumeBook.Status.QUEUED, ResumeBook.Status.FAILED])
def test_books_not_ready_are_withdrawn_too(student_user, member_company, status, django_capture_on_commit_callbacks):
    # A queued book may still be built with the CV; a failed one may have left a partial file behind.
    profile = make_profile(student_user, cv=True)
    book = make_book(member_company, None, profile, status=status)
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_delete(profile=profile)
    book.refresh_from_db()
    assert (book.status, book.file.name) == (ResumeBook.Status.EXPIRED, "")
    assert stored_files(media()) == []


def test_an_expired_book_without_a_file_is_left_as_it_is(student_user, member_company):
    profile = make_profile(student_user)
    book = ResumeBook.objects.create(company=member_company, status=ResumeBook.Status.EXPIRED, error="Expired.")
    ResumeBookEntry.objects.create(book=book, profile=profile, position=1)
    services.profile_delete(profile=profile)
    book.refresh_from_db()
    assert (book.status, book.error) == (ResumeBook.Status.EXPIRED, "Expired.")
    assert ResumeBookEntry.objects.get(book=book).profile_id is None
