"""Who sees which publication (api.publications.access): lists, counts, details and files alike.

A publication the caller may not see does not exist for them: absent from lists and counts, and a
404 (never a 403) on its detail and its files. Embargoes end by themselves on their date.
"""

import datetime

import pytest

from api.publications import access
from api.publications.models import Publication
from api.research import services as research_services
from tests import factories
from tests.conftest import client_for
from tests.publications.support import NOW, TODAY, URL, attach, download, titles

pytestmark = pytest.mark.django_db

LEVELS = ("public", "members", "sponsors")
EMBARGOES = ("none", "future", "past")
EVERY = {(level, embargo) for level in LEVELS for embargo in EMBARGOES}
PUBLIC_TODAY = {("public", "none"), ("public", "past"), ("members", "past"), ("sponsors", "past")}
MEMBERS_TODAY = PUBLIC_TODAY | {("public", "future"), ("members", "none"), ("members", "future")}
EFFECTIVE = {
    ("public", "none"): "public",
    ("public", "future"): "members",  # an embargo makes a public publication members-only until its date
    ("public", "past"): "public",
    ("members", "none"): "members",
    ("members", "future"): "members",
    ("members", "past"): "public",  # from the embargo date on, anything is public
    ("sponsors", "none"): "sponsors",
    ("sponsors", "future"): "sponsors",
    ("sponsors", "past"): "public",
}

# The matrix: every publication is linked to pub_task (led by faculty_user, sponsored by member_company).
SEES = {
    "api": PUBLIC_TODAY,  # anonymous
    "student_api": PUBLIC_TODAY,  # a student on no linked task
    "faculty_api": EVERY,  # PI of the linked task
    "pub_other_faculty_api": PUBLIC_TODAY,  # PI of another task
    "member_api": EVERY,  # a person of the sponsoring company
    "other_member_api": MEMBERS_TODAY,  # a person of another active member company
    "inactive_member_api": PUBLIC_TODAY,  # a person of an inactive member company: public only
    "staff_api": EVERY,
    "pub_read_token_api": EVERY,  # member_user's read token
}


def title(key) -> str:
    return f"{key[0]} {key[1]}"


@pytest.fixture
def matrix_with_files(pub_matrix, pub_other_task, staff_user):
    """pub_matrix, each publication with one file (pub_other_task exists, for its PI)."""
    return {key: (publication, attach(publication, staff_user)) for key, publication in pub_matrix.items()}


@pytest.mark.parametrize("client", SEES)
def test_lists_and_counts_hold_exactly_what_the_caller_may_see(request, client, pub_matrix, pub_other_task):
    response = request.getfixturevalue(client).get(URL, {"page_size": 100})
    assert response.status_code == 200
    rows = {row["title"]: row["effective_access"] for row in response.json()["results"]}
    assert rows == {title(key): EFFECTIVE[key] for key in SEES[client]}
    assert response.json()["count"] == len(SEES[client])


@pytest.mark.parametrize("client", SEES)
def test_details_and_files_are_200_or_404_never_403(request, client, matrix_with_files):
    api = request.getfixturevalue(client)
    seen = {}
    for key, (publication, file) in matrix_with_files.items():
        detail = api.get(f"{URL}{publication.pk}/")
        response, content = download(api, file)
        seen[key] = (
            detail.status_code,
            detail.json().get("effective_access"),
            response.status_code,
            len(content) if response.status_code == 200 else None,
        )
    assert seen == {
        key: (200, EFFECTIVE[key], 200, file.size) if key in SEES[client] else (404, None, 404, None)
        for key, (_, file) in matrix_with_files.items()
    }


def test_effective_access_follows_the_embargo(pub_matrix):
    assert {key: access.effective_access(publication) for key, publication in pub_matrix.items()} == EFFECTIVE


# --- Embargoes end on their date, with no job to run ------------------------------------------------


@pytest.fixture
def embargoed_today(pub_make, pub_task):
    """Sponsors only, its embargo ending today (2026-03-15)."""
    return pub_make(title="Ends today", access="sponsors", embargo_until=TODAY, tasks=[pub_task])


def test_an_embargo_ending_today_is_public_today(api, embargoed_today):
    response = api.get(f"{URL}{embargoed_today.pk}/")
    assert response.status_code == 200
    assert response.json()["effective_access"] == "public"
    assert titles(api.get(URL)) == ["Ends today"]


def test_an_embargo_holds_until_midnight_and_lifts_by_itself(api, staff_api, staff_user, embargoed_today, pub_clock):
    file = attach(embargoed_today, staff_user)
    pub_clock.set(datetime.datetime(2026, 3, 14, 23, 59, 59, tzinfo=datetime.UTC))
    assert api.get(f"{URL}{embargoed_today.pk}/").status_code == 404
    assert download(api, file)[0].status_code == 404
    assert api.get(URL).json()["count"] == 0
    assert staff_api.get(f"{URL}{embargoed_today.pk}/").json()["effective_access"] == "sponsors"

    pub_clock.set(datetime.datetime(2026, 3, 15, 0, 0, tzinfo=datetime.UTC))  # nothing else runs
    assert api.get(f"{URL}{embargoed_today.pk}/").json()["effective_access"] == "public"
    assert download(api, file)[0].status_code == 200
    assert api.get(URL).json()["count"] == 1


def test_a_future_embargo_keeps_a_public_publication_from_anonymous_callers_until_its_date(
    api, other_member_api, pub_make, pub_clock
):
    publication = pub_make(title="Soon public", access="public", embargo_until=datetime.date(2026, 4, 1))
    assert api.get(f"{URL}{publication.pk}/").status_code == 404
    assert other_member_api.get(f"{URL}{publication.pk}/").json()["effective_access"] == "members"
    pub_clock.set(datetime.datetime(2026, 4, 1, 8, 0, tzinfo=datetime.UTC))
    assert api.get(f"{URL}{publication.pk}/").json()["effective_access"] == "public"


# --- Authors, teams and sponsors of the linked tasks ---------------------------------------------------


def test_authors_who_are_persons_see_their_publication(student_api, student_user, pub_make):
    publication = pub_make(access="sponsors", authors=[{"person": student_user}, {"name": "B. Other"}])
    assert student_api.get(f"{URL}{publication.pk}/").status_code == 200
    other_student = factories.student(student_user.organisation)
    assert client_for(other_student).get(f"{URL}{publication.pk}/").status_code == 404


@pytest.mark.parametrize("relation", ["students", "liaisons"])
def test_the_team_of_a_linked_task_sees_it(relation, pub_make, pub_task, student_user):
    person = student_user if relation == "students" else factories.member(factories.OrganisationFactory())
    publication = pub_make(access="sponsors", tasks=[pub_task])
    assert client_for(person).get(f"{URL}{publication.pk}/").status_code == 404
    research_services.task_update(task=pub_task, **{relation: [person]})
    assert client_for(person).get(f"{URL}{publication.pk}/").status_code == 200


def test_sponsors_see_only_publications_of_the_tasks_they_sponsor(
    member_api, other_member_api, faculty_api, pub_other_faculty_api, pub_make, pub_other_task
):
    publication = pub_make(access="sponsors", tasks=[pub_other_task])
    unlinked = pub_make(access="sponsors")
    assert other_member_api.get(f"{URL}{publication.pk}/").status_code == 200  # its sponsor
    assert pub_other_faculty_api.get(f"{URL}{publication.pk}/").status_code == 200  # its PI
    assert member_api.get(f"{URL}{publication.pk}/").status_code == 404
    assert faculty_api.get(f"{URL}{publication.pk}/").status_code == 404
    for client in (member_api, other_member_api, faculty_api, pub_other_faculty_api):
        assert client.get(f"{URL}{unlinked.pk}/").status_code == 404


def test_an_inactive_sponsor_sees_public_publications_only(inactive_member_api, inactive_company, pub_make, pub_task):
    research_services.task_update(task=pub_task, sponsors=[inactive_company])
    sponsors_only = pub_make(access="sponsors", tasks=[pub_task])
    members_only = pub_make(access="members", tasks=[pub_task])
    public = pub_make(access="public", tasks=[pub_task])
    assert [inactive_member_api.get(f"{URL}{p.pk}/").status_code for p in (sponsors_only, members_only, public)] == [
        404,
        404,
        200,
    ]


def test_the_access_rule_takes_a_day(pub_make):
    pub_make(access="members", embargo_until=datetime.date(2026, 5, 1))
    visible_on = lambda day: Publication.objects.filter(access.visible(None, day)).exists()  # noqa: E731
    assert not visible_on(datetime.date(2026, 4, 30))
    assert visible_on(datetime.date(2026, 5, 1))
    assert access.today() == NOW.date()
