"""The CV: a PDF by content, size-limited, replaceable; companies only ever get the current one."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from api.careers.models import CurriculumVitae, ProfileView
from api.core.files.models import DownloadRecord

from .support import ME, PROFILES, fetch, make_profile, pdf, pdf_bytes, stored_files

pytestmark = pytest.mark.django_db

CV = ME + "cv/"


@pytest.fixture
def profile(student_user):
    return make_profile(student_user, share="all")


def upload(client, file):
    return client.put(CV, {"file": file}, format="multipart")


def test_upload_then_replace_keeps_only_the_current_file(
    student_api, profile, recruiter_api, settings, django_capture_on_commit_callbacks
):
    response = upload(student_api, pdf("My CV (2026).pdf", text="first"))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["cv"]["original_name"] == "My CV (2026).pdf" and body["cv_url"] == CV
    assert body["cv"]["content_type"] == "application/pdf" and body["cv"]["size"] == len(pdf_bytes("first"))
    first = stored_files(settings.MEDIA_ROOT)
    assert len(first) == 1 and "careers/cv/" in first[0].as_posix() and "My CV" not in first[0].name

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(student_api, pdf("new.pdf", text="second"))
    assert response.status_code == 200
    files = stored_files(settings.MEDIA_ROOT)
    assert len(files) == 1 and files != first  # the replaced file left storage
    assert CurriculumVitae.objects.count() == 1
    response, content = fetch(recruiter_api, f"{PROFILES}{profile.pk}/cv/")
    assert content == pdf_bytes("second")


def test_the_file_must_be_a_pdf_by_its_bytes(student_api, profile):
    fake = SimpleUploadedFile("cv.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    response = upload(student_api, fake)
    assert response.status_code == 400 and "file" in response.json()["fields"]
    assert not CurriculumVitae.objects.exists()


def test_a_missing_file_is_a_400(student_api, profile):
    response = student_api.put(CV, {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["fields"]


def test_json_is_not_an_upload(student_api, profile):
    assert student_api.put(CV, {"file": "x"}, format="json").status_code == 415


def test_a_too_large_cv_is_a_413(student_api, profile, settings):
    settings.CAREERS_CV_MAX_BYTES = 100
    response = upload(student_api, SimpleUploadedFile("cv.pdf", pdf_bytes("x" * 200), content_type="application/pdf"))
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    assert stored_files(settings.MEDIA_ROOT) == []


def test_hostile_names_are_made_safe(student_api, profile):
    response = upload(student_api, pdf("../../etc/\u202epasswd\x00.pdf"))
    name = response.json()["cv"]["original_name"]
    assert "/" not in name and "\u202e" not in name and "\x00" not in name and name.endswith(".pdf")


def test_the_student_downloads_and_removes_their_own_cv(
    student_api, profile, settings, django_capture_on_commit_callbacks
):
    upload(student_api, pdf(text="mine"))
    response, content = fetch(student_api, CV)
    assert response.status_code == 200 and content == pdf_bytes("mine")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert not ProfileView.objects.exists()  # the student's own look is not a company's view
    with django_capture_on_commit_callbacks(execute=True):
        assert student_api.delete(CV).status_code == 204
    assert stored_files(settings.MEDIA_ROOT) == []
    assert student_api.get(ME).json()["cv"] is None
    assert fetch(student_api, CV)[0].status_code == 404


def test_a_recruiters_download_is_logged_for_the_student_and_as_a_download(
    student_api, profile, recruiter, recruiter_api, member_company
):
    upload(student_api, pdf(text="mine"))
    response, content = fetch(recruiter_api, f"{PROFILES}{profile.pk}/cv/")
    assert response.status_code == 200 and content == pdf_bytes("mine")
    assert response["Cache-Control"] == "private, no-store"
    record = DownloadRecord.objects.get()
    assert record.user == recruiter and record.organisation_id == member_company.pk
    view = ProfileView.objects.get()
    assert (view.kind, view.organisation_name, view.viewer) == ("cv", member_company.name, recruiter)


def test_a_profile_without_cv_answers_404_for_its_cv(profile, recruiter_api):
    response = recruiter_api.get(f"{PROFILES}{profile.pk}/cv/")
    assert response.status_code == 404 and "CV" in response.json()["detail"]


def test_a_failed_write_leaves_no_file_behind(student_api, profile, settings, monkeypatch):
    from api.careers import services

    def broken(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        upload(student_api, pdf())
    assert stored_files(settings.MEDIA_ROOT) == []
    assert not CurriculumVitae.objects.exists()
