"""Publications through the API: staff CRUD, validation, detail-view records, filters, ordering and
query counts. Who sees what is in test_access.py; files in test_files.py."""

import datetime

import pytest

from api.core.audit.models import AuditEvent
from api.publications.models import Author, Publication, PublicationView
from tests.publications.support import NOW, URL, attach, iso, titles

pytestmark = pytest.mark.django_db


def model_counts() -> tuple:
    return Publication.objects.count(), Author.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def payload(faculty_user, pub_task):
    return {
        "title": "  Stochastic defects in EUV resists ",
        "kind": "paper",
        "abstract": "Counting missing contacts.",
        "year": 2025,
        "published_on": "2025-06-01",
        "doi": "https://doi.org/10.1234/ABC",
        "keywords": ["EUV", "Resists", "euv", "  Stochastic   defects ", "RESISTS"],
        "venue": "J. Micro/Nanopatterning",
        "authors": [
            {"name": "Zoe Zeta", "orcid": "0000-0002-1825-0097"},
            {"person": faculty_user.pk},
            {"name": "Adam Alpha"},
        ],
        "tasks": [pub_task.pk],
        "access": "members",
        "embargo_until": "2026-06-30",
        "embargo_reason": "Patent filing pending.",
    }


def expected(publication, faculty_user, pub_task, **changes) -> dict:
    return {
        "id": publication.pk,
        "title": "Stochastic defects in EUV resists",
        "kind": "paper",
        "abstract": "Counting missing contacts.",
        "year": 2025,
        "published_on": "2025-06-01",
        "doi": "10.1234/abc",
        "doi_url": "https://doi.org/10.1234/abc",
        "keywords": ["euv", "resists", "stochastic defects"],
        "venue": "J. Micro/Nanopatterning",
        "authors": [
            {"position": 1, "name": "Zoe Zeta", "person": None, "orcid": "0000-0002-1825-0097"},
            {"position": 2, "name": faculty_user.full_name, "person": faculty_user.pk, "orcid": ""},
            {"position": 3, "name": "Adam Alpha", "person": None, "orcid": ""},
        ],
        "tasks": [{"id": pub_task.pk, "number": "3160.001", "title": "EUV resist outgassing"}],
        "access": "members",
        "embargo_until": "2026-06-30",
        "embargo_reason": "Patent filing pending.",
        "effective_access": "members",
        "files": [],
        "created_at": iso(publication.created_at),  # a model default: bound before the clock is frozen
        "updated_at": iso(NOW),
        **changes,
    }


# --- Create, read, update, delete (staff) ------------------------------------------------------------


def test_staff_create_a_publication_normalised_and_audited(staff_api, staff_user, payload, faculty_user, pub_task):
    response = staff_api.post(URL, payload, format="json")
    assert response.status_code == 201, response.json()
    publication = Publication.objects.get()
    assert response.json() == expected(publication, faculty_user, pub_task)
    assert staff_api.get(f"{URL}{publication.pk}/").json() == response.json()
    event = AuditEvent.objects.get(action="create", target_type="publications.publication")
    assert (event.actor_id, event.via, event.target_type, event.target_id) == (
        staff_user.pk,
        "session",
        "publications.publication",
        str(publication.pk),
    )
    assert event.changes["doi"] == "10.1234/abc"
    assert event.changes["authors"] == [
        ["Zoe Zeta", None, "0000-0002-1825-0097"],
        [faculty_user.full_name, faculty_user.pk, ""],
        ["Adam Alpha", None, ""],
    ]


def test_staff_update_a_publication(staff_api, payload, faculty_user, pub_task, pub_clock):
    publication_id = staff_api.post(URL, payload, format="json").json()["id"]
    later = datetime.datetime(2026, 3, 16, 9, 0, tzinfo=datetime.UTC)
    pub_clock.set(later)
    response = staff_api.patch(
        f"{URL}{publication_id}/",
        {
            "title": "Stochastic defects, revisited",
            "authors": [{"name": "Adam Alpha"}, {"person": faculty_user.pk, "orcid": "0000-0002-9079-593x"}],
            "embargo_until": None,
            "embargo_reason": "",
            "keywords": "Line edge roughness; EUV",
        },
        format="json",
    )
    assert response.status_code == 400  # keywords are a list in the API
    assert response.json()["fields"].keys() == {"keywords"}
    response = staff_api.patch(
        f"{URL}{publication_id}/",
        {
            "title": "Stochastic defects, revisited",
            "authors": [{"name": "Adam Alpha"}, {"person": faculty_user.pk, "orcid": "0000-0002-9079-593x"}],
            "embargo_until": None,
            "embargo_reason": "",
            "keywords": ["Line edge roughness", "EUV"],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    publication = Publication.objects.get()
    assert response.json() == expected(
        publication,
        faculty_user,
        pub_task,
        title="Stochastic defects, revisited",
        authors=[
            {"position": 1, "name": "Adam Alpha", "person": None, "orcid": ""},
            {"position": 2, "name": faculty_user.full_name, "person": faculty_user.pk, "orcid": "0000-0002-9079-593X"},
        ],
        keywords=["line edge roughness", "euv"],
        embargo_until=None,
        embargo_reason="",
        updated_at=iso(later),
    )
    event = AuditEvent.objects.get(action="update")
    assert event.changes == {
        "title": ["Stochastic defects in EUV resists", "Stochastic defects, revisited"],
        "keywords": ["euv; resists; stochastic defects", "line edge roughness; euv"],
        "embargo_until": ["2026-06-30", None],
        "embargo_reason": ["Patent filing pending.", ""],
        "authors": [
            [
                ["Zoe Zeta", None, "0000-0002-1825-0097"],
                [faculty_user.full_name, faculty_user.pk, ""],
                ["Adam Alpha", None, ""],
            ],
            [["Adam Alpha", None, ""], [faculty_user.full_name, faculty_user.pk, "0000-0002-9079-593X"]],
        ],
    }


def test_a_patch_without_authors_or_tasks_keeps_them(staff_api, payload, faculty_user, pub_task):
    publication_id = staff_api.post(URL, payload, format="json").json()["id"]
    response = staff_api.patch(f"{URL}{publication_id}/", {"venue": "SPIE"}, format="json")
    assert response.status_code == 200
    publication = Publication.objects.get()
    assert response.json() == expected(publication, faculty_user, pub_task, venue="SPIE")


def test_an_update_that_changes_nothing_is_not_audited(staff_api, payload):
    publication_id = staff_api.post(URL, payload, format="json").json()["id"]
    assert staff_api.patch(f"{URL}{publication_id}/", {"title": payload["title"]}, format="json").status_code == 200
    assert not AuditEvent.objects.filter(action="update").exists()


def test_staff_delete_a_publication(staff_api, staff_user, pub_make):
    publication = pub_make(authors=[{"name": "A"}, {"name": "B"}])
    response = staff_api.delete(f"{URL}{publication.pk}/")
    assert response.status_code == 204
    assert not Publication.objects.exists() and not Author.objects.exists()
    event = AuditEvent.objects.get(action="delete")
    assert (event.actor_id, event.target_id) == (staff_user.pk, str(publication.pk))
    assert staff_api.get(f"{URL}{publication.pk}/").status_code == 404


# --- Writes by others ------------------------------------------------------------------------------------


@pytest.fixture
def visible_and_hidden(pub_make, pub_task, pub_other_task):
    """`public` is visible to everyone; `hidden` (sponsors of pub_other_task) to none of the clients below."""
    return pub_make(title="Visible", access="public", tasks=[pub_task]), pub_make(
        title="Hidden", access="sponsors", tasks=[pub_other_task]
    )


NON_STAFF = ["member_api", "faculty_api", "student_api", "inactive_member_api"]


@pytest.mark.parametrize("client", NON_STAFF)
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_non_staff_writes_are_403_on_visible_rows_and_404_on_hidden_ones(
    request, client, method, visible_and_hidden, payload
):
    api = request.getfixturevalue(client)
    visible, hidden = visible_and_hidden
    before = model_counts()
    assert getattr(api, method)(f"{URL}{visible.pk}/", payload, format="json").status_code == 403
    assert getattr(api, method)(f"{URL}{hidden.pk}/", payload, format="json").status_code == 404
    assert model_counts() == before
    assert Publication.objects.get(pk=visible.pk).title == "Visible"


@pytest.mark.parametrize("client", NON_STAFF)
def test_non_staff_cannot_create(request, client, payload):
    assert request.getfixturevalue(client).post(URL, payload, format="json").status_code == 403
    assert not Publication.objects.exists()


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_anonymous_writes_are_401(api, method, visible_and_hidden, payload):
    visible, hidden = visible_and_hidden
    url = URL if method == "post" else f"{URL}{visible.pk}/"
    assert getattr(api, method)(url, payload, format="json").status_code == 401
    if method != "post":
        assert getattr(api, method)(f"{URL}{hidden.pk}/", payload, format="json").status_code == 401
    assert Publication.objects.count() == 2


def test_a_read_token_never_writes_even_for_staff(staff_user, make_token, payload):
    from tests.conftest import bearer

    _, raw = make_token(staff_user, scopes=["read"])
    response = bearer(raw).post(URL, payload, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    assert not Publication.objects.exists()


# --- Validation: 400 naming the field, nothing written -----------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"doi": "not-a-doi"}, "doi"),
        ({"doi": "https://doi.org/"}, "doi"),
        ({"doi": "10.12/too-short-prefix"}, "doi"),
        ({"authors": [{"name": "Zoe", "orcid": "0000-0002-1825-0098"}]}, "authors.0.orcid"),
        ({"authors": [{"name": "Ann"}, {"name": "Zoe", "orcid": "0000-0002-1825"}]}, "authors.1.orcid"),
        ({"authors": [{"name": ""}]}, "authors.0.name"),
        ({"authors": [{"person": 999999}]}, "authors.0.person"),
        ({"embargo_reason": ""}, "embargo_reason"),
        ({"embargo_reason": "   "}, "embargo_reason"),
        ({"embargo_until": None}, "embargo_reason"),  # a reason without an embargo
        ({"kind": "poem"}, "kind"),
        ({"access": "secret"}, "access"),
        ({"year": 1800}, "year"),
        ({"title": ""}, "title"),
        ({"tasks": [999999]}, "tasks"),
        ({"keywords": [f"{n}{'x' * 150}" for n in range(8)]}, "keywords"),
    ],
)
def test_invalid_input_is_400_naming_the_field_and_writes_nothing(staff_api, payload, changes, field):
    before = model_counts()
    response = staff_api.post(URL, {**payload, **changes}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["code"]) == (400, "invalid")
    assert field in body["fields"], body
    assert model_counts() == before


def test_a_duplicate_doi_is_400_whatever_its_case_or_form(staff_api, payload, pub_make):
    existing = pub_make(doi="10.1234/abc")
    before = model_counts()
    for doi in ("10.1234/ABC", "https://doi.org/10.1234/Abc", "doi:10.1234/abc"):
        response = staff_api.post(URL, {**payload, "doi": doi}, format="json")
        assert response.status_code == 400
        assert response.json()["fields"] == {"doi": ["Another publication has this DOI."]}
    other = pub_make(doi="10.1234/other")
    before = model_counts()
    response = staff_api.patch(f"{URL}{other.pk}/", {"doi": "10.1234/ABC"}, format="json")
    assert response.status_code == 400 and "doi" in response.json()["fields"]
    assert model_counts() == before
    assert Publication.objects.get(pk=other.pk).doi == "10.1234/other"
    # Its own DOI, in another case, is no duplicate.
    assert staff_api.patch(f"{URL}{existing.pk}/", {"doi": "10.1234/ABC"}, format="json").status_code == 200


def test_an_invalid_update_changes_nothing(staff_api, payload):
    publication_id = staff_api.post(URL, payload, format="json").json()["id"]
    before = (model_counts(), list(Author.objects.values_list("name", "position")))
    response = staff_api.patch(
        f"{URL}{publication_id}/",
        {"title": "Changed", "authors": [{"name": "New"}], "embargo_reason": ""},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["fields"].keys() == {"embargo_reason"}
    assert (model_counts(), list(Author.objects.values_list("name", "position"))) == before
    assert Publication.objects.get().title == "Stochastic defects in EUV resists"


def test_several_problems_are_reported_at_once(staff_api, payload):
    response = staff_api.post(
        URL,
        {**payload, "embargo_reason": "", "authors": [{"name": "Zoe", "orcid": "0000-0002-1825-0098"}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["fields"].keys() == {"embargo_reason", "authors.0.orcid"}


def test_without_a_doi_many_publications_coexist(staff_api, payload):
    for doi in (None, "", "  "):
        response = staff_api.post(URL, {**payload, "doi": doi, "title": f"No DOI {doi!r}"}, format="json")
        assert response.status_code == 201, response.json()
        assert (response.json()["doi"], response.json()["doi_url"]) == (None, None)


# --- Detail views are counted for signed-in people ---------------------------------------------------


def test_detail_views_by_signed_in_people_are_recorded_with_their_organisation(
    api, member_api, member_user, faculty_api, faculty_user, staff_api, staff_user, pub_make
):
    publication = pub_make(access="public")
    member_api.get(f"{URL}{publication.pk}/")
    faculty_api.get(f"{URL}{publication.pk}/")
    staff_api.get(f"{URL}{publication.pk}/")
    api.get(f"{URL}{publication.pk}/")  # anonymous: not counted
    member_api.get(URL)  # lists are not views
    assert set(PublicationView.objects.values_list("publication_id", "user_id", "organisation_id")) == {
        (publication.pk, member_user.pk, member_user.organisation_id),
        (publication.pk, faculty_user.pk, faculty_user.organisation_id),
        (publication.pk, staff_user.pk, None),
    }
    assert PublicationView.objects.count() == 3


def test_anonymous_views_and_404s_record_nothing(api, other_member_api, pub_make, pub_task):
    publication = pub_make(access="public")
    hidden = pub_make(access="sponsors", tasks=[pub_task])
    assert api.get(f"{URL}{publication.pk}/").status_code == 200
    assert other_member_api.get(f"{URL}{hidden.pk}/").status_code == 404
    assert not PublicationView.objects.exists()


# --- Filters: each with a matching and a non-matching row --------------------------------------------------


@pytest.fixture
def two(pub_make, pub_task, pub_other_task, faculty_user, staff_user):
    first = pub_make(
        title="Resist outgassing",
        kind="paper",
        access="public",
        year=2020,
        abstract="Hydrogen under EUV light.",
        keywords=["EUV", "Outgassing"],
        tasks=[pub_task],
        authors=[{"person": faculty_user}, {"name": "Ravi Menon"}],
    )
    attach(first, staff_user)
    second = pub_make(
        title="Panel warpage",
        kind="thesis",
        access="members",
        year=2024,
        abstract="Why panels bend.",
        keywords=["packaging"],
        tasks=[pub_other_task],
        authors=[{"name": "Ngozi Eze"}],
    )
    return first, second


FILTERS = [
    ({"kind": "paper"}, ["Resist outgassing"]),
    ({"kind": "thesis"}, ["Panel warpage"]),
    ({"access": "public"}, ["Resist outgassing"]),
    ({"access": "members"}, ["Panel warpage"]),
    ({"year_from": 2021}, ["Panel warpage"]),
    ({"year_from": 2020}, ["Panel warpage", "Resist outgassing"]),
    ({"year_to": 2021}, ["Resist outgassing"]),
    ({"year_to": 2019}, []),
    ({"year_from": 2020, "year_to": 2020}, ["Resist outgassing"]),
    ({"task": "pub_task"}, ["Resist outgassing"]),
    ({"task": "pub_other_task"}, ["Panel warpage"]),
    ({"program": "pub_program"}, ["Resist outgassing"]),
    ({"program": "pub_other_program"}, ["Panel warpage"]),
    ({"author": "faculty_user"}, ["Resist outgassing"]),
    ({"author": "staff_user"}, []),
    ({"author_name": "eze"}, ["Panel warpage"]),
    ({"author_name": "MENON"}, ["Resist outgassing"]),
    ({"has_file": "true"}, ["Resist outgassing"]),
    ({"has_file": "false"}, ["Panel warpage"]),
    ({"q": "outgassing"}, ["Resist outgassing"]),  # title (and keyword)
    ({"q": "bend"}, ["Panel warpage"]),  # abstract
    ({"q": "hydrogen"}, ["Resist outgassing"]),  # abstract
    ({"q": "PACKAGING"}, ["Panel warpage"]),  # keyword only
    ({"q": "ngozi"}, ["Panel warpage"]),  # an author's name only
    ({"q": "ravi euv"}, ["Resist outgassing"]),  # every word must match
    ({"q": "warpage hydrogen"}, []),
]


@pytest.mark.parametrize(("params", "matches"), FILTERS, ids=lambda v: str(v))
def test_filters(request, staff_api, two, params, matches):
    params = {
        key: request.getfixturevalue(value).pk if key in {"task", "program", "author"} else value
        for key, value in params.items()
    }
    response = staff_api.get(URL, params)
    assert response.status_code == 200, response.json()
    assert sorted(titles(response)) == matches
    assert response.json()["count"] == len(matches)


@pytest.mark.parametrize(
    "params",
    [{"kind": "poem"}, {"access": "secret"}, {"year_from": "soon"}, {"task": "x"}, {"has_file": "maybe"}],
)
def test_invalid_filter_values_are_400(staff_api, params):
    response = staff_api.get(URL, params)
    assert response.status_code == 400
    assert set(response.json()["fields"]) == set(params)


def test_filters_never_reveal_hidden_rows(other_member_api, pub_make, pub_task):
    pub_make(title="Sponsors only", access="sponsors", tasks=[pub_task], keywords=["secret"])
    for params in ({"q": "secret"}, {"task": pub_task.pk}, {"access": "sponsors"}):
        assert other_member_api.get(URL, params).json()["count"] == 0


# --- Ordering ---------------------------------------------------------------------------------------------


@pytest.fixture
def three(pub_make):
    pub_make(title="Beta", year=2021, published_on=datetime.date(2021, 3, 1))
    pub_make(title="Alpha", year=2023, published_on=datetime.date(2023, 1, 1))
    pub_make(title="Gamma", year=2022, published_on=datetime.date(2020, 5, 1))


@pytest.mark.parametrize(
    ("ordering", "order"),
    [
        (None, ["Alpha", "Gamma", "Beta"]),  # newest year first, then title
        ("year", ["Beta", "Gamma", "Alpha"]),
        ("-year", ["Alpha", "Gamma", "Beta"]),
        ("title", ["Alpha", "Beta", "Gamma"]),
        ("-title", ["Gamma", "Beta", "Alpha"]),
        ("published_on", ["Gamma", "Beta", "Alpha"]),
        ("-published_on", ["Alpha", "Beta", "Gamma"]),
    ],
)
def test_ordering(api, three, ordering, order):
    response = api.get(URL, {"ordering": ordering} if ordering else {})
    assert titles(response) == order


def test_equal_years_page_in_a_total_order(api, pub_make):
    for _ in range(5):
        pub_make(title="Same", year=2024)
    first = api.get(URL, {"ordering": "year", "page_size": 2}).json()
    second = api.get(URL, {"ordering": "year", "page_size": 2, "page": 2}).json()
    third = api.get(URL, {"ordering": "year", "page_size": 2, "page": 3}).json()
    ids = [row["id"] for page in (first, second, third) for row in page["results"]]
    assert ids == sorted(ids) and len(ids) == 5


# --- Query counts ---------------------------------------------------------------------------------------------


def rich(pub_make, n, task, person, staff_user):
    publication = pub_make(
        title=f"Rich {n:02d}",
        access="members",
        tasks=[task],
        keywords=["euv"],
        authors=[{"person": person}, {"name": "Free Name", "orcid": "0000-0002-1825-0097"}],
    )
    attach(publication, staff_user)


@pytest.mark.parametrize("client", ["api", "member_api"])
def test_list_query_count_does_not_grow_with_rows(
    request, client, pub_make, pub_task, faculty_user, staff_user, count_queries, django_assert_max_num_queries
):
    api = request.getfixturevalue(client)
    visible = 1 if client == "member_api" else 0
    pub_make(title="Open", access="public")
    rich(pub_make, 0, pub_task, faculty_user, staff_user)
    with count_queries() as one:
        assert api.get(URL, {"page_size": 100}).json()["count"] == 1 + visible
    for n in range(1, 40):
        rich(pub_make, n, pub_task, faculty_user, staff_user)
    with django_assert_max_num_queries(len(one)):
        assert api.get(URL, {"page_size": 100}).json()["count"] == 1 + 40 * visible


@pytest.mark.parametrize("name", ["year_from", "year_to"])
def test_a_year_is_a_whole_number(api, db, name):
    # Found by the contract fuzzer: `?year_to=0.5` answered 200; the contract says integer.
    response = api.get(URL, {name: "2020.5"})
    assert response.status_code == 400 and list(response.json()["fields"]) == [name]
    assert api.get(URL, {name: "2020"}).status_code == 200
