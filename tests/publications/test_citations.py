"""Citation export: every format read back by an independent parser, hostile text, access, filters,
the export cap and query counts."""

import datetime
import json
import re

import pytest
import rispy
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pybtex.database import parse_string
from pylatexenc import latex2text

from api.publications import citations, services
from api.publications.models import Publication
from api.publications.views import citations as citation_views
from tests import factories

pytestmark = pytest.mark.django_db

EXPORT = "/api/v1/publications/export/"
HOSTILE = (
    'A {weird} "title" with 50% \\ back\\slash, & ampersand, $math$, under_score, #hash, ~tilde, ^caret and "quotes"'
)
ACCENTS = "Über die Ätzrate \u2013 naïve café"  # an en dash
NEWLINES = "Line one\nline two"
CONTENT_TYPES = {
    "bibtex": "application/x-bibtex; charset=utf-8",
    "ris": "application/x-research-info-systems; charset=utf-8",
    "csl-json": "application/vnd.citationstyles.csl+json",
}
EXTENSIONS = {"bibtex": "bib", "ris": "ris", "csl-json": "json"}


def citation_url(publication) -> str:
    return f"/api/v1/publications/{publication.pk}/citation/"


def make(title="Wafer bonding at low temperature", *, authors=None, **fields) -> Publication:
    fields = {"kind": "paper", "year": 2021, "access": "public", **fields}
    authors = [{"name": "Ada Lovelace"}] if authors is None else authors
    return services.publication_create(title=title, authors=authors, **fields)


@pytest.fixture
def beethoven():
    return factories.UserFactory(given_name="Ludwig", family_name="van Beethoven")


@pytest.fixture
def hostile(beethoven):
    """Hostile text everywhere, and every kind of author name."""
    return make(
        HOSTILE,
        authors=[
            {"person": beethoven, "orcid": "0000-0002-1825-0097"},  # a person: "Ludwig van Beethoven"
            {"name": "Grace Hopper"},
            {"name": "Plato"},  # a single word
            {"name": "Jean de la Fontaine"},  # comma-free particles
            {"name": "Curie, Marie"},
            {"name": "Research and Development Lab"},  # "and" would split it: kept whole
            {"name": "Ángel Müller-Ñúñez"},
        ],
        year=2021,
        published_on=datetime.date(2021, 6, 15),
        doi="https://doi.org/10.1234/Wafer_2021.001",
        venue="Journal of {Odd} & Co. 100%",
        keywords="etching; wafer_bonding",
        abstract="First line\nsecond line with % and {braces}",
    )


# The names as BibTeX reads them: (first, von, last).
HOSTILE_AUTHORS = [
    ("Ludwig", "van", "Beethoven"),
    ("Grace", "", "Hopper"),
    ("", "", "Plato"),
    ("Jean", "de la", "Fontaine"),
    ("Marie", "", "Curie"),
    ("", "", "{Research and Development Lab}"),
    ("Ángel", "", "Müller-Ñúñez"),
]


# --- Independent readers ---------------------------------------------------------------------


def latex_to_text(value: str) -> str:
    """LaTeX to plain text with pylatexenc, plus the textcomp symbols it does not know."""
    context = latex2text.get_default_latex_context_db()
    context.add_context_category(
        "textcomp",
        prepend=True,
        macros=[
            latex2text.MacroTextSpec("textbraceleft", "{"),
            latex2text.MacroTextSpec("textbraceright", "}"),
            latex2text.MacroTextSpec("textasciicircum", "^"),
        ],
    )
    return latex2text.LatexNodes2Text(latex_context=context, math_mode="verbatim").latex_to_text(value)


def unprotect(value: str) -> str:
    """The title without the braces that protect its capitalisation."""
    assert value.startswith("{") and value.endswith("}"), value
    return value[1:-1]


def read_bibtex(text: str):
    return parse_string(text, "bibtex").entries


def name_parts(person) -> tuple[str, str, str]:
    return (
        " ".join(person.first_names + person.middle_names),
        " ".join(person.prelast_names),
        " ".join(person.last_names),
    )


def ris_lines(text: str) -> list[tuple[str, str]]:
    """A tiny RIS reader: every line is `XX  - value`, records end with `ER  - `."""
    pairs = []
    for line in text.split("\r\n"):
        if not line:
            continue
        match = re.fullmatch(r"([A-Z][A-Z0-9])  - (.*)", line)
        assert match, f"not an RIS line: {line!r}"
        pairs.append(match.groups())
    return pairs


# --- Pure functions -------------------------------------------------------------------------------


@pytest.mark.parametrize("title", [HOSTILE, ACCENTS, NEWLINES])
def test_bibtex_titles_read_back_unchanged(title):
    publication = make(title)
    entry = next(iter(read_bibtex(citations.to_bibtex([publication])).values()))
    assert latex_to_text(unprotect(entry.fields["title"])) == citations.fold(title)
    assert "\n" not in entry.fields["title"]


def test_bibtex_reads_back_with_pybtex(hostile):
    text = citations.to_bibtex([hostile])
    entries = read_bibtex(text)
    assert list(entries) == ["vanbeethoven2021weird"]
    entry = entries["vanbeethoven2021weird"]
    assert entry.type == "article"
    assert latex_to_text(unprotect(entry.fields["title"])) == HOSTILE
    assert [name_parts(person) for person in entry.persons["author"]] == HOSTILE_AUTHORS
    assert entry.fields["year"] == "2021"
    assert entry.fields["month"] == "June"
    assert entry.fields["doi"] == "10.1234/wafer_2021.001"
    assert latex_to_text(entry.fields["journal"]) == "Journal of {Odd} & Co. 100%"
    assert latex_to_text(entry.fields["keywords"]) == "etching, wafer_bonding"
    assert latex_to_text(entry.fields["abstract"]) == "First line second line with % and {braces}"
    # UTF-8 is kept, not turned into LaTeX accents.
    assert "Müller-Ñúñez, Ángel" in text


@pytest.mark.parametrize(
    ("kind", "entry_type", "venue_field"),
    [
        ("paper", "article", "journal"),
        ("report", "techreport", "institution"),
        ("thesis", "phdthesis", "school"),
        ("presentation", "misc", "howpublished"),
        ("patent", "misc", "howpublished"),
        ("other", "misc", "howpublished"),
    ],
)
def test_bibtex_entry_types(kind, entry_type, venue_field):
    publication = make(kind=kind, venue="Westbridge")
    entry = next(iter(read_bibtex(citations.to_bibtex([publication])).values()))
    assert entry.type == entry_type
    assert entry.fields[venue_field] == "Westbridge"
    assert (entry.fields.get("note") == "Patent") is (kind == "patent")


def test_ris_reads_back_with_rispy_and_line_by_line(hostile):
    text = citations.to_ris([hostile, make(NEWLINES, kind="presentation", authors=[])])
    records = rispy.loads(text)
    assert len(records) == 2
    first, second = records
    assert first["type_of_reference"] == "JOUR"
    assert first["id"] == "vanbeethoven2021weird"
    assert first["title"] == HOSTILE
    assert first["authors"] == [
        "van Beethoven, Ludwig",
        "Hopper, Grace",
        "Plato",
        "de la Fontaine, Jean",
        "Curie, Marie",
        "Research and Development Lab",
        "Müller-Ñúñez, Ángel",
    ]
    assert first["year"] == "2021"
    assert first["date"] == "2021/06/15/"
    assert first["doi"] == "10.1234/wafer_2021.001"
    assert first["urls"] == ["https://doi.org/10.1234/wafer_2021.001"]
    assert first["journal_name"] == first["secondary_title"] == "Journal of {Odd} & Co. 100%"
    assert first["keywords"] == ["etching", "wafer_bonding"]
    assert first["abstract"] == "First line second line with % and {braces}"
    assert second["type_of_reference"] == "SLIDE"
    assert second["title"] == "Line one line two"
    assert "authors" not in second

    pairs = ris_lines(text)
    assert [tag for tag, _ in pairs].count("TY") == [tag for tag, _ in pairs].count("ER") == 2
    assert pairs[0] == ("TY", "JOUR") and pairs[-1] == ("ER", "")
    assert [value for tag, value in pairs if tag == "AU"][:3] == ["van Beethoven, Ludwig", "Hopper, Grace", "Plato"]
    assert ("TI", "Line one line two") in pairs


@pytest.mark.parametrize(
    ("kind", "ris_type", "csl_type"),
    [
        ("paper", "JOUR", "article-journal"),
        ("report", "RPRT", "report"),
        ("thesis", "THES", "thesis"),
        ("presentation", "SLIDE", "speech"),
        ("patent", "PAT", "patent"),
        ("other", "GEN", "document"),
    ],
)
def test_ris_and_csl_types(kind, ris_type, csl_type):
    publication = make(kind=kind)
    assert rispy.loads(citations.to_ris([publication]))[0]["type_of_reference"] == ris_type
    assert json.loads(citations.to_csl_json([publication]))[0]["type"] == csl_type


def test_csl_json(hostile):
    plain = make(ACCENTS, kind="thesis", year=2019, venue="University of Westbridge", authors=[{"name": "Plato"}])
    items = json.loads(citations.to_csl_json([hostile, plain]))
    assert items == [
        {
            "id": "vanbeethoven2021weird",
            "type": "article-journal",
            "title": HOSTILE,
            "author": [
                {"family": "van Beethoven", "given": "Ludwig"},
                {"family": "Hopper", "given": "Grace"},
                {"family": "Plato"},
                {"family": "de la Fontaine", "given": "Jean"},
                {"family": "Curie", "given": "Marie"},
                {"literal": "Research and Development Lab"},
                {"family": "Müller-Ñúñez", "given": "Ángel"},
            ],
            "issued": {"date-parts": [[2021, 6, 15]]},
            "container-title": "Journal of {Odd} & Co. 100%",
            "DOI": "10.1234/wafer_2021.001",
            "URL": "https://doi.org/10.1234/wafer_2021.001",
            "keyword": "etching, wafer_bonding",
            "abstract": "First line\nsecond line with % and {braces}",
        },
        {
            "id": "plato2019uber",
            "type": "thesis",
            "title": ACCENTS,
            "author": [{"family": "Plato"}],
            "issued": {"date-parts": [[2019]]},
            "publisher": "University of Westbridge",
        },
    ]


def test_citation_keys_are_ascii_and_unique_within_one_export():
    same = [make("The Wafer story", authors=[{"name": "Zoë Ñandú"}]) for _ in range(3)]
    other = make("12 wafers", authors=[])
    org = make("Über", authors=[{"name": "Lab & Co 2"}], year=1999)
    assert citations.citation_keys([*same, other, org]) == [
        "nandu2021wafer",
        "nandu2021wafera",
        "nandu2021waferb",
        "anon202112",
        "lab1999uber",
    ]
    assert citations.citation_keys([same[1]]) == ["nandu2021wafer"]  # the same key each time, alone
    entries = read_bibtex(citations.to_bibtex(same))
    assert list(entries) == ["nandu2021wafer", "nandu2021wafera", "nandu2021waferb"]


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("Grace Hopper", citations.Name(family="Hopper", given="Grace")),
        ("J. R. R. Tolkien", citations.Name(family="Tolkien", given="J. R. R.")),
        ("Ludwig van Beethoven", citations.Name(family="van Beethoven", given="Ludwig")),
        ("de Gaulle", citations.Name(family="de Gaulle")),
        ("Plato", citations.Name(family="Plato")),
        ("  Curie ,\nMarie ", citations.Name(family="Curie", given="Marie")),
        ("O\u2019Brien-Smith, Seán", citations.Name(family="O\u2019Brien-Smith", given="Seán")),
        ("Smith, Jr., John", citations.Name(literal="Smith, Jr., John")),
        (", John", citations.Name(literal=", John")),
        ("Lab AND Partners", citations.Name(literal="Lab AND Partners")),
        ("Team 7", citations.Name(literal="Team 7")),
        ("ACME {Labs}", citations.Name(literal="ACME {Labs}")),
    ],
)
def test_split_name(printed, name):
    assert citations.split_name(printed) == name


def test_a_person_whose_printed_name_differs_is_cited_as_printed(beethoven):
    publication = make(authors=[{"person": beethoven, "name": "L. v. Beethoven"}])
    assert json.loads(citations.to_csl_json([publication]))[0]["author"] == [
        {"family": "v. Beethoven", "given": "L."}  # BibTeX's rule: a lower-case word starts the family name
    ]


# --- Endpoints ------------------------------------------------------------------------------------


@pytest.mark.parametrize("citation_format", ["bibtex", "ris", "csl-json"])
def test_one_citation_per_format(api, hostile, citation_format):
    response = api.get(citation_url(hostile), {"format": citation_format})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == CONTENT_TYPES[citation_format]
    filename = f"vanbeethoven2021weird.{EXTENSIONS[citation_format]}"
    assert response["Content-Disposition"] == f"attachment; filename=\"{filename}\"; filename*=UTF-8''{filename}"
    assert response["X-Content-Type-Options"] == "nosniff"
    text = response.content.decode()
    assert text == citations.render(citation_format, [hostile])


@pytest.mark.parametrize("url", ["citation", "export"])
@pytest.mark.parametrize("query", [{}, {"format": "xml"}, {"format": "json"}, {"format": "api"}, {"format": ""}])
def test_a_missing_or_unknown_format_is_a_400_naming_format(api, url, query):
    publication = make()
    response = api.get(citation_url(publication) if url == "citation" else EXPORT, query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": 400,
        "code": "invalid",
        "detail": "format: Give one of: bibtex, ris, csl-json.",
        "fields": {"format": ["Give one of: bibtex, ris, csl-json."]},
    }


def test_format_twice_is_a_400(api):
    assert api.get(f"{EXPORT}?format=bibtex&format=ris").status_code == 400


def test_an_accept_header_does_not_change_the_answer(api):
    publication = make()
    response = api.get(citation_url(publication), {"format": "ris"}, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES["ris"]
    assert api.get(citation_url(publication), HTTP_ACCEPT="application/x-bibtex").status_code == 400


def test_an_invisible_publication_has_no_citation(api, member_api):
    hidden = make(access="members")
    assert api.get(citation_url(hidden), {"format": "bibtex"}).status_code == 404
    assert api.get("/api/v1/publications/999999/citation/", {"format": "bibtex"}).status_code == 404
    assert member_api.get(citation_url(hidden), {"format": "bibtex"}).status_code == 200


@pytest.mark.parametrize("citation_format", ["bibtex", "ris", "csl-json"])
def test_export_per_format(api, hostile, citation_format):
    make(ACCENTS, year=2019)
    response = api.get(EXPORT, {"format": citation_format})
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[citation_format]
    filename = f"wafer-publications.{EXTENSIONS[citation_format]}"
    assert response["Content-Disposition"] == f"attachment; filename=\"{filename}\"; filename*=UTF-8''{filename}"
    keys = ["vanbeethoven2021weird", "lovelace2019uber"]  # newest first, as the list
    text = response.content.decode()
    if citation_format == "bibtex":
        assert list(read_bibtex(text)) == keys
    elif citation_format == "ris":
        assert [record["id"] for record in rispy.loads(text)] == keys
    else:
        assert [item["id"] for item in json.loads(text)] == keys


def export_ids(client, **query) -> list[str]:
    response = client.get(EXPORT, {"format": "csl-json", **query})
    assert response.status_code == 200, response.content
    return [item["title"] for item in json.loads(response.content)]


@pytest.fixture
def two_rows(faculty_user):
    matching = make(
        "Plasma etching",
        kind="report",
        year=2022,
        authors=[{"person": faculty_user}],
        keywords="plasma",
        access="members",
    )
    other = make("Wafer bonding", kind="paper", year=2018, authors=[{"name": "Grace Hopper"}])
    return matching, other


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "report"},
        {"year_from": "2020"},
        {"year_to": "2022", "year_from": "2019"},
        {"author_name": "chen"},
        {"q": "plasma"},
        {"access": "members"},
        {"has_file": "false", "kind": "report"},
    ],
)
def test_export_applies_every_filter(staff_api, two_rows, faculty_user, query):
    faculty_user.family_name = "Chen"
    faculty_user.save()
    services.publication_update(publication=two_rows[0], authors=[{"person": faculty_user}])
    assert export_ids(staff_api, **query) == ["Plasma etching"]


def test_export_filters_by_author_and_task(staff_api, two_rows, faculty_user):
    assert export_ids(staff_api, author=faculty_user.pk) == ["Plasma etching"]
    assert export_ids(staff_api, task=999999) == []


def test_export_rejects_a_bad_filter_value(api):
    response = api.get(EXPORT, {"format": "bibtex", "year_from": "soon"})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["year_from"]


def test_export_ordering(staff_api, two_rows):
    assert export_ids(staff_api) == ["Plasma etching", "Wafer bonding"]  # newest first
    assert export_ids(staff_api, ordering="year") == ["Wafer bonding", "Plasma etching"]
    assert export_ids(staff_api, ordering="-title") == ["Wafer bonding", "Plasma etching"]


def test_export_respects_access(api, member_api, two_rows):
    assert export_ids(api) == ["Wafer bonding"]  # members-only rows do not exist for anonymous callers
    assert export_ids(member_api) == ["Plasma etching", "Wafer bonding"]


def test_export_above_the_cap_is_a_400(api, settings):
    settings.CITATION_EXPORT_MAX = 2
    for year in (2019, 2020):
        make(year=year)
    assert api.get(EXPORT, {"format": "bibtex"}).status_code == 200
    make(year=2021)
    response = api.get(EXPORT, {"format": "bibtex"})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("More than 2 publications match; narrow the filters")
    assert api.get(EXPORT, {"format": "bibtex", "year_from": 2020}).status_code == 200


def test_export_reads_in_chunks_in_order(api, monkeypatch):
    monkeypatch.setattr(citations, "CHUNK_SIZE", 2)
    for year in range(2015, 2020):
        make(f"Paper {year}", year=year)
    with CaptureQueriesContext(connection) as queries:
        titles = export_ids(api)
    assert titles == [f"Paper {year}" for year in range(2019, 2014, -1)]
    chunk_reads = [q["sql"] for q in queries if 'FROM "publications_author"' in q["sql"]]
    assert len(chunk_reads) == 3  # 5 rows, 2 a chunk


def test_export_costs_the_same_queries_for_1_and_60_rows(member_api, django_assert_max_num_queries):
    make("First")
    with django_assert_max_num_queries(10) as one:
        assert len(export_ids(member_api)) == 1
    for number in range(59):
        make(f"Paper {number}", authors=[{"name": "Grace Hopper"}, {"name": f"Author {number}"}])
    with django_assert_max_num_queries(len(one)):
        assert len(export_ids(member_api)) == 60


def test_one_citation_costs_a_fixed_number_of_queries(api, hostile, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert api.get(citation_url(hostile), {"format": "bibtex"}).status_code == 200


def test_export_is_not_read_as_a_publication_id(api):
    assert api.get(EXPORT, {"format": "ris"}).status_code == 200


def test_the_export_cap_defaults_to_5000(settings):
    del settings.CITATION_EXPORT_MAX
    assert citation_views.export_max() == 5000
