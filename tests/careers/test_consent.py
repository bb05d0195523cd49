"""Consent: off until the student turns it on; all companies or a chosen list; withdrawn at once."""

import pytest

from api.careers.models import ConsentRecord
from api.core.audit.models import AuditEvent

from .support import ME, PROFILES, fetch, make_profile

pytestmark = pytest.mark.django_db

CONSENT = ME + "consent/"
HISTORY = CONSENT + "history/"


@pytest.fixture
def profile(student_user):
    return make_profile(student_user, cv=True)


def ids(response):
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_sharing_is_off_until_the_student_turns_it_on(student_api, profile, recruiter_api, staff_api):
    assert student_api.get(CONSENT).json()["sharing"] is False
    assert ids(recruiter_api.get(PROFILES)) == []
    assert ids(staff_api.get(PROFILES)) == []  # staff do not browse what students keep private
    assert recruiter_api.get(f"{PROFILES}{profile.pk}/").status_code == 404
    assert recruiter_api.get(f"{PROFILES}{profile.pk}/cv/").status_code == 404


def test_sharing_with_all_reaches_every_active_member_company(
    student_api, profile, recruiter_api, other_recruiter_api, inactive_recruiter_api, staff_api
):
    response = student_api.put(CONSENT, {"sharing": True, "share_with_all": True}, format="json")
    assert response.status_code == 200
    assert response.json()["sharing"] is True and response.json()["changed_at"] is not None
    assert ids(recruiter_api.get(PROFILES)) == [profile.pk]
    assert ids(other_recruiter_api.get(PROFILES)) == [profile.pk]
    assert ids(staff_api.get(PROFILES)) == [profile.pk]
    assert inactive_recruiter_api.get(PROFILES).status_code == 403  # an inactive company has no recruiters


def test_sharing_with_a_list_reaches_those_companies_only(
    student_api, profile, member_company, recruiter_api, other_recruiter_api
):
    body = {"sharing": True, "companies": [member_company.pk]}
    assert student_api.put(CONSENT, body, format="json").json()["companies"] == [member_company.pk]
    assert ids(recruiter_api.get(PROFILES)) == [profile.pk]
    assert ids(other_recruiter_api.get(PROFILES)) == []
    assert other_recruiter_api.get(f"{PROFILES}{profile.pk}/").status_code == 404
    assert other_recruiter_api.get(f"{PROFILES}{profile.pk}/cv/").status_code == 404


def test_withdrawal_takes_effect_at_once_for_search_detail_and_cv(student_api, profile, recruiter_api):
    student_api.put(CONSENT, {"sharing": True, "share_with_all": True}, format="json")
    assert fetch(recruiter_api, f"{PROFILES}{profile.pk}/cv/")[0].status_code == 200
    response = student_api.put(CONSENT, {"sharing": False}, format="json")
    assert response.json() == {**response.json(), "sharing": False, "share_with_all": False, "companies": []}
    assert ids(recruiter_api.get(PROFILES)) == []
    assert recruiter_api.get(f"{PROFILES}{profile.pk}/").status_code == 404
    assert recruiter_api.get(f"{PROFILES}{profile.pk}/cv/").status_code == 404


def test_every_change_is_recorded_with_its_time_and_choice(student_api, profile, member_company, other_company):
    student_api.put(CONSENT, {"sharing": True, "companies": [member_company.pk]}, format="json")
    student_api.put(CONSENT, {"sharing": True, "companies": [member_company.pk]}, format="json")  # no change
    student_api.put(CONSENT, {"sharing": True, "companies": [other_company.pk, member_company.pk]}, format="json")
    student_api.put(CONSENT, {"sharing": True, "share_with_all": True}, format="json")
    student_api.put(CONSENT, {"sharing": False}, format="json")
    student_api.put(CONSENT, {"sharing": False}, format="json")  # no change
    rows = student_api.get(HISTORY).json()["results"]
    assert [row["action"] for row in rows] == ["withdrawn", "changed", "changed", "granted"]
    assert rows[-1]["companies"] == [{"id": member_company.pk, "name": member_company.name}]
    assert rows[1]["share_with_all"] is True and rows[1]["companies"] == []
    assert all(row["at"] for row in rows)
    assert ConsentRecord.objects.count() == 4
    assert AuditEvent.objects.filter(action__startswith="consent_").count() == 4


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"sharing": True}, "companies"),
        ({"sharing": True, "companies": []}, "companies"),
        ({"sharing": "yes please"}, "sharing"),
        ({"share_with_all": True}, "sharing"),
        ({"sharing": True, "companies": [2**70]}, "companies"),
        ({"sharing": True, "companies": "all"}, "companies"),
    ],
)
def test_bad_choices_are_400s_and_change_nothing(student_api, profile, body, field):
    response = student_api.put(CONSENT, body, format="json")
    assert response.status_code == 400, response.json()
    assert any(key.split(".")[0] == field for key in response.json()["fields"])
    profile.refresh_from_db()
    assert profile.sharing is False and not ConsentRecord.objects.exists()


def test_only_active_member_companies_can_be_chosen(student_api, profile, university, inactive_company):
    for company in (university, inactive_company):
        response = student_api.put(CONSENT, {"sharing": True, "companies": [company.pk]}, format="json")
        assert response.status_code == 400
        assert "companies" in response.json()["fields"]


def test_a_company_that_becomes_inactive_loses_access(student_api, profile, member_company, recruiter_api):
    student_api.put(CONSENT, {"sharing": True, "companies": [member_company.pk]}, format="json")
    member_company.active = False
    member_company.save()
    assert recruiter_api.get(PROFILES).status_code == 403


def test_consent_needs_a_profile_first(student_api):
    assert student_api.put(CONSENT, {"sharing": True, "share_with_all": True}, format="json").status_code == 404


@pytest.mark.parametrize("client", ["member_api", "faculty_api", "staff_api", "recruiter_api"])
def test_nobody_else_sets_a_students_consent(request, client, profile):
    response = request.getfixturevalue(client).put(CONSENT, {"sharing": True, "share_with_all": True}, format="json")
    assert response.status_code == 403
