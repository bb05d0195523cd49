"""The SPA's session sign-in: CSRF-protected, throttled, case-insensitive email."""

import pytest
from rest_framework.test import APIClient

from api.accounts.models import User
from api.core.audit.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/auth/me/"


def browser() -> tuple[APIClient, str]:
    """A client that enforces CSRF like a browser session, with its CSRF token."""
    client = APIClient(enforce_csrf_checks=True)
    token = client.get("/api/v1/auth/csrf/").json()["csrf_token"]
    return client, token


def test_sign_in_needs_the_csrf_token(member_user):
    client, _ = browser()
    response = client.post(LOGIN, {"email": member_user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "CSRF" in response.json()["detail"]


def test_sign_in_me_and_sign_out(member_user):
    client, csrf = browser()
    response = client.post(
        LOGIN, {"email": member_user.email.upper(), "password": PASSWORD}, format="json", HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 200
    organisation = member_user.organisation
    assert response.json() == {
        "id": member_user.pk,
        "email": member_user.email,
        "given_name": member_user.given_name,
        "family_name": member_user.family_name,
        "full_name": member_user.full_name,
        "role": "member",
        "title": "",
        "organisation": {
            "id": organisation.pk,
            "name": organisation.name,
            "short_name": organisation.short_name,
            "kind": "member",
            "membership_tier": "full",
            "active": True,
            "website": "",
            "created_at": response.json()["organisation"]["created_at"],
            "updated_at": response.json()["organisation"]["updated_at"],
        },
        "is_staff": False,
        "is_company_admin": False,
        "is_recruiter": False,
        "auth": "session",
        "token_scopes": None,
    }
    assert client.get(ME).status_code == 200
    csrf = client.cookies["csrftoken"].value  # rotated at sign-in
    assert client.post(LOGOUT, HTTP_X_CSRFTOKEN=csrf).status_code == 204
    assert client.get(ME).status_code == 401
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == ["login", "logout"]


def test_session_writes_need_the_csrf_header(staff_user):
    client, csrf = browser()
    client.post(LOGIN, {"email": staff_user.email, "password": PASSWORD}, format="json", HTTP_X_CSRFTOKEN=csrf)
    csrf = client.cookies["csrftoken"].value
    body = {"name": "New Co", "kind": "member", "membership_tier": "full"}
    refused = client.post("/api/v1/organisations/", body, format="json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert client.post("/api/v1/organisations/", body, format="json", HTTP_X_CSRFTOKEN=csrf).status_code == 201


@pytest.mark.parametrize(
    ("email", "password"),
    [("liaison@aster.example.com", "wrong password"), ("nobody@example.com", PASSWORD)],
)
def test_wrong_credentials_are_a_400_that_reveals_nothing(member_user, email, password):
    client, csrf = browser()
    response = client.post(LOGIN, {"email": email, "password": password}, format="json", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 400
    assert response.json()["fields"] == {"non_field_errors": ["Wrong email or password."]}


def test_deactivated_people_cannot_sign_in(member_user):
    User.objects.filter(pk=member_user.pk).update(is_active=False)
    client, csrf = browser()
    response = client.post(LOGIN, {"email": member_user.email, "password": PASSWORD}, HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 400


def test_missing_fields_are_named(db):
    client, csrf = browser()
    response = client.post(LOGIN, {}, format="json", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"email", "password"}


def test_sign_in_attempts_are_throttled(member_user, settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    SimpleRateThrottle.THROTTLE_RATES = {**api_settings.DEFAULT_THROTTLE_RATES, "login": "3/min"}
    try:
        client, csrf = browser()
        codes = [
            client.post(LOGIN, {"email": member_user.email, "password": "bad"}, HTTP_X_CSRFTOKEN=csrf).status_code
            for _ in range(4)
        ]
        assert codes == [400, 400, 400, 429]
        response = client.post(LOGIN, {"email": member_user.email, "password": PASSWORD}, HTTP_X_CSRFTOKEN=csrf)
        assert response.status_code == 429 and int(response["Retry-After"]) > 0
    finally:
        SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


def test_me_for_anonymous_is_401(api):
    response = api.get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_people_edit_their_own_name_but_not_their_role(member_api, member_user):
    response = member_api.patch(ME, {"given_name": "Dan", "title": "CTO", "role": "staff"}, format="json")
    assert response.status_code == 200
    assert (response.json()["given_name"], response.json()["title"], response.json()["role"]) == (
        "Dan",
        "CTO",
        "member",
    )
    event = AuditEvent.objects.get(action="update")
    assert event.actor == member_user and event.changes == {
        "given_name": [member_user.given_name, "Dan"],
        "title": ["", "CTO"],
    }


def test_own_name_cannot_be_blank(member_api):
    response = member_api.patch(ME, {"family_name": ""}, format="json")
    assert response.status_code == 400 and list(response.json()["fields"]) == ["family_name"]


def test_changing_ones_password_needs_the_current_one_and_keeps_the_session(member_user):
    client, csrf = browser()
    client.post(LOGIN, {"email": member_user.email, "password": PASSWORD}, HTTP_X_CSRFTOKEN=csrf)
    csrf = client.cookies["csrftoken"].value
    url = "/api/v1/auth/password/"
    wrong = client.post(
        url, {"current_password": "nope", "new_password": "a brand new passphrase"}, HTTP_X_CSRFTOKEN=csrf
    )
    assert wrong.status_code == 400 and list(wrong.json()["fields"]) == ["current_password"]
    weak = client.post(url, {"current_password": PASSWORD, "new_password": "123"}, HTTP_X_CSRFTOKEN=csrf)
    assert weak.status_code == 400 and list(weak.json()["fields"]) == ["new_password"]
    ok = client.post(
        url, {"current_password": PASSWORD, "new_password": "a brand new passphrase"}, HTTP_X_CSRFTOKEN=csrf
    )
    assert ok.status_code == 204
    assert client.get(ME).status_code == 200  # this session stays signed in
    member_user.refresh_from_db()
    assert member_user.check_password("a brand new passphrase")
    assert AuditEvent.objects.filter(
        action="update", changes__has_key="password"
    ).exists() or AuditEvent.objects.filter(action="update").last().changes == {"password": "changed"}


def test_anonymous_cannot_change_a_password(api):
    assert api.post("/api/v1/auth/password/", {"current_password": "a", "new_password": "b"}).status_code == 401
