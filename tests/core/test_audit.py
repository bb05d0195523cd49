"""Every write is audited in one place: who, organisation, token or session, client IP, when, what."""

import pytest
from rest_framework.test import APIClient

from api.accounts.services import organisation_create
from api.core.audit.models import AuditEvent
from api.core.request_context import acting_as

pytestmark = pytest.mark.django_db
NEW = {"name": "Zenith Devices", "kind": "member", "membership_tier": "full"}


def test_a_token_write_records_the_token_the_organisation_and_the_client_ip(staff_user, make_token, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    token, raw = make_token(staff_user, scopes=["read", "write"])
    client = APIClient(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.20")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.post("/api/v1/organisations/", NEW, format="json")
    assert response.status_code == 201
    event = AuditEvent.objects.get(action="create", target_type="accounts.organisation")
    assert (event.actor, event.actor_email, event.via, event.token, event.client_ip) == (
        staff_user,
        staff_user.email,
        "token",
        token,
        "198.51.100.20",
    )
    assert event.target_id == str(response.json()["id"]) and event.target_repr == "Zenith Devices"
    assert event.changes == {
        "name": "Zenith Devices",
        "short_name": "",
        "kind": "member",
        "membership_tier": "full",
        "active": True,
        "website": "",
    }


def test_a_session_write_records_the_session_and_the_actors_organisation(member_company, staff_user):
    from tests.factories import OrganisationFactory

    consortium = OrganisationFactory(consortium=True)
    staff_user.organisation = consortium
    staff_user.save()
    client = APIClient(REMOTE_ADDR="203.0.113.9")
    client.force_login(staff_user)
    client.patch(f"/api/v1/organisations/{member_company.pk}/", {"website": "https://aster.example"}, format="json")
    event = AuditEvent.objects.get(action="update")
    assert (event.via, event.token, event.client_ip) == ("session", None, "203.0.113.9")
    assert (event.organisation_id, event.organisation_name) == (consortium.pk, "The Consortium")
    assert event.changes == {"website": ["", "https://aster.example"]}


def test_writes_outside_a_request_name_their_origin():
    with acting_as(None, via="command"):
        organisation_create(**NEW)
    organisation_create(name="Other", kind="university")
    assert list(AuditEvent.objects.order_by("id").values_list("via", "actor")) == [("command", None), ("system", None)]


def test_a_refused_write_leaves_no_audit_record(staff_api):
    assert staff_api.post("/api/v1/organisations/", {**NEW, "kind": "university"}).status_code == 400
    assert not AuditEvent.objects.exists()


def test_an_unchanged_update_is_not_audited(staff_api, member_company):
    staff_api.patch(f"/api/v1/organisations/{member_company.pk}/", {"name": member_company.name}, format="json")
    assert not AuditEvent.objects.exists()
