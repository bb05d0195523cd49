"""Text fields take JSON strings only (api.core.strict_text): found by the contract fuzzer."""

import pytest

ME = "/api/v1/auth/me/"


@pytest.mark.parametrize("value", [42, -2.5e16, True, ["Ada"], {"name": "Ada"}])
def test_a_text_field_refuses_what_is_not_a_string(member_api, member_user, value):
    response = member_api.patch(ME, {"given_name": value}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"given_name": ["Not a valid string."]}
    member_user.refresh_from_db()
    assert member_user.given_name != str(value)


def test_a_string_is_still_text(member_api, member_user):
    response = member_api.patch(ME, {"given_name": "Ada"}, format="json")
    assert response.status_code == 200 and response.json()["given_name"] == "Ada"
