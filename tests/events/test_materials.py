"""Session materials: staff upload them; confirmed registrants and staff download them (recorded)."""

import hashlib

import pytest

from api.core.audit.models import AuditEvent
from api.core.files.models import DownloadRecord
from api.events.models import Event, SessionMaterial
from tests.events.api_support import PDF, URL, add_material, event_json, make_event, pdf_upload, register, with_agenda

pytestmark = pytest.mark.django_db


def stored_files(media_root) -> list:
    return sorted(path for path in media_root.rglob("*") if path.is_file()) if media_root.exists() else []


@pytest.fixture
def media_root(settings):
    return settings.MEDIA_ROOT


@pytest.fixture
def event(staff_user):
    """A public event with capacity 1 and a two-session agenda."""
    return with_agenda(make_event(capacity=1, audience=Event.Audience.PUBLIC))


@pytest.fixture
def keynote(event):
    return event.sessions.order_by("starts_at").first()


@pytest.fixture
def material(keynote, staff_user):
    return add_material(keynote, staff_user, name="Keynote slides.pdf")


def upload_url(event, agenda_session) -> str:
    return f"{URL}{event.pk}/sessions/{agenda_session.pk}/materials/"


def download_url(material) -> str:
    return f"{URL}{material.session.event_id}/sessions/{material.session_id}/materials/{material.pk}/download/"


def test_staff_upload_a_pdf_to_a_session(staff_api, staff_user, event, keynote, media_root):
    response = staff_api.post(upload_url(event, keynote), {"file": pdf_upload("../../Keynote.pdf")}, format="multipart")

    assert response.status_code == 201, response.content
    material = SessionMaterial.objects.get()
    assert response.json() == event_json(event, insider=True)
    assert response.json()["sessions"][0]["materials"][0]["download_url"] == download_url(material)
    assert (material.original_name, material.content_type, material.size) == ("Keynote.pdf", "application/pdf",
                                                                               len(PDF))  # fmt: skip
    assert material.sha256 == hashlib.sha256(PDF).hexdigest()
    assert material.uploaded_by == staff_user
    assert [path.read_bytes() for path in stored_files(media_root)] == [PDF]
    assert "Keynote" not in material.file.name  # stored under a generated name
    assert AuditEvent.objects.filter(action="add_material", target_id=str(event.pk)).exists()


def test_a_pdf_name_with_html_content_is_a_400(staff_api, event, keynote, media_root):
    html = b"<html><script>alert(1)</script></html>"
    response = staff_api.post(upload_url(event, keynote), {"file": pdf_upload("slides.pdf", html)}, format="multipart")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["file"]
    assert not SessionMaterial.objects.exists() and stored_files(media_root) == []


def test_a_missing_file_is_a_400(staff_api, event, keynote):
    response = staff_api.post(upload_url(event, keynote), {}, format="multipart")
    assert response.status_code == 400 and list(response.json()["fields"]) == ["file"]


def test_a_too_large_file_is_a_413(staff_api, event, keynote, settings, media_root):
    settings.UPLOAD_MAX_BYTES = len(PDF) - 1
    response = staff_api.post(upload_url(event, keynote), {"file": pdf_upload()}, format="multipart")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not SessionMaterial.objects.exists() and stored_files(media_root) == []


def test_a_session_of_another_event_is_a_404(staff_api, event, keynote):
    other = make_event(title="Other")
    response = staff_api.post(upload_url(other, keynote), {"file": pdf_upload()}, format="multipart")
    assert response.status_code == 404
    assert not SessionMaterial.objects.exists()


def test_only_staff_upload(api, member_api, member_user, event, keynote):
    register(event, member_user)  # a confirmed registrant is still not staff
    assert member_api.post(upload_url(event, keynote), {"file": pdf_upload()}, format="multipart").status_code == 403
    assert api.post(upload_url(event, keynote), {"file": pdf_upload()}, format="multipart").status_code == 401
    draft = with_agenda(make_event(status=Event.Status.DRAFT))
    draft_session = draft.sessions.first()
    response = member_api.post(upload_url(draft, draft_session), {"file": pdf_upload()}, format="multipart")
    assert response.status_code == 404
    assert not SessionMaterial.objects.exists()


def test_a_read_token_never_uploads(make_token, staff_user, event, keynote):
    from tests.conftest import bearer

    _, raw = make_token(staff_user, scopes=["read"])
    response = bearer(raw).post(upload_url(event, keynote), {"file": pdf_upload()}, format="multipart")
    assert (response.status_code, response.json()["code"]) == (403, "insufficient_scope")


@pytest.mark.parametrize("client", ["member_api", "staff_api"])
def test_confirmed_registrants_and_staff_download(request, client, member_user, event, material):
    register(event, member_user)
    api = request.getfixturevalue(client)
    response = api.get(download_url(material))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="Keynote slides.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    record = DownloadRecord.objects.get()
    assert (record.target_type, record.target_id, record.file_name) == (
        "events.sessionmaterial",
        str(material.pk),
        "Keynote slides.pdf",
    )
    assert record.user == request.getfixturevalue("member_user" if client == "member_api" else "staff_user")
    detail = api.get(f"{URL}{event.pk}/").json()
    assert detail["sessions"][0]["materials"][0]["download_url"] == download_url(material)


def test_the_waitlisted_and_others_cannot_download(
    api, member_api, faculty_api, student_api, member_user, faculty_user, event, material
):
    register(event, member_user)
    register(event, faculty_user)  # capacity 1: waitlisted
    # They see the file listed (without a link), so it exists for them: refused, not hidden.
    for client, status in ((api, 401), (faculty_api, 403), (student_api, 403)):
        assert client.get(download_url(material)).status_code == status
        body = client.get(f"{URL}{event.pk}/").json()
        assert body["sessions"][0]["materials"] == [
            {**event_json(event, insider=True)["sessions"][0]["materials"][0], "download_url": None}
        ]
    assert not DownloadRecord.objects.exists()


def test_a_cancelled_registrant_loses_access(member_api, member_user, event, material):
    from api.events import services

    services.registration_cancel(registration=register(event, member_user))
    assert member_api.get(download_url(material)).status_code == 403


def test_a_material_of_another_session_is_a_404(staff_api, event, material):
    other_session = event.sessions.order_by("starts_at").last()
    url = f"{URL}{event.pk}/sessions/{other_session.pk}/materials/{material.pk}/download/"
    assert staff_api.get(url).status_code == 404


def test_sessions_with_materials_are_not_replaced(staff_api, event, material):
    response = staff_api.patch(f"{URL}{event.pk}/", {"sessions": []}, format="json")
    assert response.status_code == 409
    assert SessionMaterial.objects.filter(pk=material.pk).exists()
