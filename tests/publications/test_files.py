"""Files of publications: uploads (staff and the PIs of a linked task) checked by content and size,
stored under generated names; downloads that are attachments and recorded; removal from storage
only once the transaction commits."""

import hashlib
import re

import pytest

from api.core.audit.models import AuditEvent
from api.core.files.models import DownloadRecord
from api.publications.models import PublicationFile
from tests.conftest import bearer
from tests.publications.support import CLIENT_IP, PDF, URL, attach, download, iso, pdf
from tests.research.support import stored_files

pytestmark = pytest.mark.django_db
STORED = re.compile(r"^publications/2026/03/[0-9a-f]{32}\.pdf$")


def upload(client, publication, file=None):
    return client.post(f"{URL}{publication.pk}/files/", {"file": file or pdf()}, format="multipart")


@pytest.fixture
def linked(pub_make, pub_task):
    """Members only, linked to pub_task (PI faculty_user, sponsor member_company)."""
    return pub_make(title="Linked", access="members", tasks=[pub_task])


@pytest.fixture
def hidden(pub_make, pub_other_task):
    """Sponsors only, linked to pub_other_task: hidden from everyone but staff, other_company and its PI."""
    return pub_make(title="Hidden", access="sponsors", tasks=[pub_other_task])


# --- Uploads ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("client", "user"), [("staff_api", "staff_user"), ("faculty_api", "faculty_user")])
def test_staff_and_the_pi_of_a_linked_task_upload(request, client, user, linked, pub_media):
    user = request.getfixturevalue(user)
    response = upload(request.getfixturevalue(client), linked, pdf("Final paper.pdf"))
    assert response.status_code == 201, response.json()
    file = PublicationFile.objects.get()
    assert response.json()["files"] == [
        {
            "id": file.pk,
            "original_name": "Final paper.pdf",
            "content_type": "application/pdf",
            "size": len(PDF),
            "sha256": hashlib.sha256(PDF).hexdigest(),
            "uploaded_at": iso(file.uploaded_at),
            "download_url": f"/api/v1/publications/{linked.pk}/files/{file.pk}/download/",
        }
    ]
    assert response.json()["id"] == linked.pk and response.json()["title"] == "Linked"
    assert (file.size, file.sha256, file.uploaded_by_id) == (len(PDF), hashlib.sha256(PDF).hexdigest(), user.pk)
    assert STORED.match(file.file.name)  # generated, never the client's name
    assert (pub_media / file.file.name).read_bytes() == PDF
    event = AuditEvent.objects.get(action="add_file")
    assert (event.actor_id, event.target_id, event.changes) == (
        user.pk,
        str(linked.pk),
        {"file": "Final paper.pdf", "sha256": hashlib.sha256(PDF).hexdigest()},
    )


def test_a_pi_of_any_linked_task_uploads(faculty_api, pub_make, pub_task, pub_other_task):
    publication = pub_make(access="public", tasks=[pub_other_task, pub_task])
    assert upload(faculty_api, publication).status_code == 201


@pytest.mark.parametrize(
    "client",
    [
        "member_api",  # its sponsor
        "other_member_api",
        "student_api",
        "pub_other_faculty_api",  # a PI, of another task
    ],
)
def test_others_who_see_the_publication_get_403(request, client, pub_make, pub_task, pub_media):
    publication = pub_make(access="public", tasks=[pub_task])
    assert upload(request.getfixturevalue(client), publication).status_code == 403
    assert not PublicationFile.objects.exists()
    assert stored_files(pub_media) == []


def test_a_student_on_the_linked_task_is_not_its_pi(student_api, student_user, linked):
    from api.research import services as research_services

    research_services.task_update(task=linked.tasks.get(), students=[student_user])
    assert upload(student_api, linked).status_code == 403


@pytest.mark.parametrize("client", ["member_api", "faculty_api", "student_api", "inactive_member_api"])
def test_uploads_to_a_publication_the_caller_cannot_see_are_404(request, client, hidden, pub_media):
    assert upload(request.getfixturevalue(client), hidden).status_code == 404
    assert stored_files(pub_media) == []


def test_anonymous_uploads_are_401(api, linked):
    assert upload(api, linked).status_code == 401


def test_a_read_token_of_staff_does_not_upload(staff_user, make_token, linked):
    _, raw = make_token(staff_user, scopes=["read"])
    assert upload(bearer(raw), linked).status_code == 403
    assert not PublicationFile.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("paper.pdf", b"<!doctype html><script>alert(1)</script>"),
        ("paper.pdf", b"GIF89a......"),
        ("paper.pdf", b"MZ\x90\x00 an executable"),
    ],
)
def test_content_is_checked_by_its_bytes_not_its_name(staff_api, linked, pub_media, name, content):
    response = upload(staff_api, linked, pdf(name, content))
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["file"]
    assert not PublicationFile.objects.exists() and stored_files(pub_media) == []
    assert not AuditEvent.objects.filter(action="add_file").exists()


def test_other_allowed_kinds_are_stored_with_their_own_extension(staff_api, linked):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    response = upload(staff_api, linked, pdf("figure.pdf", png))
    assert response.status_code == 201
    assert response.json()["files"][0]["original_name"] == "figure.png"
    assert response.json()["files"][0]["content_type"] == "image/png"


def test_a_missing_file_is_400(staff_api, linked):
    response = staff_api.post(f"{URL}{linked.pk}/files/", {}, format="multipart")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["file"]


def test_a_file_over_the_limit_is_413_and_nothing_is_written(settings, staff_api, linked, pub_media):
    settings.UPLOAD_MAX_BYTES = len(PDF) - 1
    response = upload(staff_api, linked)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not PublicationFile.objects.exists() and stored_files(pub_media) == []
    settings.UPLOAD_MAX_BYTES = len(PDF)
    assert upload(staff_api, linked).status_code == 201


# --- Downloads -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("client", "user"),
    [("member_api", "member_user"), ("faculty_api", "faculty_user"), ("staff_api", "staff_user")],
)
def test_a_download_is_an_attachment_and_is_recorded(request, client, user, linked, staff_user):
    user = request.getfixturevalue(user)
    file = attach(linked, staff_user, name="Résumé (final).pdf")
    response, content = download(request.getfixturevalue(client), file)
    assert response.status_code == 200
    assert content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"Resume (final).pdf\"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%28final%29.pdf"
    )
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
        CLIENT_IP,
        "publications.publicationfile",
        str(file.pk),
        "Résumé (final).pdf",
        len(PDF),
    )


def test_an_anonymous_download_of_a_public_file_is_recorded_without_a_person(api, pub_make, staff_user):
    file = attach(pub_make(access="public"), staff_user)
    response, content = download(api, file)
    assert (response.status_code, content) == (200, PDF)
    record = DownloadRecord.objects.get()
    assert (record.user_id, record.organisation_id, record.via, record.client_ip) == (None, None, "session", CLIENT_IP)


def test_a_download_through_a_read_token_names_the_token(member_user, make_token, linked, staff_user):
    token, raw = make_token(member_user, scopes=["read"])
    file = attach(linked, staff_user)
    response, content = download(bearer(raw), file)
    assert (response.status_code, content) == (200, PDF)
    record = DownloadRecord.objects.get()
    assert (record.user_id, record.via, record.token_id) == (member_user.pk, "token", token.pk)


@pytest.mark.parametrize("client", ["api", "other_member_api", "inactive_member_api", "faculty_api"])
def test_files_of_hidden_publications_are_404_and_not_recorded(request, client, hidden, staff_user):
    file = attach(hidden, staff_user)
    response, _ = download(request.getfixturevalue(client), file)
    expected = 200 if client == "other_member_api" else 404  # other_company sponsors pub_other_task
    assert response.status_code == expected
    assert DownloadRecord.objects.count() == (1 if expected == 200 else 0)


def test_a_file_of_another_publication_is_404(staff_api, linked, pub_make, staff_user):
    file = attach(pub_make(access="public"), staff_user)
    response = staff_api.get(f"{URL}{linked.pk}/files/{file.pk}/download/")
    assert response.status_code == 404
    assert not DownloadRecord.objects.exists()


# --- Removing files and publications -------------------------------------------------------------------------


@pytest.mark.parametrize("client", ["staff_api", "faculty_api"])
def test_staff_and_the_pi_remove_a_file_from_storage_after_commit(
    request, client, linked, staff_user, pub_media, django_capture_on_commit_callbacks
):
    file = attach(linked, staff_user)
    other = attach(linked, staff_user, content=PDF + b"% v2\n")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = request.getfixturevalue(client).delete(f"{URL}{linked.pk}/files/{file.pk}/")
    assert response.status_code == 204
    assert list(linked.files.values_list("pk", flat=True)) == [other.pk]
    assert (pub_media / file.file.name).exists()  # still there until the transaction commits
    for callback in callbacks:
        callback()
    assert stored_files(pub_media) == [pub_media / other.file.name]
    event = AuditEvent.objects.get(action="remove_file")
    assert (event.target_id, event.changes) == (str(linked.pk), {"file": "paper.pdf"})


@pytest.mark.parametrize(("client", "status"), [("member_api", 403), ("student_api", 404), ("api", 401)])
def test_others_cannot_remove_files(request, client, status, linked, staff_user, pub_media):
    file = attach(linked, staff_user)
    response = request.getfixturevalue(client).delete(f"{URL}{linked.pk}/files/{file.pk}/")
    assert response.status_code == status
    assert PublicationFile.objects.filter(pk=file.pk).exists()
    assert stored_files(pub_media) == [pub_media / file.file.name]


def test_removing_a_file_of_another_publication_is_404(staff_api, linked, pub_make, staff_user):
    file = attach(pub_make(access="public"), staff_user)
    assert staff_api.delete(f"{URL}{linked.pk}/files/{file.pk}/").status_code == 404
    assert PublicationFile.objects.filter(pk=file.pk).exists()


def test_deleting_a_publication_removes_its_files_after_commit(
    staff_api, linked, pub_make, staff_user, pub_media, django_capture_on_commit_callbacks
):
    files = [attach(linked, staff_user), attach(linked, staff_user, content=PDF + b"% v2\n")]
    kept = attach(pub_make(access="public"), staff_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert staff_api.delete(f"{URL}{linked.pk}/").status_code == 204
    assert len(stored_files(pub_media)) == 3  # nothing leaves storage before the commit
    for callback in callbacks:
        callback()
    assert not PublicationFile.objects.filter(pk__in=[f.pk for f in files]).exists()
    assert stored_files(pub_media) == [pub_media / kept.file.name]


def test_a_failed_delete_keeps_the_files(staff_api, linked, staff_user, pub_media, monkeypatch):
    from api.publications import services

    file = attach(linked, staff_user)

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        staff_api.delete(f"{URL}{linked.pk}/")
    assert PublicationFile.objects.filter(pk=file.pk).exists()
    assert (pub_media / file.file.name).exists()
