"""Importing publications writes all of a file or none of it (api.publications.importing): N valid
records are N new rows; one bad record among them leaves the database as it was; and any bytes at all
are a summary, never an exception."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import example, given
from hypothesis import strategies as st

from api.publications.importing import CSV_COLUMNS, fold, fold_title, import_publications
from api.publications.models import Author, Publication
from tests.properties import strategies as pub
from tests.properties.support import DATABASE, rolled_back

records = st.fixed_dictionaries(
    {"title": pub.titles, "kind": pub.kinds, "year": pub.years.map(str)},
    optional={
        "doi": pub.dois,
        "authors": st.lists(pub.author_names, max_size=3).map("; ".join),
        "abstract": pub.prose(60),
        "venue": pub.prose(30),
        "access": pub.accesses,
    },
)
valid_files = st.lists(
    records, min_size=1, max_size=8, unique_by=(lambda r: fold_title(r["title"]), lambda r: r.get("doi", id(r)))
).filter(pub.distinct_dois)
BAD_VALUES = {"year": "nineteen", "kind": "poem", "doi": "not a doi", "title": "   ", "published_on": "2023-02-29",
              "access": "everyone", "embargo_until": "2030-01-01"}  # fmt: skip


def as_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


@DATABASE
@given(valid_files)
def test_n_valid_records_create_exactly_n_publications(db, rows):
    with rolled_back():
        result = import_publications(as_csv(rows), format="csv")
        assert result.rejected == []
        assert (result.created, result.updated, result.skipped) == (len(rows), 0, 0)
        assert Publication.objects.count() == len(rows)
        stored = {publication.title: publication for publication in Publication.objects.all()}
        for row in rows:
            publication = stored[fold(row["title"])]
            assert (publication.kind, publication.year) == (row["kind"], int(row["year"]))
            assert publication.doi == (row["doi"].lower() if "doi" in row else None)
            names = [fold(name) for name in row.get("authors", "").split(";") if name.strip()]
            assert list(publication.authors.order_by("position").values_list("name", flat=True)) == names


@DATABASE
@given(valid_files, st.data())
def test_one_bad_record_writes_nothing_and_names_its_line(db, rows, data):
    index = data.draw(st.integers(0, len(rows) - 1))
    field = data.draw(st.sampled_from(sorted(BAD_VALUES)))
    rows[index] = {**rows[index], field: BAD_VALUES[field]}
    with rolled_back():
        result = import_publications(as_csv(rows), format="csv")
        assert result.rejected and {problem.line for problem in result.rejected} == {index + 2}  # header is line 1
        assert Publication.objects.count() == Author.objects.count() == 0


@DATABASE
@given(st.binary(max_size=300), st.sampled_from(["csv", "bibtex"]))
def test_any_bytes_are_a_summary_and_a_rejected_file_writes_nothing(db, data, format):
    with rolled_back():
        result = import_publications(data, format=format)
        assert result.ok or Publication.objects.count() == 0
        assert Publication.objects.count() == result.created


form_values = st.one_of(
    st.text(max_size=12), st.sampled_from(["csv", "bibtex", "ris", "utf-8", "rot13", "idna", "true"])
)


@DATABASE
@given(
    st.binary(max_size=200),
    st.sampled_from(["pubs.csv", "pubs.bib", "pubs.BIBTEX", "pubs.txt", "pubs", ".csv"]),
    st.fixed_dictionaries({}, optional={"format": form_values, "encoding": form_values, "dry_run": form_values}),
)
@example(b"title,kind,year\n", "pubs.csv", {"encoding": "rot13"})  # was a 500
@example(b"xn--", "pubs.csv", {"encoding": "idna"})  # was a 500
def test_the_import_endpoint_answers_any_upload_with_a_summary_or_a_400(db, staff_api, data, name, fields):
    with rolled_back():
        upload = SimpleUploadedFile(name, data)
        response = staff_api.post("/api/v1/publications/import/", {"file": upload, **fields}, format="multipart")
        assert response.status_code in (200, 400), response.content[:300]
        body = response.json()
        if response.status_code == 400:
            # `format` also when it is left out: the file's name did not tell it.
            assert "import" in body or set(body["fields"]) <= {"file", "format", *fields}
            assert Publication.objects.count() == 0
