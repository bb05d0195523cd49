"""The student's own profile: create, replace, validation, who may have one."""

import datetime

import pytest

from api.careers.models import ProfileSkill, Skill, StudentProfile
from api.core.audit.models import AuditEvent
from tests.conftest import bearer

from .support import ME, make_profile, make_task, months_from_today

pytestmark = pytest.mark.django_db

BODY = {
    "degree": "phd",
    "field": "Electrical Engineering",
    "expected_graduation": "2027-06",
    "research_interests": "EUV resists",
    "summary": "I make photoresists behave.",
    "skills": ["Python", "EUV lithography", "python ", "  Plasma   etch "],
    "links": ["https://example.edu/~khan", "https://github.com/khan"],
}


def test_a_student_without_a_profile_gets_a_404_that_says_how_to_make_one(student_api):
    response = student_api.get(ME)
    assert response.status_code == 404
    assert "PUT careers/me/" in response.json()["detail"]


def test_put_creates_then_replaces_the_profile(student_api, student_user, university, settings):
    settings.CAREERS_VISIBLE_MONTHS_AFTER_GRADUATION = 6
    response = student_api.put(ME, BODY, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["expected_graduation"] == "2027-06"
    assert body["visible_until"] == "2027-12-31"  # the end of the month six months after graduating
    assert body["skills"] == ["EUV lithography", "Plasma etch", "Python"]  # deduplicated, single spaces
    assert body["university"]["id"] == university.pk
    assert body["student"]["id"] == student_user.pk
    assert body["consent"] == {"sharing": False, "share_with_all": False, "companies": [], "changed_at": None}
    assert body["cv"] is None and body["cv_url"] is None and body["expired"] is False

    replaced = {**BODY, "degree": "ms", "skills": ["Verilog"], "links": []}
    response = student_api.put(ME, replaced, format="json")
    assert response.status_code == 200
    assert response.json()["degree"] == "ms" and response.json()["skills"] == ["Verilog"]
    assert StudentProfile.objects.count() == 1
    profile = StudentProfile.objects.get()
    assert list(Skill.objects.filter(profiles=profile).values_list("name", flat=True)) == ["Verilog"]
    actions = list(AuditEvent.objects.filter(target_type="careers.studentprofile").values_list("action", flat=True))
    assert sorted(actions) == ["create", "update"]
    update = AuditEvent.objects.get(target_type="careers.studentprofile", action="update")
    assert update.changes["degree"] == ["phd", "ms"]


def test_skills_are_shared_tags_matched_case_insensitively(student_api, university):
    from tests import factories

    student_api.put(ME, BODY, format="json")
    other = factories.student(university)
    make_profile(other, skills=["PYTHON"])
    assert Skill.objects.filter(key="python").count() == 1
    assert ProfileSkill.objects.filter(skill__key="python").count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"degree": "diploma"}, "degree"),
        ({"expected_graduation": "2027-13"}, "expected_graduation"),
        ({"expected_graduation": "June 2027"}, "expected_graduation"),
        ({"expected_graduation": "2027-06-01"}, "expected_graduation"),
        ({"expected_graduation": 202706}, "expected_graduation"),
        ({"field": ""}, "field"),
        ({"field": "x" * 201}, "field"),
        ({"summary": "x" * 2001}, "summary"),
        ({"links": ["javascript:alert(1)"]}, "links"),
        ({"links": ["ftp://example.org/cv"]}, "links"),
        ({"links": [f"https://example.org/{n}" for n in range(6)]}, "links"),
        ({"skills": ["x" * 61]}, "skills"),
        ({"skills": [f"skill {n}" for n in range(31)]}, "skills"),
        ({"skills": "python"}, "skills"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_saved(student_api, change, field):
    response = student_api.put(ME, {**BODY, **change}, format="json")
    assert response.status_code == 400, response.json()
    assert any(key.split(".")[0] == field for key in response.json()["fields"]), response.json()
    assert not StudentProfile.objects.exists()


def test_a_missing_required_field_is_named(student_api):
    response = student_api.put(ME, {"degree": "phd"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"field", "expected_graduation"}


@pytest.mark.parametrize("client", ["member_api", "faculty_api", "staff_api", "recruiter_api"])
def test_only_students_have_a_profile(request, client):
    api = request.getfixturevalue(client)
    for method in ("get", "put", "delete"):
        response = getattr(api, method)(ME, BODY, format="json")
        assert response.status_code == 403, (method, response.status_code)
        assert response.json()["detail"] == "Only students have a career profile."


def test_anonymous_callers_are_asked_to_sign_in(api):
    assert api.get(ME).status_code == 401
    assert api.put(ME, BODY, format="json").status_code == 401


def test_a_deactivated_student_has_no_access(student_user):
    from tests.conftest import client_for

    student_user.is_active = False
    student_user.save()
    assert client_for(student_user).get(ME).status_code in {401, 403}


def test_a_read_token_reads_but_cannot_write(student_user, make_token):
    make_profile(student_user)
    _, raw = make_token(student_user, scopes=["read"])
    client = bearer(raw)
    assert client.get(ME).status_code == 200
    response = client.put(ME, BODY, format="json")
    assert response.status_code == 403 and response.json()["code"] == "insufficient_scope"


def test_the_own_profile_shows_the_tasks_from_the_research_data(student_api, student_user, university):
    task = make_task(number="3160.001", university=university, students=[student_user], confidential=True)
    make_profile(student_user)
    tasks = student_api.get(ME).json()["tasks"]
    assert [row["id"] for row in tasks] == [task.pk]  # the student sees their own confidential task


def test_changing_the_graduation_moves_the_visibility_but_keeps_a_renewal(student_user, settings):
    from api.careers import services

    settings.CAREERS_VISIBLE_MONTHS_AFTER_GRADUATION = 3
    profile = make_profile(student_user, graduation=datetime.date(2020, 1, 1))
    assert profile.visible_until == datetime.date(2020, 4, 30)
    services.profile_renew(profile=profile)
    profile.refresh_from_db()
    renewed = profile.visible_until
    assert renewed > datetime.date.today()
    services.profile_save(user=student_user, degree="phd", field="EE", expected_graduation=datetime.date(2021, 1, 1))
    profile.refresh_from_db()
    assert profile.visible_until == renewed  # a later graduation never cuts a renewal short
    services.profile_save(user=student_user, degree="phd", field="EE", expected_graduation=months_from_today(24))
    profile.refresh_from_db()
    assert profile.visible_until > renewed
