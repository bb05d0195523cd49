import hashlib
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from api.core.tokens.models import ApiToken
from tests import factories
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

ME = "/api/v1/auth/me/"
TOKENS = "/api/v1/auth/tokens/"
ORGANISATIONS = "/api/v1/organisations/"


def test_only_a_hash_and_a_short_prefix_are_stored(member_user, make_token):
    token, raw = make_token(member_user)
    row = ApiToken.objects.values().get(pk=token.pk)
    assert raw not in [str(value) for value in row.values()]
    assert row["key_hash"] == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(row["prefix"]) and len(row["prefix"]) == 12
    assert len(raw) > 40


def test_a_valid_token_authenticates_and_records_last_use(member_user, make_token):
    token, raw = make_token(member_user, scopes=["read", "write"])
    response = bearer(raw).get(ME)
    assert response.status_code == 200
    assert response.json()["email"] == member_user.email
    assert response.json()["auth"] == "token"
    assert response.json()["token_scopes"] == ["read", "write"]
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda token, raw: raw[:-1] + ("A" if raw[-1] != "A" else "B"), id="wrong"),
        pytest.param(lambda token, raw: "not-a-wafer-token", id="garbage"),
        pytest.param(
            lambda token, raw: ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now()) and raw,
            id="expired",
        ),
        pytest.param(
            lambda token, raw: ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now()) and raw,
            id="revoked",
        ),
        pytest.param(
            lambda token, raw: type(token.user).objects.filter(pk=token.user_id).update(is_active=False) and raw,
            id="deactivated-user",
        ),
    ],
)
def test_unusable_tokens_answer_401_with_www_authenticate(member_user, make_token, spoil):
    token, raw = make_token(member_user)
    response = bearer(spoil(token, raw)).get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json() == {
        "status": 401,
        "code": "invalid_token",
        "detail": "The token is invalid, expired or revoked.",
    }


def test_malformed_authorization_header_is_401(api):
    api.credentials(HTTP_AUTHORIZATION="Bearer two parts")
    assert api.get(ME).status_code == 401


@pytest.mark.parametrize("name", ["access_token", "token", "api_key"])
def test_tokens_in_the_query_string_are_refused(member_user, make_token, api, name):
    _, raw = make_token(member_user)
    response = api.get(f"{ME}?{name}={raw}")
    assert response.status_code == 401
    assert response.json()["code"] == "token_in_query_string"


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", ORGANISATIONS, {"name": "New Co", "kind": "member", "membership_tier": "full"}),
        ("post", TOKENS, {"name": "another", "scopes": ["read"]}),
        ("post", "/api/v1/auth/logout/", {}),
    ],
)
def test_a_read_token_can_never_write(staff_user, make_token, method, url, body):
    _, raw = make_token(staff_user, scopes=["read"])
    response = getattr(bearer(raw), method)(url, body, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"


def test_a_read_token_cannot_rename_or_revoke_itself(staff_user, make_token):
    token, raw = make_token(staff_user, scopes=["read"])
    client = bearer(raw)
    assert client.patch(f"{TOKENS}{token.pk}/", {"name": "x"}, format="json").status_code == 403
    assert client.delete(f"{TOKENS}{token.pk}/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None and token.name == "test"


def test_a_write_token_of_staff_can_write(staff_user, make_token):
    _, raw = make_token(staff_user, scopes=["read", "write"])
    response = bearer(raw).post(ORGANISATIONS, {"name": "New Co", "kind": "member", "membership_tier": "full"})
    assert response.status_code == 201


def test_creating_a_token_shows_the_secret_once(member_api, member_user):
    response = member_api.post(TOKENS, {"name": "sync job", "scopes": ["read"]}, format="json")
    assert response.status_code == 201
    body = response.json()
    raw = body.pop("token")
    token = ApiToken.objects.get(pk=body["id"])
    assert body == {
        "id": token.pk,
        "name": "sync job",
        "prefix": raw[:12],
        "user": member_user.pk,
        "scopes": ["read"],
        "created_at": body["created_at"],
        "expires_at": body["expires_at"],
        "last_used_at": None,
        "revoked_at": None,
        "active": True,
    }
    assert "token" not in member_api.get(f"{TOKENS}{token.pk}/").json()
    assert bearer(raw).get(ME).status_code == 200


def test_default_lifetime_applies(member_api, settings):
    response = member_api.post(TOKENS, {"name": "n", "scopes": ["read"]}, format="json")
    token = ApiToken.objects.get(pk=response.json()["id"])
    expected = token.created_at + settings.API_TOKEN_DEFAULT_LIFETIME
    assert abs((token.expires_at - expected).total_seconds()) < 5


def test_maximum_lifetime_is_enforced(member_api, settings):
    too_late = timezone.now() + settings.API_TOKEN_MAX_LIFETIME + timedelta(days=1)
    response = member_api.post(TOKENS, {"name": "n", "scopes": ["read"], "expires_at": too_late.isoformat()})
    assert response.status_code == 400
    assert response.json()["fields"] == {"expires_at": ["A token may live at most 365 days."]}
    assert not ApiToken.objects.exists()


def test_expiry_in_the_past_is_refused(member_api):
    response = member_api.post(
        TOKENS, {"name": "n", "scopes": ["read"], "expires_at": (timezone.now() - timedelta(days=1)).isoformat()}
    )
    assert response.status_code == 400
    assert "expires_at" in response.json()["fields"]


@pytest.mark.parametrize("scopes", [[], ["admin"], ["read", "sudo"]])
def test_unknown_or_missing_scopes_are_refused(member_api, scopes):
    response = member_api.post(TOKENS, {"name": "n", "scopes": scopes}, format="json")
    assert response.status_code == 400
    assert all(key.split(".")[0] == "scopes" for key in response.json()["fields"])


def test_a_token_cannot_mint_a_token_that_outlives_it(member_user, make_token):
    _, raw = make_token(member_user, scopes=["read", "write"], expires_at=timezone.now() + timedelta(days=2))
    later = (timezone.now() + timedelta(days=30)).isoformat()
    response = bearer(raw).post(TOKENS, {"name": "child", "scopes": ["read"], "expires_at": later}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"expires_at": ["A token cannot outlive the token that creates it."]}


@pytest.mark.parametrize(
    "change",
    [{"scopes": ["read", "write"]}, {"expires_at": "2099-01-01T00:00:00Z"}, {"user": 1}, {"revoked_at": None}],
)
def test_security_fields_cannot_change_after_creation(member_api, member_user, make_token, change):
    token, _ = make_token(member_user)
    before = ApiToken.objects.values().get(pk=token.pk)
    response = member_api.patch(f"{TOKENS}{token.pk}/", {"name": "renamed", **change}, format="json")
    assert response.status_code == 400
    field = next(iter(change))
    assert response.json()["fields"] == {field: ["This cannot be changed after creation."]}
    assert ApiToken.objects.values().get(pk=token.pk) == before


def test_put_is_not_allowed_on_tokens(member_api, member_user, make_token):
    token, _ = make_token(member_user)
    response = member_api.put(f"{TOKENS}{token.pk}/", {"name": "x"}, format="json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_a_token_can_be_renamed(member_api, member_user, make_token):
    token, _ = make_token(member_user)
    response = member_api.patch(f"{TOKENS}{token.pk}/", {"name": "nightly sync"}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "nightly sync"


def test_revoking_keeps_the_record_and_stops_the_token(member_api, member_user, make_token):
    token, raw = make_token(member_user)
    assert member_api.delete(f"{TOKENS}{token.pk}/").status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert bearer(raw).get(ME).status_code == 401
    assert member_api.get(f"{TOKENS}{token.pk}/").json()["active"] is False


def test_people_see_only_their_own_tokens(member_api, member_user, other_member, make_token):
    mine, _ = make_token(member_user)
    theirs, _ = make_token(other_member)
    ids = [row["id"] for row in member_api.get(TOKENS).json()["results"]]
    assert ids == [mine.pk]
    assert member_api.get(f"{TOKENS}{theirs.pk}/").status_code == 404
    assert member_api.delete(f"{TOKENS}{theirs.pk}/").status_code == 404


def test_staff_see_every_token_and_filter_by_user_and_activity(staff_api, member_user, other_member, make_token):
    mine, _ = make_token(member_user)
    theirs, _ = make_token(other_member)
    ApiToken.objects.filter(pk=theirs.pk).update(revoked_at=timezone.now())
    assert {row["id"] for row in staff_api.get(TOKENS).json()["results"]} == {mine.pk, theirs.pk}
    assert [r["id"] for r in staff_api.get(TOKENS, {"user": other_member.pk}).json()["results"]] == [theirs.pk]
    assert [r["id"] for r in staff_api.get(TOKENS, {"active": "true"}).json()["results"]] == [mine.pk]
    assert [r["id"] for r in staff_api.get(TOKENS, {"active": "false"}).json()["results"]] == [theirs.pk]


def test_staff_may_create_a_token_for_another_user(staff_api, staff_user, member_user):
    response = staff_api.post(TOKENS, {"name": "aster sync", "scopes": ["read"], "user": member_user.pk})
    assert response.status_code == 201
    token = ApiToken.objects.get(pk=response.json()["id"])
    assert token.user == member_user and token.created_by == staff_user


@pytest.mark.parametrize("client_fixture", ["member_api", "faculty_api", "student_api"])
def test_others_may_not_create_tokens_for_someone_else(request, client_fixture, other_member):
    client = request.getfixturevalue(client_fixture)
    response = client.post(TOKENS, {"name": "x", "scopes": ["read"], "user": other_member.pk}, format="json")
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_anonymous_callers_cannot_list_or_create_tokens(api):
    assert api.get(TOKENS).status_code == 401
    assert api.post(TOKENS, {"name": "x", "scopes": ["read"]}, format="json").status_code == 401


def test_create_token_command_prints_the_token_last(member_user, capsys):
    call_command("create_token", "--user", member_user.email.upper(), "--name", "cli", "--scope", "read")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    assert bearer(raw).get(ME).json()["token_scopes"] == ["read"]


def test_create_token_command_enforces_the_maximum_lifetime(member_user):
    with pytest.raises(CommandError, match="at most 365 days"):
        call_command(
            "create_token", "--user", member_user.email, "--name", "x", "--scope", "read", "--expires-in-days", "400"
        )
    with pytest.raises(CommandError, match="No user"):
        call_command("create_token", "--user", "nobody@example.com", "--name", "x", "--scope", "read")


def test_tokens_of_staff_created_by_command_are_audited(staff_user):
    from api.core.audit.models import AuditEvent

    call_command("create_token", "--user", staff_user.email, "--name", "cli", "--scope", "read", "--scope", "write")
    event = AuditEvent.objects.get(action="create", target_type="core.apitoken")
    assert event.via == "command"
    assert event.changes["scopes"] == "read write"


def test_token_list_query_count_does_not_grow(member_api, member_user, make_token, django_assert_max_num_queries):
    make_token(member_user)
    with django_assert_max_num_queries(4) as few:
        member_api.get(TOKENS)
    for _ in range(20):
        make_token(member_user)
    with django_assert_max_num_queries(len(few)):
        response = member_api.get(TOKENS, {"page_size": 50})
    assert response.json()["count"] == 21


def test_factories_member_has_company():
    assert factories.member().organisation.kind == "member"
