"""The shared filter mechanics: ids that fit a bigint, strict booleans, no empty values."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["1.5", "99999999999999999999999", "-3", "abc", "0"])
def test_ids_must_be_whole_numbers_that_fit_a_bigint(staff_api, value):
    response = staff_api.get("/api/v1/tasks/", {"pi": value})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["pi"]


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/v1/tasks/", "active_on"),
        ("/api/v1/deliverables/", "due_before"),
        ("/api/v1/organisations/", "kind"),
        ("/api/v1/organisations/", "active"),
    ],
)
def test_typed_parameters_given_without_a_value_are_400(staff_api, url, param):
    response = staff_api.get(f"{url}?{param}=")
    assert response.status_code == 400
    assert response.json()["fields"] == {param: ["Give a value, or leave the parameter out."]}


def test_free_text_may_be_empty(staff_api):
    assert staff_api.get("/api/v1/organisations/?q=").status_code == 200


@pytest.mark.parametrize("value", ["maybe", "null", "yes please"])
def test_booleans_are_true_or_false(api, value):
    response = api.get("/api/v1/organisations/", {"active": value})
    assert response.status_code == 400
    assert response.json()["fields"] == {"active": ["Use true or false."]}
