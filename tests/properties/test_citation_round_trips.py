"""Our citation exports read back to what was stored (api.publications.citations): BibTeX through our
own importer, RIS through rispy, CSL-JSON through json; and re-importing our own BibTeX changes nothing."""

import json

import rispy
from hypothesis import example, given
from hypothesis import strategies as st

from api.publications import citations, importing, services
from api.publications.citations import fold
from api.publications.models import Publication
from tests.properties import strategies as pub
from tests.properties.support import DATABASE, rolled_back

publications = st.fixed_dictionaries(
    {"title": pub.titles, "kind": pub.kinds, "year": pub.years, "access": pub.accesses},
    optional={
        "doi": pub.dois,
        "abstract": pub.prose(80),
        "venue": pub.prose(30),
        "keywords": pub.keyword_lists,
        "authors": st.lists(st.one_of(pub.author_names, pub.prose(30, min_size=1)), max_size=3).map(
            lambda names: [{"name": name} for name in names]
        ),
    },
)
# Two publications of one file must not be one publication to the importer (same DOI, or same title and year).
libraries = st.lists(
    publications, min_size=1, max_size=3,
    unique_by=(lambda p: (p["year"], importing.fold_title(p["title"])), lambda p: p.get("doi", id(p))),
).filter(pub.distinct_dois)  # fmt: skip
# The kinds whose BibTeX entry type names a venue field the importer reads.
VENUE_KINDS = {Publication.Kind.PAPER, Publication.Kind.REPORT, Publication.Kind.THESIS}


def stored(items: list[dict]) -> list[Publication]:
    created = [services.publication_create(**item) for item in items]
    return list(citations.read_in_chunks([publication.pk for publication in created]))


def names(publication: Publication) -> list[str]:
    """The author names as BibTeX reads them back: "Family, Given" is "Given Family"."""
    return [citations.name_as_read_back(author.name) for author in publication.authors.all()]


# Found by these tests: braces and carets read back as nothing or U+02C6, `--` as an en dash, a DOI's braces as %7b.
HOSTILE = {"title": "{--} ``a'' ^ !`", "kind": "paper", "year": 2020, "access": "public", "doi": "10.1234/a{b}",
           "authors": [{"name": "{"}]}  # fmt: skip


@DATABASE
@given(libraries)
@example(items=[HOSTILE])
def test_our_bibtex_reads_back_through_our_importer(db, items):
    with rolled_back():
        library = stored(items)
        rows, problems = importing.read_bibtex(citations.to_bibtex(library))
        assert problems == [] and len(rows) == len(library)
        for row, publication in zip(rows, library, strict=True):
            assert importing.clean_row(row) == {}
            assert row.fields["title"] == fold(publication.title)
            assert row.fields["year"] == publication.year
            assert row.fields.get("doi") == publication.doi
            assert row.fields.get("abstract", "") == fold(publication.abstract)
            assert row.fields.get("keywords", "") == publication.keywords
            if publication.kind in VENUE_KINDS:
                assert row.fields["kind"] == publication.kind
                assert row.fields.get("venue", "") == fold(publication.venue)
            assert row.authors == names(publication)


@DATABASE
@given(libraries)
@example(items=[{"title": "Invited", "kind": "presentation", "year": 1900, "access": "public"}])  # was `other`
@example(items=[{"title": "Claims", "kind": "patent", "year": 1900, "access": "public", "venue": "A talk"}])
@example(items=[{**HOSTILE, "authors": [{"name": "A"}, {"name": "Curie,Marie"}]}])  # "Marie Curie" was a change
@example(
    items=[{**HOSTILE, "title": "Spaced  out", "abstract": "Line one\nline two", "authors": [{"name": "Ana\xa0Lima"}]}]
)
def test_reimporting_our_own_bibtex_changes_nothing(db, items):
    with rolled_back():
        library = stored(items)
        result = importing.import_publications(citations.to_bibtex(library).encode(), format="bibtex")
        assert result.rejected == []
        assert (result.created, result.updated, result.skipped) == (0, 0, len(library))


@DATABASE
@given(libraries)
def test_our_ris_reads_back_through_rispy(db, items):
    with rolled_back():
        library = stored(items)
        records = rispy.loads(citations.to_ris(library))
        assert len(records) == len(library)
        for record, publication in zip(records, library, strict=True):
            assert record["type_of_reference"] == citations.RIS_TYPES[publication.kind]
            assert record["title"] == fold(publication.title)
            assert record["year"] == str(publication.year)
            assert record.get("doi") == publication.doi
            assert record.get("abstract", "") == fold(publication.abstract)
            assert record.get("keywords", []) == publication.keyword_list
            assert record.get("secondary_title", "") == fold(publication.venue)
            expected = [citations._ris_name(citations.author_name(a)) for a in publication.authors.all()]
            assert record.get("authors", []) == expected


@DATABASE
@given(libraries)
def test_our_csl_json_reads_back_through_json(db, items):
    with rolled_back():
        library = stored(items)
        entries = json.loads(citations.to_csl_json(library))
        for entry, publication in zip(entries, library, strict=True):
            assert entry["title"] == fold(publication.title)
            assert entry.get("DOI") == publication.doi
            assert entry["issued"] == {"date-parts": [[publication.year]]}
            assert len(entry["author"]) == publication.authors.count()
