"""The admin writes publications through the services (normalised, validated, audited)."""

import pytest

from api.core.audit.models import AuditEvent
from api.publications.models import Publication, PublicationView
from tests.publications.support import attach

pytestmark = pytest.mark.django_db
ADD = "/admin/publications/publication/add/"


@pytest.fixture
def staff_browser(client, staff_user):
    client.force_login(staff_user)
    return client


def form(authors=0, files=0, **changes) -> dict:
    """The change form's fields, with the read-only inlines' management forms (existing rows counted)."""
    return {
        "authors-TOTAL_FORMS": str(authors),
        "authors-INITIAL_FORMS": str(authors),
        "files-TOTAL_FORMS": str(files),
        "files-INITIAL_FORMS": str(files),
        "title": "Resist outgassing",
        "kind": "paper",
        "abstract": "",
        "year": "2025",
        "published_on": "",
        "doi": "https://doi.org/10.1234/ABC",
        "keywords": "EUV, Resists; euv",
        "venue": "",
        "access": "members",
        "embargo_until": "",
        "embargo_reason": "",
        **changes,
    }


def test_adding_a_publication_goes_through_the_service(staff_browser, pub_task):
    response = staff_browser.post(ADD, form(tasks=[pub_task.pk]))
    assert response.status_code == 302, response.content.decode()[:3000]
    publication = Publication.objects.get()
    assert (publication.doi, publication.keywords, list(publication.tasks.all())) == (
        "10.1234/abc",
        "euv; resists",
        [pub_task],
    )
    event = AuditEvent.objects.get(action="create", target_type="publications.publication")
    assert event.via == "admin" and event.changes["tasks"] == [pub_task.pk]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"doi": "not-a-doi"}, "Enter a DOI"),
        ({"doi": "10.1234/OLD"}, "Another publication has this DOI."),
        ({"embargo_until": "2026-06-30"}, "An embargo needs a reason."),
        ({"embargo_reason": "Why not"}, "There is no embargo to give a reason for."),
    ],
)
def test_the_admin_shows_the_services_errors_and_saves_nothing(staff_browser, pub_make, changes, message):
    pub_make(doi="10.1234/old")
    before = (Publication.objects.count(), AuditEvent.objects.count())
    response = staff_browser.post(ADD, form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (Publication.objects.count(), AuditEvent.objects.count()) == before


def test_changing_a_publication_keeps_its_authors_and_is_audited(staff_browser, pub_make, staff_user):
    publication = pub_make(title="Old title", authors=[{"name": "Ann"}, {"name": "Bob"}])
    attach(publication, staff_user)
    page = staff_browser.get(f"/admin/publications/publication/{publication.pk}/change/")
    assert page.status_code == 200 and "Bob" in page.content.decode() and "paper.pdf" in page.content.decode()
    response = staff_browser.post(
        f"/admin/publications/publication/{publication.pk}/change/",
        form(authors=2, files=1, title="New title", doi="", keywords="", access="public"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    publication.refresh_from_db()
    assert publication.title == "New title"
    assert list(publication.authors.values_list("name", flat=True)) == ["Ann", "Bob"]
    assert publication.files.count() == 1
    event = AuditEvent.objects.get(action="update", target_type="publications.publication")
    assert event.via == "admin" and event.changes["title"] == ["Old title", "New title"]


def test_deleting_in_the_admin_goes_through_the_service(staff_browser, pub_make, staff_user):
    publication = pub_make()
    attach(publication, staff_user)
    response = staff_browser.post(f"/admin/publications/publication/{publication.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Publication.objects.exists()
    assert AuditEvent.objects.get(action="delete", target_type="publications.publication").via == "admin"


def test_publication_views_are_read_only(staff_browser, member_api, pub_make):
    publication = pub_make()
    member_api.get(f"/api/v1/publications/{publication.pk}/")
    view = PublicationView.objects.get()
    assert staff_browser.get("/admin/publications/publicationview/").status_code == 200
    assert staff_browser.get(f"/admin/publications/publicationview/{view.pk}/change/").status_code == 200
    assert staff_browser.get("/admin/publications/publicationview/add/").status_code == 403
    staff_browser.post(f"/admin/publications/publicationview/{view.pk}/delete/", {"post": "yes"})
    assert PublicationView.objects.exists()
