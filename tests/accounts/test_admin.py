"""The Django admin works for staff and writes through the same services (so it is audited too)."""

import pytest
from django.contrib import admin

from api.accounts.models import Organisation, User
from api.core.audit.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_browser(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.mark.parametrize("model", [m for m in admin.site._registry], ids=lambda m: m._meta.label)
def test_every_admin_page_opens(staff_browser, model, member_user):
    info = (model._meta.app_label, model._meta.model_name)
    assert staff_browser.get(f"/admin/{info[0]}/{info[1]}/").status_code == 200
    add = staff_browser.get(f"/admin/{info[0]}/{info[1]}/add/")
    assert add.status_code in {200, 403}  # tokens and audit events cannot be added by hand


def test_non_staff_cannot_use_the_admin(client, member_user):
    client.force_login(member_user)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_adding_an_organisation_goes_through_the_service(staff_browser):
    response = staff_browser.post(
        "/admin/accounts/organisation/add/",
        {
            "name": "Zenith",
            "short_name": "Z",
            "kind": "member",
            "membership_tier": "full",
            "active": "on",
            "website": "",
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Zenith")
    event = AuditEvent.objects.get(action="create")
    assert (event.via, event.target_id) == ("admin", str(organisation.pk))


def test_adding_a_person_in_the_admin(staff_browser, member_company):
    response = staff_browser.post(
        "/admin/accounts/user/add/",
        {
            "email": "New@Aster.example.com",
            "given_name": "New",
            "family_name": "Person",
            "role": "member",
            "organisation": member_company.pk,
            "title": "",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person = User.objects.get(email="new@aster.example.com")
    assert person.check_password("a long enough passphrase")
    assert AuditEvent.objects.get(action="create").via == "admin"


def test_changing_a_person_in_the_admin_is_audited(staff_browser, member_user):
    response = staff_browser.post(
        f"/admin/accounts/user/{member_user.pk}/change/",
        {
            "email": member_user.email,
            "given_name": member_user.given_name,
            "family_name": "Changed",
            "role": "member",
            "organisation": member_user.organisation_id,
            "title": "",
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    member_user.refresh_from_db()
    assert member_user.family_name == "Changed"
    assert AuditEvent.objects.get(action="update").changes["family_name"][1] == "Changed"


def test_revoking_tokens_in_the_admin(staff_browser, member_user, make_token):
    token, _ = make_token(member_user)
    response = staff_browser.post("/admin/core/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_factories_staff_is_staff():
    assert factories.staff().is_staff
