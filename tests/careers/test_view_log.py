"""Access transparency: the student sees which company looked at their profile or CV, and when."""

import pytest

from api.careers.models import ProfileView

from .support import ME, PROFILES, fetch, make_profile

pytestmark = pytest.mark.django_db

VIEWS = ME + "views/"


def test_the_student_sees_company_kind_and_date_never_the_person(
    student_user, student_api, recruiter_api, other_recruiter_api, staff_api, member_company, other_company
):
    profile = make_profile(student_user, share="all", cv=True)
    recruiter_api.get(f"{PROFILES}{profile.pk}/")
    fetch(recruiter_api, f"{PROFILES}{profile.pk}/cv/")
    other_recruiter_api.get(f"{PROFILES}{profile.pk}/")
    staff_api.get(f"{PROFILES}{profile.pk}/")
    rows = student_api.get(VIEWS).json()["results"]
    assert [(row["company"], row["kind"]) for row in rows] == [
        ("Consortium staff", "profile"),
        (other_company.name, "profile"),
        (member_company.name, "cv"),
        (member_company.name, "profile"),
    ]
    assert all(set(row) == {"id", "at", "kind", "company"} for row in rows)


def test_a_student_sees_only_their_own_log(student_user, student_api, recruiter_api, university):
    from tests import factories

    other = make_profile(factories.student(university), share="all")
    recruiter_api.get(f"{PROFILES}{other.pk}/")
    make_profile(student_user)
    assert student_api.get(VIEWS).json()["results"] == []
    assert ProfileView.objects.count() == 1


@pytest.mark.parametrize(("client", "status"), [("api", 401), ("member_api", 403), ("recruiter_api", 403)])
def test_nobody_else_reads_the_log(request, client, status):
    assert request.getfixturevalue(client).get(VIEWS).status_code == status


def test_the_log_query_count_does_not_grow(student_user, student_api, recruiter, count_queries):
    from api.careers import services

    profile = make_profile(student_user, share="all")
    services.view_record(profiles=[profile] * 2, kind="profile", viewer=recruiter)
    with count_queries() as small:
        assert len(student_api.get(VIEWS).json()["results"]) == 2
    services.view_record(profiles=[profile] * 10, kind="cv", viewer=recruiter)
    with count_queries() as large:
        assert len(student_api.get(VIEWS).json()["results"]) == 12
    assert len(large) == len(small)
