import pytest

from api.accounts.models import User
from api.core.audit.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db
URL = "/api/v1/people/"


def row(person, email_visible: bool):
    organisation = person.organisation
    return {
        "id": person.pk,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "full_name": person.full_name,
        "email": person.email if email_visible else None,
        "role": person.role,
        "title": person.title,
        "organisation": None
        if organisation is None
        else {
            "id": organisation.pk,
            "name": organisation.name,
            "short_name": organisation.short_name,
            "kind": organisation.kind,
        },
        "is_company_admin": person.is_company_admin,
        "is_recruiter": person.is_recruiter,
        "is_active": person.is_active,
    }


@pytest.mark.parametrize(
    ("client", "status"),
    [
        ("api", 401),
        ("inactive_member_api", 403),  # an inactive member company's people get public access only
        ("member_api", 200),
        ("other_member_api", 200),
        ("faculty_api", 200),
        ("student_api", 200),
        ("staff_api", 200),
    ],
)
def test_who_may_read_the_directory(request, client, status, member_user):
    assert request.getfixturevalue(client).get(URL).status_code == status
    assert request.getfixturevalue(client).get(f"{URL}{member_user.pk}/").status_code == status


def test_emails_are_visible_within_ones_own_organisation_only(member_api, member_user, colleague, other_member):
    assert member_api.get(f"{URL}{colleague.pk}/").json() == row(colleague, email_visible=True)
    assert member_api.get(f"{URL}{member_user.pk}/").json() == row(member_user, email_visible=True)
    assert member_api.get(f"{URL}{other_member.pk}/").json() == row(other_member, email_visible=False)


def test_emails_never_leak_through_the_list(other_member_api, member_user, colleague, other_member):
    rows = {r["id"]: r for r in other_member_api.get(URL, {"page_size": 100}).json()["results"]}
    assert rows[member_user.pk]["email"] is None and rows[colleague.pk]["email"] is None
    assert rows[other_member.pk]["email"] == other_member.email


def test_staff_see_every_email_and_deactivated_people(staff_api, member_user, other_member):
    User.objects.filter(pk=other_member.pk).update(is_active=False)
    other_member.refresh_from_db()
    rows = {r["id"]: r for r in staff_api.get(URL).json()["results"]}
    assert rows[other_member.pk] == row(other_member, email_visible=True)
    assert rows[member_user.pk]["email"] == member_user.email


def test_deactivated_people_are_hidden_from_non_staff(member_api, other_member):
    User.objects.filter(pk=other_member.pk).update(is_active=False)
    assert member_api.get(f"{URL}{other_member.pk}/").status_code == 404
    assert other_member.pk not in [r["id"] for r in member_api.get(URL).json()["results"]]


def test_staff_create_a_person(staff_api, staff_user, member_company):
    body = {
        "email": "New.Person@Aster.Example.com",
        "given_name": "New",
        "family_name": "Person",
        "role": "member",
        "organisation": member_company.pk,
        "title": "Liaison",
        "password": "a long enough passphrase",
    }
    response = staff_api.post(URL, body, format="json")
    assert response.status_code == 201
    person = User.objects.get(pk=response.json()["id"])
    assert response.json() == row(person, email_visible=True)
    assert person.email == "new.person@aster.example.com"
    assert person.check_password("a long enough passphrase")
    event = AuditEvent.objects.get(action="create", target_type="accounts.user")
    assert event.actor == staff_user and "password" not in event.changes


def test_a_person_without_a_password_cannot_sign_in_until_one_is_set(staff_api, member_company):
    body = {
        "email": "x@aster.example.com",
        "given_name": "X",
        "family_name": "Y",
        "role": "member",
        "organisation": member_company.pk,
    }
    response = staff_api.post(URL, body, format="json")
    assert response.status_code == 201
    assert not User.objects.get(pk=response.json()["id"]).has_usable_password()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"role": "faculty"}, "organisation"),  # faculty belong to a university
        ({"role": "member", "organisation": None}, "organisation"),
        ({"email": "LIAISON@helix.example.com"}, "email"),  # taken, ignoring case
        ({"email": "not an email"}, "email"),
        ({"role": "admiral"}, "role"),
        ({"password": "123"}, "password"),
    ],
)
def test_invalid_changes_are_refused_and_nothing_is_written(staff_api, member_user, other_member, change, field):
    before = User.objects.values().get(pk=member_user.pk)
    response = staff_api.patch(f"{URL}{member_user.pk}/", change, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert User.objects.values().get(pk=member_user.pk) == before
    assert not AuditEvent.objects.exists()


def test_staff_edit_and_deactivate(staff_api, member_user):
    response = staff_api.patch(f"{URL}{member_user.pk}/", {"title": "CTO", "is_active": False}, format="json")
    assert response.status_code == 200
    assert response.json()["title"] == "CTO" and response.json()["is_active"] is False
    event = AuditEvent.objects.get(action="update")
    assert event.changes == {"title": ["", "CTO"], "is_active": [True, False]}


@pytest.mark.parametrize("client", ["member_api", "faculty_api", "student_api", "inactive_member_api"])
def test_non_staff_cannot_create_or_edit_people(request, client, member_user, member_company):
    api = request.getfixturevalue(client)
    body = {
        "email": "a@b.example",
        "given_name": "A",
        "family_name": "B",
        "role": "member",
        "organisation": member_company.pk,
    }
    assert api.post(URL, body, format="json").status_code == 403
    assert api.patch(f"{URL}{member_user.pk}/", {"role": "staff"}, format="json").status_code == 403
    member_user.refresh_from_db()
    assert member_user.role == "member"


def test_role_and_is_staff_cannot_be_escalated_through_unknown_fields(staff_api, member_user):
    response = staff_api.patch(f"{URL}{member_user.pk}/", {"is_superuser": True, "is_staff": True}, format="json")
    assert response.status_code == 200
    member_user.refresh_from_db()
    assert not member_user.is_superuser and not member_user.is_staff


@pytest.mark.parametrize(
    ("params", "matching", "other"),
    [
        ({"role": "faculty"}, "chen@westbridge.example.edu", "liaison@aster.example.com"),
        ({"q": "ChEn"}, "chen@westbridge.example.edu", "liaison@aster.example.com"),
        ({"q": "li chen"}, "chen@westbridge.example.edu", "liaison@aster.example.com"),
        ({"is_active": "false"}, "gone@aster.example.com", "liaison@aster.example.com"),
    ],
)
def test_filters(staff_api, faculty_user, member_user, member_company, params, matching, other):
    User.objects.filter(pk=faculty_user.pk).update(given_name="Li", family_name="Chen")
    factories.member(member_company, email="gone@aster.example.com", is_active=False)
    emails = [r["email"] for r in staff_api.get(URL, params).json()["results"]]
    assert matching in emails and other not in emails


def test_filter_by_organisation(staff_api, member_user, other_member):
    emails = [r["email"] for r in staff_api.get(URL, {"organisation": other_member.organisation_id}).json()["results"]]
    assert emails == [other_member.email]


def test_query_count_does_not_grow_with_page_size(member_api, member_company, django_assert_max_num_queries):
    with django_assert_max_num_queries(4) as one:
        member_api.get(URL)
    for index in range(30):
        factories.member(factories.OrganisationFactory() if index % 2 else member_company)
    with django_assert_max_num_queries(len(one)):
        assert len(member_api.get(URL, {"page_size": 50}).json()["results"]) == 31
