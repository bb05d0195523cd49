import pytest

from api.accounts.models import Organisation
from api.core.audit.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db
URL = "/api/v1/organisations/"
NEW = {"name": "Zenith Devices", "short_name": "Zenith", "kind": "member", "membership_tier": "associate"}

READERS = ["api", "member_api", "other_member_api", "inactive_member_api", "faculty_api", "student_api", "staff_api"]
NON_STAFF = ["member_api", "other_member_api", "inactive_member_api", "faculty_api", "student_api"]


def payload(organisation):
    return {
        "id": organisation.pk,
        "name": organisation.name,
        "short_name": organisation.short_name,
        "kind": organisation.kind,
        "membership_tier": organisation.membership_tier,
        "active": organisation.active,
        "website": organisation.website,
        "created_at": organisation.created_at.isoformat().replace("+00:00", "Z"),
        "updated_at": organisation.updated_at.isoformat().replace("+00:00", "Z"),
    }


@pytest.mark.parametrize("client", READERS)
def test_everyone_reads_the_directory_of_active_organisations(request, client, member_company, inactive_company):
    response = request.getfixturevalue(client).get(URL)
    assert response.status_code == 200
    names = [row["name"] for row in response.json()["results"]]
    if client == "staff_api":
        assert "Obsidian Systems" in names
    else:
        assert "Obsidian Systems" not in names
    assert "Aster Microdevices" in names


def test_detail_payload(api, member_company):
    assert api.get(f"{URL}{member_company.pk}/").json() == payload(member_company)


@pytest.mark.parametrize("client", ["api", "member_api", "faculty_api"])
def test_inactive_organisations_are_404_for_non_staff(request, client, inactive_company):
    assert request.getfixturevalue(client).get(f"{URL}{inactive_company.pk}/").status_code == 404


def test_staff_create_update_delete_and_every_write_is_audited(staff_api, staff_user):
    created = staff_api.post(URL, NEW, format="json")
    assert created.status_code == 201
    organisation = Organisation.objects.get(pk=created.json()["id"])
    assert created.json() == payload(organisation)
    updated = staff_api.patch(f"{URL}{organisation.pk}/", {"active": False}, format="json")
    assert updated.status_code == 200 and updated.json()["active"] is False
    assert staff_api.delete(f"{URL}{organisation.pk}/").status_code == 204
    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    events = list(AuditEvent.objects.order_by("id").values_list("action", "actor_id", "target_id", "changes"))
    assert [event[:3] for event in events] == [
        ("create", staff_user.pk, str(organisation.pk)),
        ("update", staff_user.pk, str(organisation.pk)),
        ("delete", staff_user.pk, str(organisation.pk)),
    ]
    assert events[1][3] == {"active": [True, False]}


@pytest.mark.parametrize("client", NON_STAFF)
def test_only_staff_write(request, client, member_company):
    api = request.getfixturevalue(client)
    assert api.post(URL, NEW, format="json").status_code == 403
    assert api.patch(f"{URL}{member_company.pk}/", {"name": "Hijacked"}, format="json").status_code == 403
    assert api.delete(f"{URL}{member_company.pk}/").status_code == 403
    member_company.refresh_from_db()
    assert member_company.name == "Aster Microdevices"
    assert not AuditEvent.objects.exists()


def test_anonymous_writes_are_401(api, member_company):
    assert api.post(URL, NEW, format="json").status_code == 401
    assert api.delete(f"{URL}{member_company.pk}/").status_code == 401


def test_names_are_unique_ignoring_case(staff_api, member_company):
    response = staff_api.post(URL, {**NEW, "name": "ASTER microdevices"}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"name": ["An organisation with this name already exists."]}


def test_kind_cannot_change_while_people_belong(staff_api, member_user):
    response = staff_api.patch(
        f"{URL}{member_user.organisation_id}/", {"kind": "university", "membership_tier": ""}, format="json"
    )
    assert response.status_code == 400
    assert "kind" in response.json()["fields"]


def test_member_companies_need_a_tier(staff_api):
    response = staff_api.post(URL, {**NEW, "membership_tier": ""}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"membership_tier": ["A member company needs a membership tier."]}


@pytest.mark.parametrize(
    ("params", "matching", "other"),
    [
        ({"kind": "university"}, "University of Westbridge", "Aster Microdevices"),
        ({"membership_tier": "full"}, "Aster Microdevices", "Quanta Memory"),
        ({"active": "false"}, "Obsidian Systems", "Aster Microdevices"),
        ({"q": "westbr"}, "University of Westbridge", "Aster Microdevices"),
        ({"q": "QUANT"}, "Quanta Memory", "Aster Microdevices"),
    ],
)
def test_filters(staff_api, member_company, inactive_company, university, params, matching, other):
    factories.OrganisationFactory(name="Quanta Memory", short_name="Quanta", membership_tier="associate")
    names = [row["name"] for row in staff_api.get(URL, params).json()["results"]]
    assert matching in names and other not in names


def test_invalid_filter_value_is_400(api):
    response = api.get(URL, {"kind": "galaxy"})
    assert response.status_code == 400
    assert "kind" in response.json()["fields"]


def test_ordering_and_pagination_are_stable(api):
    for index in range(7):
        factories.OrganisationFactory(name=f"Same Name {index}", short_name="S")
    first = api.get(URL, {"ordering": "short_name", "page_size": 3}).json()
    assert first["count"] == 7 and len(first["results"]) == 3 and first["next"]
    seen = [
        row["id"]
        for page in range(1, 4)
        for row in api.get(URL, {"ordering": "short_name", "page_size": 3, "page": page}).json()["results"]
    ]
    assert seen == sorted(seen) and len(set(seen)) == 7  # equal sort keys: the primary key decides


def test_page_size_has_a_hard_maximum(api):
    for _ in range(3):
        factories.OrganisationFactory()
    response = api.get(URL, {"page_size": 100000})
    assert response.status_code == 200 and response.json()["count"] == 3
    from api.core.pagination import WaferPagination

    assert WaferPagination.max_page_size == 100


def test_a_page_past_the_end_is_404(api):
    assert api.get(URL, {"page": 99}).status_code == 404


def test_query_count_does_not_grow_with_page_size(api, django_assert_max_num_queries):
    factories.OrganisationFactory()
    with django_assert_max_num_queries(3) as one:
        api.get(URL)
    for _ in range(30):
        factories.OrganisationFactory()
    with django_assert_max_num_queries(len(one)):
        assert len(api.get(URL, {"page_size": 50}).json()["results"]) == 31


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page_size": "abc"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "-5"}, "page_size"),
        ({"page_size": ["5", "6"]}, "page_size"),
        ({"page": "0"}, "page"),
        ({"page": "first"}, "page"),
    ],
)
def test_malformed_paging_parameters_are_400(api, params, field):
    response = api.get(URL, params)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]


def test_the_last_page_can_be_named(api):
    for _ in range(3):
        factories.OrganisationFactory()
    assert len(api.get(URL, {"page_size": 2, "page": "last"}).json()["results"]) == 1
