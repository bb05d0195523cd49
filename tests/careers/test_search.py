"""The recruiters' search: who may search, what they find, the filters and the query count."""

import datetime

import pytest

from api.careers.models import ProfileView
from tests import factories
from tests.conftest import bearer, client_for

from .support import PROFILES, make_profile, make_task, months_from_today

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def people(university, member_company, other_company):
    """Students in every state, named by it."""
    other_university = factories.OrganisationFactory(university=True, name="Eastlake Institute")
    make = lambda **kw: factories.student(kw.pop("uni", university), **kw)  # noqa: E731
    found = {
        "all": make_profile(make(given_name="Aisha", family_name="Khan"), share="all", degree="phd",
                            graduation=months_from_today(6), skills=["Python", "EUV lithography"],
                            summary="Resist chemistry", field="Chemical Engineering", cv=True),
        "aster": make_profile(make(given_name="Ben", family_name="Ode", uni=other_university), share=[member_company],
                              degree="ms", graduation=months_from_today(18), skills=["Verilog", "Python"],
                              field="Electrical Engineering"),
        "helix": make_profile(make(given_name="Cleo", family_name="Park"), share=[other_company], degree="bs",
                              graduation=months_from_today(3), skills=["TCAD"]),
        "private": make_profile(make(given_name="Dan", family_name="Roe"), degree="phd", skills=["Python"]),
        "expired": make_profile(make(given_name="Eve", family_name="Sol"), share="all",
                                graduation=months_from_today(-24)),
        "inactive": make_profile(make(given_name="Fay", family_name="Tam", is_active=False), share="all"),
        "postdoc": make_profile(make(given_name="Gil", family_name="Umber"), share="all", degree="postdoc",
                                graduation=months_from_today(30), skills=["Plasma etch"],
                                research_interests="Atomic layer etching of high-k films"),
    }  # fmt: skip
    return found


def test_a_recruiter_finds_what_is_shared_with_their_company(people, recruiter_api):
    expected = [people[name].pk for name in ("all", "aster", "postdoc")]
    assert sorted(ids(recruiter_api.get(PROFILES))) == sorted(expected)


def test_another_companys_recruiter_finds_their_own_share(people, other_recruiter_api):
    expected = [people[name].pk for name in ("all", "helix", "postdoc")]
    assert sorted(ids(other_recruiter_api.get(PROFILES))) == sorted(expected)


def test_staff_find_everything_shared_and_current(people, staff_api):
    expected = [people[name].pk for name in ("all", "aster", "helix", "postdoc")]
    assert sorted(ids(staff_api.get(PROFILES))) == sorted(expected)


@pytest.mark.parametrize(
    ("client", "status"),
    [
        ("api", 401),
        ("member_api", 403),  # a member who is not a recruiter
        ("company_admin_api", 403),  # managing recruiters is not recruiting
        ("inactive_recruiter_api", 403),
        ("inactive_member_api", 403),
        ("faculty_api", 403),
        ("student_api", 403),  # students never read other students
    ],
)
def test_who_may_not_search(request, people, client, status):
    api = request.getfixturevalue(client)
    assert api.get(PROFILES).status_code == status
    assert api.get(f"{PROFILES}{people['all'].pk}/").status_code == status
    assert api.get(f"{PROFILES}{people['all'].pk}/cv/").status_code == status


def test_a_recruiter_flag_on_a_deactivated_account_opens_nothing(people, recruiter):
    recruiter.is_active = False
    recruiter.save()
    assert client_for(recruiter).get(PROFILES).status_code in {401, 403}


@pytest.mark.parametrize("name", ["helix", "private", "expired", "inactive"])
def test_what_a_recruiter_may_not_see_is_a_404(people, recruiter_api, name):
    assert recruiter_api.get(f"{PROFILES}{people[name].pk}/").status_code == 404
    assert recruiter_api.get(f"{PROFILES}{people[name].pk}/cv/").status_code == 404
    assert not ProfileView.objects.exists()


def test_a_recruiter_token_searches(people, recruiter, make_token):
    _, raw = make_token(recruiter, scopes=["read"])
    assert people["all"].pk in ids(bearer(raw).get(PROFILES))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"degree": "phd"}, ["all"]),
        ({"degree": ["phd", "postdoc"]}, ["all", "postdoc"]),
        ({"skills_any": "verilog,plasma etch"}, ["aster", "postdoc"]),
        ({"skills_all": "python,verilog"}, ["aster"]),
        ({"skills_all": "Python, EUV  Lithography"}, ["all"]),
        ({"skills_all": "python,tcad"}, []),
        ({"field": "chemical"}, ["all"]),
        ({"q": "resist"}, ["all"]),
        ({"q": "khan"}, ["all"]),
        ({"q": "atomic etching"}, ["postdoc"]),
        ({"q": "verilog"}, ["aster"]),
        ({"university_name": None}, ["all", "aster", "postdoc"]),
    ],
)
def test_filters(people, recruiter_api, params, expected):
    params = {key: value for key, value in params.items() if value is not None}
    response = recruiter_api.get(PROFILES, params)
    assert sorted(ids(response)) == sorted(people[name].pk for name in expected)


def test_graduation_window_and_university(people, recruiter_api, university):
    window = {"graduation_from": f"{months_from_today(12):%Y-%m}", "graduation_to": f"{months_from_today(24):%Y-%m}"}
    assert ids(recruiter_api.get(PROFILES, window)) == [people["aster"].pk]
    everything_here = {people["all"].pk, people["postdoc"].pk}
    assert set(ids(recruiter_api.get(PROFILES, {"university": university.pk}))) == everything_here


def test_default_order_is_by_graduation_and_ordering_can_change_it(people, recruiter_api):
    assert ids(recruiter_api.get(PROFILES)) == [people[name].pk for name in ("all", "aster", "postdoc")]
    by_name = ids(recruiter_api.get(PROFILES, {"ordering": "-user__family_name"}))
    assert by_name == [people[name].pk for name in ("postdoc", "aster", "all")]


@pytest.mark.parametrize(
    "params",
    [
        {"degree": "diploma"},
        {"graduation_from": "2027-13"},
        {"graduation_to": "next year"},
        {"graduation_from": ""},
        {"university": "abc"},
        {"university": str(2**70)},
        {"skills_any": ",".join(f"s{n}" for n in range(11))},
        {"ordering": "user__email"},
    ],
)
def test_bad_filter_values_are_400s(people, recruiter_api, params):
    response = recruiter_api.get(PROFILES, params)
    assert response.status_code == 400, response.content


def test_the_detail_shows_contact_studies_tasks_and_the_cv_link(people, recruiter_api, university, member_company):
    profile = people["all"]
    open_task = make_task(number="3160.001", university=university, students=[profile.user])
    make_task(number="3160.002", university=university, students=[profile.user], confidential=True)
    sponsored = make_task(number="3160.003", university=university, students=[profile.user], confidential=True,
                          sponsors=[member_company])  # fmt: skip
    body = recruiter_api.get(f"{PROFILES}{profile.pk}/").json()
    assert body["email"] == profile.user.email
    assert body["student"]["full_name"] == "Aisha Khan"
    assert body["university"]["id"] == university.pk
    assert body["expected_graduation"] == f"{months_from_today(6):%Y-%m}"
    assert body["skills"] == ["EUV lithography", "Python"]
    # Tasks come from the research data, limited to what the recruiter may see: a confidential task
    # sponsored by another company stays hidden.
    assert [task["id"] for task in body["tasks"]] == [open_task.pk, sponsored.pk]
    assert body["cv_url"] == f"{PROFILES}{profile.pk}/cv/"
    assert body["cv"]["content_type"] == "application/pdf"
    assert "consent" not in body and "renewed_until" not in body


def test_each_detail_view_is_logged_and_list_views_are_not(people, recruiter_api, recruiter, member_company):
    recruiter_api.get(PROFILES)
    assert not ProfileView.objects.exists()
    recruiter_api.get(f"{PROFILES}{people['all'].pk}/")
    view = ProfileView.objects.get()
    assert (view.profile, view.kind, view.viewer, view.organisation_id) == (
        people["all"],
        "profile",
        recruiter,
        member_company.pk,
    )


def test_the_query_count_does_not_grow_with_the_page(university, member_company, recruiter_api, count_queries):
    def make(count):
        for n in range(count):
            student = factories.student(university)
            make_profile(student, share="all", skills=["Python", f"skill {n}"], cv=True)
            make_task(number=f"4{n:03d}.{count:03d}", university=university, students=[student])

    make(2)
    with count_queries() as small:
        assert len(ids(recruiter_api.get(PROFILES))) == 2
    make(8)
    with count_queries() as large:
        assert len(ids(recruiter_api.get(PROFILES))) == 10
    assert len(large) == len(small), [query["sql"] for query in large.captured_queries]


def test_pages_are_stable_when_graduations_tie(university, recruiter_api):
    same = datetime.date(2030, 6, 1)
    made = [make_profile(factories.student(university), share="all", graduation=same).pk for _ in range(5)]
    seen = []
    for page in (1, 2, 3):
        seen += ids(recruiter_api.get(PROFILES, {"page_size": 2, "page": page}))
    assert seen == sorted(made)
