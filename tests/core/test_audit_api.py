"""/api/v1/audit/: staff read the trail (filters, pages, one fixed order); nobody writes it. Sensitive reads
(CVs, restricted files, resume books) are in it beside the writes, and every event names its request."""

import datetime

import pytest
from rest_framework.test import APIClient

from api.core.audit.models import AuditEvent
from tests.careers.support import make_profile
from tests.conftest import bearer
from tests.publications.support import attach, download

pytestmark = pytest.mark.django_db
URL = "/api/v1/audit/"
T0 = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


def event(**fields) -> AuditEvent:
    defaults = {"via": "session", "action": "update", "target_type": "accounts.organisation", "target_id": "1"}
    return AuditEvent.objects.create(**{**defaults, **fields})


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- Who may read it ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("client", "status"),
    [
        ("api", 401),
        ("student_api", 403),
        ("faculty_api", 403),
        ("member_api", 403),
        ("recruiter_api", 403),
        ("company_admin_api", 403),
        ("staff_api", 200),
    ],
)
def test_only_staff_read_the_trail(request, client, status):
    event()
    assert request.getfixturevalue(client).get(URL).status_code == status


def test_a_read_token_reads_the_trail_only_for_staff(make_token, staff_user, member_user):
    event()
    assert bearer(make_token(staff_user, scopes=["read"])[1]).get(URL).status_code == 200
    assert bearer(make_token(member_user, scopes=["read"])[1]).get(URL).status_code == 403


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_nobody_edits_the_trail(staff_api, method):
    row = event()
    assert getattr(staff_api, method)(URL, {}, format="json").status_code == 405
    assert getattr(staff_api, method)(f"{URL}{row.pk}/", {"action": "x"}, format="json").status_code == 405
    assert AuditEvent.objects.get().action == "update"


# --- What it answers ---------------------------------------------------------------------------------------


def test_an_event_reads_as_recorded(staff_api, staff_user, make_token, member_company):
    token, _ = make_token(staff_user)
    row = event(
        at=T0,
        actor=staff_user,
        actor_email=staff_user.email,
        organisation_id=member_company.pk,
        organisation_name=member_company.name,
        via="token",
        token=token,
        client_ip="198.51.100.20",
        request_id="abc123",
        action="create",
        target_type="publications.publication",
        target_id="42",
        target_repr="A paper",
        changes={"title": "A paper"},
    )
    assert staff_api.get(f"{URL}{row.pk}/").json() == {
        "id": row.pk,
        "at": "2026-03-01T09:00:00Z",
        "actor": staff_user.pk,
        "actor_email": staff_user.email,
        "organisation_id": member_company.pk,
        "organisation_name": member_company.name,
        "via": "token",
        "token": token.pk,
        "client_ip": "198.51.100.20",
        "request_id": "abc123",
        "action": "create",
        "target_type": "publications.publication",
        "target_id": "42",
        "target_repr": "A paper",
        "changes": {"title": "A paper"},
    }


def test_pages_are_newest_first_in_a_fixed_order(staff_api):
    # Equal times: the id decides, so no event moves between pages.
    rows = [event(at=T0) for _ in range(5)]
    newest_first = [row.pk for row in reversed(rows)]
    first = staff_api.get(URL, {"page_size": 2})
    assert first.json()["count"] == 5
    pages = (
        ids(first)
        + ids(staff_api.get(URL, {"page_size": 2, "page": 2}))
        + ids(staff_api.get(URL, {"page_size": 2, "page": 3}))
    )
    assert pages == newest_first


# --- Filters -----------------------------------------------------------------------------------------------


def test_each_filter_narrows_the_trail(staff_api, staff_user, member_user, member_company):
    a = event(actor=staff_user, at=T0, action="create", client_ip="203.0.113.1", request_id="r-1")
    b = event(actor=member_user, organisation_id=member_company.pk, at=T0 + datetime.timedelta(hours=1))
    c = event(
        action="download", target_type="careers.curriculumvitae", target_id="7", at=T0 + datetime.timedelta(days=1)
    )
    cases = {
        "actor": (staff_user.pk, [a]),
        "organisation": (member_company.pk, [b]),
        "action": ("download", [c]),
        "target_type": ("careers.curriculumvitae", [c]),
        "target_id": ("7", [c]),
        "client_ip": ("203.0.113.1", [a]),
        "request_id": ("r-1", [a]),
        "since": ((T0 + datetime.timedelta(minutes=30)).isoformat(), [c, b]),
        "until": ((T0 + datetime.timedelta(minutes=30)).isoformat(), [a]),
    }
    for name, (value, expected) in cases.items():
        assert ids(staff_api.get(URL, {name: value})) == [row.pk for row in expected], name


@pytest.mark.parametrize(
    ("name", "value"), [("actor", "abc"), ("organisation", "1.5"), ("since", "yesterday"), ("actor", "")]
)
def test_a_filter_value_that_makes_no_sense_is_a_400(staff_api, name, value):
    response = staff_api.get(URL, {name: value})
    assert response.status_code == 400 and name in response.json()["fields"]


def test_the_query_count_does_not_grow_with_the_rows(staff_api, staff_user, make_token, count_queries):
    token, _ = make_token(staff_user)

    def queries_for(rows: int) -> int:
        AuditEvent.objects.all().delete()
        for _ in range(rows):
            event(actor=staff_user, token=token)
        with count_queries() as captured:
            assert len(ids(staff_api.get(URL))) == rows
        return len(captured)

    assert queries_for(2) == queries_for(10)


# --- Request ids -------------------------------------------------------------------------------------------

NEW = {"name": "Zenith Devices", "kind": "member", "membership_tier": "full"}


def test_a_write_records_the_id_its_answer_carries(staff_user):
    response = signed_in(staff_user).post("/api/v1/organisations/", NEW, format="json")
    assert response.status_code == 201
    event_ = AuditEvent.objects.get(action="create")
    assert len(event_.request_id) == 32 and response["X-Request-ID"] == event_.request_id
    assert event_.via == "session" and event_.token is None


def test_only_a_trusted_proxys_request_id_is_kept(staff_api, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert staff_api.get(URL, HTTP_X_REQUEST_ID="lb-42", REMOTE_ADDR="10.1.2.3")["X-Request-ID"] == "lb-42"
    spoofed = staff_api.get(URL, HTTP_X_REQUEST_ID="lb-42", REMOTE_ADDR="203.0.113.5")["X-Request-ID"]
    garbled = staff_api.get(URL, HTTP_X_REQUEST_ID="a b\r\n", REMOTE_ADDR="10.1.2.3")["X-Request-ID"]
    assert spoofed != "lb-42" and len(spoofed) == 32 and len(garbled) == 32


# --- Sensitive reads ---------------------------------------------------------------------------------------


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def downloads() -> list[tuple]:
    return list(AuditEvent.objects.filter(action="download").values_list("actor", "via", "target_type", "request_id"))


def test_a_cv_download_is_audited(student_user, recruiter, recruiter_api):
    profile = make_profile(student_user, share="all", cv=True)
    response = recruiter_api.get(f"/api/v1/careers/profiles/{profile.pk}/cv/")
    assert response.status_code == 200
    b"".join(response.streaming_content)
    [(actor, via, target_type, request_id)] = downloads()
    assert (actor, via, target_type) == (recruiter.pk, "session", "careers.curriculumvitae")
    assert request_id == response["X-Request-ID"]
    row = AuditEvent.objects.get(action="download")
    assert row.target_id == str(profile.cv.pk) and row.changes["file"] == profile.cv.original_name


def test_a_restricted_publication_file_download_is_audited_and_a_public_one_is_not(staff_user, member_user):
    from api.publications import services

    def publication(access):
        return services.publication_create(title=access, kind="paper", year=2025, access=access, authors=[])

    restricted = attach(publication("members"), staff_user)
    public = attach(publication("public"), staff_user)
    member = signed_in(member_user)
    assert download(member, public)[0].status_code == 200
    assert downloads() == []
    assert download(member, restricted)[0].status_code == 200
    [(actor, via, target_type, _)] = downloads()
    assert (actor, via, target_type) == (member_user.pk, "session", "publications.publicationfile")


def test_a_resume_book_download_is_audited(student_user, recruiter, recruiter_api, django_capture_on_commit_callbacks):
    make_profile(student_user, share="all", cv=True)
    with django_capture_on_commit_callbacks(execute=True):
        ordered = recruiter_api.post("/api/v1/careers/resume-books/", {}, format="json")
    assert ordered.status_code == 202, ordered.json()
    response = recruiter_api.get(f"/api/v1/careers/resume-books/{ordered.json()['id']}/download/")
    assert response.status_code == 200
    b"".join(response.streaming_content)
    [(actor, via, target_type, _)] = downloads()
    assert (actor, via, target_type) == (recruiter.pk, "session", "careers.resumebook")
