"""`q` on publications: word prefixes through the SearchWord index (api.publications.search), kept
up to date by the services in the write's transaction."""

import datetime
import importlib
import io
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.publications import access, search, services
from api.publications.models import SearchWord
from tests.publications.support import FUTURE, PAST, TODAY, URL


def found(api, q, **params) -> list[str]:
    response = api.get(URL, {"q": q, **params})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["count"] == len(body["results"]) or body["next"]
    return sorted(row["title"] for row in body["results"])


def stored_words() -> set[tuple[int, str, datetime.date | None]]:
    return set(SearchWord.objects.values_list("publication_id", "word", "public_from"))


# --- Words ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("EUV Resist outgassing", {"euv", "resist", "outgassing"}),
        ("José MÜLLER-Łukasz", {"jose", "muller", "łukasz"}),  # accents go; Ł is a letter of its own
        ("Straße ﬁnfet", {"strasse", "finfet"}),  # casefold and compatibility forms
        ("3160.001 snake_case (n=42)", {"3160", "001", "snake", "case", "n", "42"}),
        ("— ... ;", set()),
        ("x" * 55, {"x" * 40}),
    ],
)
def test_words_of_fold_and_split(text, words):
    assert search.words_of(text) == words


def test_query_words_are_folded_unique_in_order_and_at_most_eight():
    assert search.query_words("Résist EUV resist") == ["resist", "euv"]
    assert search.query_words("a b c d e f g h i j") == list("abcdefgh")
    assert search.query_words(" -- ") == []


# --- Matching through the API ----------------------------------------------------------------------------


@pytest.fixture
def papers(pub_make):
    return {
        "photo": pub_make(title="Photolithography of EUV masks", abstract="Stochastic defects."),
        "litho": pub_make(
            title="Lithography basics", keywords=["patterning"], authors=[{"name": "José Müller"}, {"name": "Ada Li"}]
        ),
        "other": pub_make(title="Wafer bonding", abstract="Hybrid bonding at 200 °C; résistance measured."),
    }


@pytest.mark.parametrize(
    ("q", "titles"),
    [
        ("lith", ["Lithography basics"]),  # the start of a word, not any part of one
        ("photolith", ["Photolithography of EUV masks"]),
        ("LITHOGRAPHY", ["Lithography basics"]),
        ("muller", ["Lithography basics"]),  # an author's name, accents ignored
        ("MÜLLER", ["Lithography basics"]),
        ("pattern", ["Lithography basics"]),  # a keyword
        ("stochastic euv", ["Photolithography of EUV masks"]),  # every word, in any field
        ("stochastic bonding", []),
        ("resistance", ["Wafer bonding"]),  # "résistance" in the abstract
        ("200", ["Wafer bonding"]),
        ("lith, basics!", ["Lithography basics"]),  # punctuation separates words
        ("—", []),  # no letter or digit: nothing matches
    ],
)
def test_every_word_of_q_starts_a_word_of_the_publication(api, papers, q, titles):
    assert found(api, q) == titles


def test_search_keeps_the_list_order_and_pages(api, pub_make):
    for year, title in [(2021, "Bonding A"), (2024, "Bonding C"), (2024, "Bonding B"), (2023, "Etching")]:
        pub_make(title=title, year=year)
    first = api.get(URL, {"q": "bond", "page_size": 2}).json()
    second = api.get(URL, {"q": "bond", "page_size": 2, "page": 2}).json()
    assert first["count"] == 3
    assert [r["title"] for r in first["results"] + second["results"]] == ["Bonding B", "Bonding C", "Bonding A"]


def test_search_never_reveals_what_the_caller_may_not_see(api, member_api, pub_make):
    pub_make(title="Members-only bonding", access="members")
    pub_make(title="Public bonding")
    assert found(api, "bonding") == ["Public bonding"]
    assert found(member_api, "bonding") == ["Members-only bonding", "Public bonding"]


def test_search_costs_the_same_queries_for_any_page_size(api, pub_make, django_assert_max_num_queries):
    for n in range(30):
        pub_make(title=f"Bonding study {n}", authors=[{"name": f"Author {n}"}, {"name": "Kim Lee"}])
    with CaptureQueriesContext(connection) as one:
        assert api.get(URL, {"q": "bonding kim", "page_size": 1, "nocache": "a"}).json()["count"] == 30
    with django_assert_max_num_queries(len(one)):
        assert len(api.get(URL, {"q": "bonding kim", "page_size": 30, "nocache": "b"}).json()["results"]) == 30


@pytest.mark.parametrize(
    "params",
    [
        {"q": "bond"},  # several words of one publication start with it: counted once
        {"q": "bond wafer"},
        {"q": "BOND", "kind": "paper"},
        {"q": "bond", "year_from": "2024"},
        {"q": "bond", "has_file": "false", "ordering": "title"},
        {"q": "zzz"},
        {"q": "—"},
        {"q": "bond", "q2": "ignored"},
    ],
)
def test_a_search_s_count_is_the_number_of_publications_it_finds(api, member_api, staff_api, pub_make, params):
    pub_make(title="Bonding, bonded and bond strength", abstract="Wafer bonds.", year=2024)
    pub_make(title="Bonding for members", access="members", year=2023)
    pub_make(title="Bond report", kind="report", year=2025, abstract="wafer")
    pub_make(title="Embargoed bonding", embargo_until=datetime.date(2030, 1, 1), year=2024)
    pub_make(title="Sponsors' bonding, embargo over", access="sponsors", embargo_until=PAST, year=2022)
    pub_make(title="Etching", year=2024)
    for client in (api, member_api, staff_api):
        body = client.get(URL, {**params, "page_size": 100}).json()
        assert body["count"] == len(body["results"])
        assert body["count"] == search.matching(_visible_to(client), params["q"]).filter(**_filters(params)).count()


def _visible_to(client):
    from api.publications.selectors import publication_list

    return publication_list(viewer=client.handler._force_user or AnonymousUser())


def _filters(params) -> dict:
    known = {"kind": "kind", "year_from": "year__gte"}
    return {known[name]: value for name, value in params.items() if name in known}


def _count_sql(client, params) -> str:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, params).json()["count"] == 1
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "DISTINCT" in counts[0].upper()
    return counts[0]


def test_the_count_is_read_from_the_words_side(api, member_api, pub_make):
    pub_make(title="Bonding", year=2024)
    pub_make(title="Bonding for members", access="members")
    assert "publications_publication" not in _count_sql(api, {"q": "bond"})  # a visitor's: the words alone
    assert "publications_publication" in _count_sql(api, {"q": "bond", "year_from": "2024"})
    assert "publications_publication" in _count_sql(member_api, {"q": "members bond"})


# --- The day a publication's words become public -------------------------------------------------------


@pytest.mark.parametrize("level", ["public", "members", "sponsors"])
@pytest.mark.parametrize("embargo", [None, PAST, TODAY, FUTURE])
def test_the_words_public_from_day_is_the_day_public_on_starts_to_hold(level, embargo):
    day = access.public_from(level, embargo)
    for on in (datetime.date.min, PAST - datetime.timedelta(days=1), PAST, TODAY, FUTURE, datetime.date.max):
        holds = (embargo is not None and embargo <= on) or (embargo is None and level == "public")
        assert (day is not None and day <= on) == holds, on


def test_the_day_follows_every_change_of_access_and_embargo(api, pub_make, pub_clock):
    publication = pub_make(title="Plasma etching", access="members")

    def days():
        return set(SearchWord.objects.filter(publication=publication).values_list("public_from", flat=True))

    assert days() == {None} and found(api, "plasma") == []
    services.publication_update(publication=publication, access="public")
    assert days() == {datetime.date.min} and found(api, "plasma") == ["Plasma etching"]
    services.publication_update(publication=publication, embargo_until=FUTURE, embargo_reason="Patent")
    assert days() == {FUTURE} and found(api, "plasma") == []
    services.publication_update(publication=publication, title="Plasma cleaning", access="sponsors")
    assert days() == {FUTURE} and found(api, "cleaning", n="1") == []
    pub_clock.set(pub_clock() + (FUTURE - TODAY))
    assert found(api, "cleaning") == ["Plasma cleaning"]


def test_the_migration_gives_the_stored_words_their_day(pub_make):
    from django.apps import apps

    migration = importlib.import_module("api.publications.migrations.0008_search_words_public_from")
    pub_make(title="Plasma etching")
    pub_make(title="Members' etching", access="members")
    pub_make(title="Embargoed etching", embargo_until=FUTURE, embargo_reason="Patent")
    written_by_services = stored_words()
    SearchWord.objects.update(public_from=None)
    migration.fill_public_from(apps, SimpleNamespace(connection=connection))
    assert stored_words() == written_by_services
    assert {day for _, _, day in written_by_services} == {None, datetime.date.min, FUTURE}


# --- The index follows every write ---------------------------------------------------------------------


def test_an_update_replaces_the_old_words(api, pub_make):
    publication = pub_make(title="Plasma etching", authors=[{"name": "Ngozi Eze"}])
    services.publication_update(publication=publication, title="Wet cleaning")
    assert found(api, "plasma") == []
    assert found(api, "cleaning") == ["Wet cleaning"]
    assert found(api, "ngozi") == ["Wet cleaning"]  # authors not given: kept, and still found
    services.publication_update(publication=publication, authors=[{"name": "Ravi Menon"}])
    assert found(api, "ngozi") == []
    assert found(api, "ravi") == ["Wet cleaning"]


def test_a_delete_takes_the_words_along(pub_make):
    publication = pub_make(title="Plasma etching")
    assert SearchWord.objects.filter(publication=publication).exists()
    services.publication_delete(publication=publication)
    assert not SearchWord.objects.exists()


def test_a_rolled_back_write_leaves_the_words_as_they_were(pub_make, monkeypatch):
    publication = pub_make(title="Plasma etching")
    before = stored_words()

    def fail(**kwargs):  # the audit record is written after the words
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services, "audit_record", fail)
    with pytest.raises(RuntimeError):
        services.publication_update(publication=publication, title="Wet cleaning", authors=[{"name": "Ada Li"}])
    assert stored_words() == before


def test_rebuild_and_the_command_write_what_the_services_wrote(pub_make):
    pub_make(title="Plasma etching", abstract="Ions, radicals; ions again.", authors=[{"name": "Ada Li"}])
    pub_make(title="Embargoed etching", access="sponsors", embargo_until=FUTURE, embargo_reason="Patent")
    pub_make(title="Wafer bonding", keywords=["hybrid", "bonding"])
    written_by_services = stored_words()
    SearchWord.objects.all().delete()
    assert search.rebuild() == len(written_by_services)
    assert stored_words() == written_by_services
    SearchWord.objects.all().delete()
    call_command("publications_reindex", stdout=io.StringIO())
    assert stored_words() == written_by_services


def test_imported_publications_are_found(staff_api, pub_clock):
    bibtex = b"@article{k1, title={Hybrid bonding yield}, author={Eze, Ngozi}, year={2024}, journal={J}}"
    upload = SimpleUploadedFile("refs.bib", bibtex, content_type="application/x-bibtex")
    response = staff_api.post("/api/v1/publications/import/", {"file": upload}, format="multipart")
    assert response.status_code in (200, 201), response.json()
    assert found(staff_api, "hybrid ngozi") == ["Hybrid bonding yield"]
