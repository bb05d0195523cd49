"""Progress reports: uploads checked by content and size, stored under generated names, and
downloads that are attachments, recorded, and only for those allowed to read the files."""

import hashlib
import re

import pytest
from django.db import DatabaseError

from api.core.audit.models import AuditEvent
from api.core.files.models import DownloadRecord
from api.research import services
from api.research.models import ProgressReport
from tests.research.support import NOW, PDF, iso, multipart, pdf, stored_files, submit

pytestmark = pytest.mark.django_db
URL = "/api/v1/deliverables/"
STORED = re.compile(r"^reports/2026/03/[0-9a-f]{32}\.pdf$")


def upload(api, deliverable, file=None, **data):
    return api.post(f"{URL}{deliverable.pk}/reports/", {"file": file or pdf(), **data}, format="multipart")


def download(api, report):
    response = api.get(f"{URL}{report.deliverable_id}/reports/{report.pk}/download/", REMOTE_ADDR="203.0.113.9")
    # The test client closes a streamed response once it is read (closing it again would send
    # request_finished, which closes the database connection).
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content


# --- Uploads --------------------------------------------------------------------------------------


def test_the_pi_submits_a_report_and_a_resubmission_is_a_new_version(
    faculty_api, faculty_user, staff_api, deliverables, media_root
):
    deliverable = deliverables["planned"]
    first = upload(faculty_api, deliverable, pdf("Q2 report.pdf"), summary="All on track.")
    assert first.status_code == 201
    report = ProgressReport.objects.get(deliverable=deliverable)
    assert first.json()["status"] == "submitted"
    assert first.json()["submitted_at"] == iso(NOW) and first.json()["submitted_late"] is False
    assert first.json()["reports"] == [
        {
            "id": report.pk,
            "version": 1,
            "original_name": "Q2 report.pdf",
            "content_type": "application/pdf",
            "size": len(PDF),
            "sha256": hashlib.sha256(PDF).hexdigest(),
            "summary": "All on track.",
            "submitted_by": {
                "id": faculty_user.pk,
                "given_name": faculty_user.given_name,
                "family_name": faculty_user.family_name,
                "full_name": faculty_user.full_name,
            },
            "submitted_at": iso(NOW),
            "download_url": f"/api/v1/deliverables/{deliverable.pk}/reports/{report.pk}/download/",
        }
    ]
    assert STORED.match(report.file.name)  # generated, never the client's name
    assert (media_root / report.file.name).read_bytes() == PDF

    staff_api.post(f"{URL}{deliverable.pk}/request-revision/", {"reason": "Add the plots."})
    second_pdf = PDF + b"% revised\n"
    second = upload(faculty_api, deliverable, pdf("Q2 report.pdf", second_pdf))
    assert second.status_code == 201
    assert second.json()["status"] == "submitted"
    assert [(r["version"], r["sha256"]) for r in second.json()["reports"]] == [
        (2, hashlib.sha256(second_pdf).hexdigest()),
        (1, hashlib.sha256(PDF).hexdigest()),
    ]
    assert second.json()["submitted_at"] == iso(NOW)  # the first submission stays
    reports = list(deliverable.reports.order_by("version"))
    assert reports[0].file.name != reports[1].file.name
    assert [(media_root / r.file.name).read_bytes() for r in reports] == [PDF, second_pdf]
    assert len(stored_files(media_root)) == 3 + 2  # the fixture's three reports, these two


def test_a_report_submission_is_audited(faculty_api, faculty_user, deliverables):
    deliverable = deliverables["planned"]
    upload(faculty_api, deliverable)
    event = AuditEvent.objects.get(action="submit_report", target_id=str(deliverable.pk))
    assert (event.actor_id, event.via, event.target_type, event.organisation_id) == (
        faculty_user.pk,
        "session",
        "research.deliverable",
        faculty_user.organisation_id,
    )
    assert event.changes == {
        "status": ["planned", "submitted"],
        "report_version": 1,
        "sha256": hashlib.sha256(PDF).hexdigest(),
    }


def test_staff_may_submit_reports(staff_api, deliverables):
    assert upload(staff_api, deliverables["planned"]).status_code == 201


@pytest.mark.parametrize("client", ["student_api", "member_api", "liaison_api", "other_member_api", "colleague_api"])
def test_only_the_pis_submit_reports(request, client, deliverables, media_root):
    files = stored_files(media_root)
    response = upload(request.getfixturevalue(client), deliverables["planned"])
    assert response.status_code == 403
    assert not deliverables["planned"].reports.exists()
    assert stored_files(media_root) == files


@pytest.mark.parametrize("client", ["other_faculty_api", "inactive_member_api"])
def test_reports_on_deliverables_a_caller_cannot_see_are_404(request, client, deliverables):
    assert upload(request.getfixturevalue(client), deliverables["planned"]).status_code == 404


def test_anonymous_uploads_are_401(api, deliverables):
    assert upload(api, deliverables["planned"]).status_code == 401


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"PK\x03\x04 a zip, named .pdf"),
        ("report.pdf", b"<html><script>alert(1)</script></html>"),
        ("report.pdf", b"\x89PNG\r\n\x1a\n an image"),
        ("report.pdf", b" %PDF-1.4 not at the start"),
    ],
)
def test_content_that_is_not_a_pdf_is_400_and_nothing_is_written(faculty_api, deliverables, media_root, name, content):
    files = stored_files(media_root)
    response = upload(faculty_api, deliverables["planned"], pdf(name, content))
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["file"]
    assert not deliverables["planned"].reports.exists()
    assert stored_files(media_root) == files
    assert not AuditEvent.objects.filter(action="submit_report", target_id=str(deliverables["planned"].pk)).exists()


@pytest.mark.parametrize("data", [{}, {"file": ""}, {"file": "not a file"}])
def test_a_missing_file_is_400(faculty_api, deliverables, data):
    response = faculty_api.post(f"{URL}{deliverables['planned'].pk}/reports/", data, format="multipart")
    assert response.status_code == 400 and list(response.json()["fields"]) == ["file"]


def test_an_empty_file_is_400(faculty_api, deliverables):
    response = upload(faculty_api, deliverables["planned"], pdf("empty.pdf", b""))
    assert response.status_code == 400 and list(response.json()["fields"]) == ["file"]


def test_a_pdf_over_the_limit_is_413_and_nothing_is_written(settings, faculty_api, deliverables, media_root):
    settings.UPLOAD_MAX_BYTES = 100
    files = stored_files(media_root)
    at_limit = PDF + b"%" * (100 - len(PDF))
    too_large = at_limit + b"%"
    response = upload(faculty_api, deliverables["planned"], pdf("big.pdf", too_large))
    assert response.status_code == 413
    assert response.json() == {
        "status": 413,
        "code": "too_large",
        "detail": "file: the file is 101 bytes; the limit is 100 bytes.",
    }
    assert not deliverables["planned"].reports.exists()
    assert stored_files(media_root) == files
    assert upload(faculty_api, deliverables["planned"], pdf("ok.pdf", at_limit)).status_code == 201


def test_a_failure_after_the_file_is_stored_leaves_no_file_behind(monkeypatch, faculty_api, deliverables, media_root):
    def broken(**kwargs):
        raise DatabaseError("the audit table is full")

    monkeypatch.setattr(services, "audit_record", broken)
    files = stored_files(media_root)
    with pytest.raises(DatabaseError):
        upload(faculty_api, deliverables["planned"])
    assert not deliverables["planned"].reports.exists()
    assert stored_files(media_root) == files


@pytest.mark.parametrize(
    ("sent", "original_name", "ascii_name", "utf8_name"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf", "passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\win.ini.pdf", "win.ini.pdf", "win.ini.pdf", "win.ini.pdf"),
        ("rep\x01ort\x1b[31m.pdf", "report_31m.pdf", "report_31m.pdf", "report_31m.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.pdf", "invoicefdp.pdf", "invoicefdp.pdf"),  # RTL override
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf", "x" * 116 + ".pdf", "x" * 116 + ".pdf"),
        ("résumé 2026.pdf", "résumé 2026.pdf", "resume 2026.pdf", "r%C3%A9sum%C3%A9%202026.pdf"),
        ("report.exe", "report.pdf", "report.pdf", "report.pdf"),  # the content decides the extension
        ("...pdf", "pdf.pdf", "pdf.pdf", "pdf.pdf"),
    ],
)
def test_hostile_file_names_are_sanitised(
    faculty_api, deliverables, media_root, sent, original_name, ascii_name, utf8_name
):
    # Written by hand: the test client would strip the directories before the server saw them.
    body, content_type = multipart(sent)
    response = faculty_api.generic("POST", f"{URL}{deliverables['planned'].pk}/reports/", body, content_type)
    assert response.status_code == 201, response.json()
    report = deliverables["planned"].reports.get()
    assert response.json()["reports"][0]["original_name"] == report.original_name == original_name
    assert STORED.match(report.file.name)
    assert [path.relative_to(media_root).as_posix() for path in stored_files(media_root)].count(report.file.name) == 1
    downloaded, _ = download(faculty_api, report)
    assert downloaded["Content-Disposition"] == f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{utf8_name}"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("rep\x00ort\n.pdf", "report.pdf"),
        ("\u202egnp.pdf", "gnp.pdf"),
        ('quo"te;\r\nX-Injected: 1.pdf', "quo_te_X-Injected_ 1.pdf"),
    ],
)
def test_names_the_multipart_parser_lets_through_are_sanitised_by_the_upload_check(
    faculty_user, deliverables, name, expected
):
    report = submit(deliverables["planned"], faculty_user, name=name)
    assert report.original_name == expected


# --- Downloads ------------------------------------------------------------------------------------


@pytest.fixture
def report(deliverables):
    return deliverables["submitted"].reports.get()


@pytest.mark.parametrize(
    ("client", "user"),
    [
        ("member_api", "member_user"),  # sponsor
        ("colleague_api", "colleague"),  # anyone of the sponsor
        ("faculty_api", "faculty_user"),  # PI
        ("student_api", "student_user"),
        ("liaison_api", "liaison"),
        ("staff_api", "staff_user"),
    ],
)
def test_a_download_is_an_attachment_and_is_recorded(request, client, user, report):
    user = request.getfixturevalue(user)
    response, content = download(request.getfixturevalue(client), report)
    assert response.status_code == 200
    assert content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Length"] == str(len(PDF))
    record = DownloadRecord.objects.get()
    assert (
        record.user_id,
        record.organisation_id,
        record.organisation_name,
        record.via,
        record.client_ip,
        record.target_type,
        record.target_id,
        record.file_name,
        record.size,
    ) == (
        user.pk,
        user.organisation_id,
        str(user.organisation or ""),
        "session",
        "203.0.113.9",
        "research.progressreport",
        str(report.pk),
        "report.pdf",
        len(PDF),
    )


def test_old_versions_stay_downloadable(faculty_user, faculty_api, deliverables):
    deliverable = deliverables["submitted"]
    submit(deliverable, faculty_user, content=PDF + b"% v2\n")
    first, second = deliverable.reports.order_by("version")
    assert download(faculty_api, first)[1] == PDF
    assert download(faculty_api, second)[1] == PDF + b"% v2\n"


def test_people_with_full_access_but_no_file_access_see_metadata_only(other_member_api, report):
    body = other_member_api.get(f"{URL}{report.deliverable_id}/").json()
    assert body["can_download"] is False
    assert [r["download_url"] for r in body["reports"]] == [None]
    response, _ = download(other_member_api, report)
    assert response.status_code == 403
    assert not DownloadRecord.objects.exists()


@pytest.mark.parametrize(("client", "status"), [("api", 401), ("inactive_member_api", 404), ("other_faculty_api", 404)])
def test_callers_who_cannot_see_the_deliverable_cannot_download(request, client, status, report):
    response, _ = download(request.getfixturevalue(client), report)
    assert response.status_code == status
    assert not DownloadRecord.objects.exists()


def test_a_report_of_another_deliverable_is_404(member_api, deliverables, report):
    other = deliverables["accepted"]
    response = member_api.get(f"{URL}{other.pk}/reports/{report.pk}/download/")
    assert response.status_code == 404
    assert not DownloadRecord.objects.exists()


def test_the_confidential_tasks_files_are_for_its_sponsor_and_team(member_api, other_member_api, secret_deliverable):
    report = secret_deliverable.reports.get()
    assert download(member_api, report)[0].status_code == 200
    assert download(other_member_api, report)[0].status_code == 404


def test_x_accel_redirect(settings, member_api, report):
    settings.FILE_DELIVERY = "x-accel-redirect"
    settings.FILE_DELIVERY_PREFIX = "/protected-files/"
    response, content = download(member_api, report)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-files/{report.file.name}"
    assert content == b""
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="report.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert DownloadRecord.objects.get().target_id == str(report.pk)


def test_x_sendfile(settings, member_api, report, media_root):
    settings.FILE_DELIVERY = "x-sendfile"
    response, content = download(member_api, report)
    assert response.status_code == 200
    assert response["X-Sendfile"] == str(media_root / report.file.name)
    assert response["X-Sendfile"].startswith("/")
    assert content == b""
    assert response["Content-Disposition"].startswith('attachment; filename="report.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert DownloadRecord.objects.count() == 1
