"""The publications demo data (api.publications.demo through `manage.py seed_demo`)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from api.core.audit.models import AuditEvent
from api.publications import demo
from api.publications.identifiers import normalise_doi, normalise_orcid
from api.publications.models import Author, Publication, PublicationFile

pytestmark = pytest.mark.django_db


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in (Publication, Author, PublicationFile, AuditEvent)}


@pytest.fixture
def seeded(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())
    return counts()


def test_a_second_run_creates_nothing(seeded, tmp_path):
    files = sorted(tmp_path.rglob("*"))
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert counts() == seeded
    assert sorted(tmp_path.rglob("*")) == files
    assert "created" not in out.getvalue()


def test_a_publication_is_matched_by_doi_or_by_title_and_year(seeded):
    with_doi = Publication.objects.exclude(doi=None).first()
    without_doi = Publication.objects.filter(doi=None).first()
    Publication.objects.filter(pk=with_doi.pk).update(title="Renamed by hand")  # still its DOI
    Publication.objects.filter(pk=without_doi.pk).update(venue="Changed by hand")  # still its title and year
    demo.seed(lambda line: None)
    assert counts() == seeded


def test_the_demo_has_every_kind_and_access_level_and_embargoes_both_ways(seeded):
    publications = list(Publication.objects.all())
    assert 250 <= len(publications) <= 400
    assert {p.kind for p in publications} == set(Publication.Kind.values)
    assert {p.access for p in publications} == set(Publication.Access.values)
    today = timezone.now().date()
    assert any(p.embargo_until and p.embargo_until > today for p in publications)
    assert any(p.embargo_until and p.embargo_until <= today for p in publications)
    assert all(p.embargo_reason for p in publications if p.embargo_until)
    with_doi = [p for p in publications if p.doi]
    assert len(with_doi) > len(publications) * 0.8
    assert all(normalise_doi(p.doi) == p.doi and p.doi.startswith("10.5555/wafer.") for p in with_doi)
    assert all(p.keywords and p.venue and p.abstract for p in publications)
    assert Publication.objects.filter(tasks__isnull=False).distinct().count() == len(publications)
    # Publications meant for sponsors are linked to a task that has sponsors.
    assert not Publication.objects.filter(access="sponsors", tasks__sponsors__isnull=True).exists()
    events = AuditEvent.objects.filter(target_type="publications.publication", action="create")
    assert events.count() == len(publications)
    assert set(events.values_list("via", "actor__email")) == {("command", "staff@wafer.example")}


def test_authors_mix_people_of_wafer_and_free_text_names_with_orcids(seeded):
    authors = list(Author.objects.select_related("person"))
    people = {a.person.role for a in authors if a.person is not None}
    assert people == {"faculty", "student"}
    assert any(a.person is None for a in authors)
    with_orcid = [a for a in authors if a.orcid]
    assert with_orcid and all(normalise_orcid(a.orcid) == a.orcid for a in with_orcid)
    assert all(a.name for a in authors)
    assert not Publication.objects.filter(authors__isnull=True).exists()
    for publication in Publication.objects.prefetch_related("authors")[:50]:
        positions = [a.position for a in publication.authors.all()]
        assert positions == list(range(1, len(positions) + 1))


def test_some_publications_have_small_real_pdfs(seeded, tmp_path):
    files = list(PublicationFile.objects.select_related("uploaded_by"))
    assert 40 <= len(files) <= 100
    for file in files:
        content = (tmp_path / file.file.name).read_bytes()
        assert content.startswith(b"%PDF-") and content.endswith(b"%%EOF\n")
        assert file.size == len(content) < 2000
        assert (file.content_type, file.original_name[-4:]) == ("application/pdf", ".pdf")
        assert file.uploaded_by.role in {"faculty", "staff"}


def test_without_the_research_demo_publications_are_public_with_free_text_authors(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    lines = []
    demo.seed(lines.append)
    assert Publication.objects.count() == demo.COUNT
    assert set(Publication.objects.values_list("access", flat=True)) == {"public"}
    assert not Author.objects.exclude(person=None).exists()
    assert not PublicationFile.objects.exists()  # no demo staff or PI to upload them
    assert lines == [f"created {demo.COUNT} publications (0 with a PDF), linked to 0 demo tasks"]
