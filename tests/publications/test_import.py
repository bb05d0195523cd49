"""Bulk import of publications (BibTeX and CSV): the service, the command and the API endpoint."""

import datetime
import io
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from api.core.audit.models import AuditEvent
from api.publications import services
from api.publications.importing import import_publications
from api.publications.models import Author, Publication
from tests import factories
from tests.conftest import bearer

URL = "/api/v1/publications/import/"
HEADER = "title,kind,year,doi,authors,abstract,keywords,venue,published_on,access,embargo_until,embargo_reason"

BIBTEX = r"""
@string{jap = "Journal of Applied Physics"}

@article{mueller2021,
  title = {{\"U}ber {GaN} {Caf\'e} \& Co},
  author = {M{\"u}ller, J{\"o}rg and Ana de la Cruz and {Barnes and Noble}},
  year = 2021,
  journal = jap,
  doi = {https://doi.org/10.1234/GaN.2021},
  keywords = {GaN; HEMT, Power},
  abstract = {We measure   things.},
}

@inproceedings{chen2022,
  Title = "Low-k dielectrics",
  author = "Wei Chen",
  year = {2022},
  booktitle = {Proc. IEDM},
  access = {public},
}

@techreport{tr1, title = {Annual report}, year = 2020, institution = {Westbridge}}
@phdthesis{th1, title = {A thesis}, author = {Khan, Sara}, year = 2019, school = {University of Westbridge},
  embargo_until = {2030-01-01}, embargo_reason = {Patent pending}}
@misc{talk1, title = {Invited talk on EUV}, year = 2023, howpublished = {Invited talk, SPIE}}
@misc{misc1, title = {Dataset}, year = 2023}
@patent{pat1, title = {A patent}, year = 2018, access = {sponsors}}
"""

CSV = (
    HEADER + "\n"
    'Etching silicon,paper,2020,10.5555/etch.1,"Okafor, Chidi; Mei Lin",An abstract.,"etch; Si",'
    "J. Vac. Sci.,2020-03-15,public,,\n"
    "Slides,presentation,2021,,,,,,,,2099-01-01,Under review\n"
)


def run(tmp_path, content, name="pubs.csv", *args, encoding="utf-8"):
    """Run the command; (stdout, CommandError or None)."""
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_publications", str(path), *args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def stored():
    """Every publication as a comparable dict, by title."""
    return {
        p.title: {
            "kind": p.kind,
            "year": p.year,
            "doi": p.doi,
            "venue": p.venue,
            "keywords": p.keywords,
            "access": p.access,
            "published_on": p.published_on,
            "embargo_until": p.embargo_until,
            "embargo_reason": p.embargo_reason,
            "abstract": p.abstract,
            "authors": [a.name for a in p.authors.order_by("position")],
        }
        for p in Publication.objects.order_by("title")
    }


def blank(**values):
    return {
        "kind": "paper", "year": 2020, "doi": None, "venue": "", "keywords": "", "access": "members",
        "published_on": None, "embargo_until": None, "embargo_reason": "", "abstract": "", "authors": [],
        **values,
    }  # fmt: skip


# --- Happy paths --------------------------------------------------------------------------------


def test_a_bibtex_file_imports_with_latex_decoded(db, tmp_path):
    out, error = run(tmp_path, BIBTEX, "refs.bib")
    assert error is None
    assert out == "7 created, 0 updated, 0 skipped.\n"
    assert stored() == {
        "Über GaN Café & Co": blank(
            year=2021,
            doi="10.1234/gan.2021",
            venue="Journal of Applied Physics",
            keywords="gan; hemt; power",
            abstract="We measure   things.",
            authors=["Jörg Müller", "Ana de la Cruz", "Barnes and Noble"],
        ),
        "Low-k dielectrics": blank(year=2022, venue="Proc. IEDM", access="public", authors=["Wei Chen"]),
        "Annual report": blank(kind="report", venue="Westbridge"),
        "A thesis": blank(
            kind="thesis",
            year=2019,
            venue="University of Westbridge",
            authors=["Sara Khan"],
            embargo_until=datetime.date(2030, 1, 1),
            embargo_reason="Patent pending",
        ),
        "Invited talk on EUV": blank(kind="presentation", year=2023),
        "Dataset": blank(kind="other", year=2023),
        "A patent": blank(kind="patent", year=2018, access="sponsors"),
    }
    events = AuditEvent.objects.filter(action="create", target_type="publications.publication")
    assert events.count() == 7
    assert set(events.values_list("via", flat=True)) == {"command"}


def test_a_csv_file_imports(db, tmp_path):
    out, error = run(tmp_path, CSV)
    assert error is None
    assert out == "2 created, 0 updated, 0 skipped.\n"
    assert stored() == {
        "Etching silicon": blank(
            doi="10.5555/etch.1",
            authors=["Chidi Okafor", "Mei Lin"],
            abstract="An abstract.",
            keywords="etch; si",
            venue="J. Vac. Sci.",
            published_on=datetime.date(2020, 3, 15),
            access="public",
        ),
        "Slides": blank(
            kind="presentation", year=2021, embargo_until=datetime.date(2099, 1, 1), embargo_reason="Under review"
        ),
    }


def test_the_service_returns_the_summary(db):
    result = import_publications(CSV.encode(), format="csv")
    assert result.as_dict() == {"created": 2, "updated": 0, "skipped": 0, "rejected": [], "dry_run": False}


# --- Idempotency and matching -------------------------------------------------------------------


@pytest.mark.parametrize(("content", "name", "count"), [(BIBTEX, "refs.bib", 7), (CSV, "pubs.csv", 2)])
def test_a_second_import_skips_everything(db, tmp_path, content, name, count):
    run(tmp_path, content, name)
    before, events = stored(), AuditEvent.objects.count()
    out, error = run(tmp_path, content, name)
    assert error is None
    assert out == f"0 created, 0 updated, {count} skipped.\n"
    assert stored() == before
    assert AuditEvent.objects.count() == events


def test_a_doi_match_with_a_changed_title_is_updated(db, tmp_path):
    run(tmp_path, CSV)
    publication = Publication.objects.get(doi="10.5555/etch.1")
    changed = CSV.replace("Etching silicon,", "Etching silicon carbide,").replace(
        "10.5555/etch.1", "DOI:10.5555/ETCH.1"
    )
    out, error = run(tmp_path, changed)
    assert error is None
    assert out == "0 created, 1 updated, 1 skipped.\n"
    publication.refresh_from_db()
    assert publication.title == "Etching silicon carbide"
    assert Publication.objects.count() == 2
    event = AuditEvent.objects.get(action="update")
    assert event.changes == {"title": ["Etching silicon", "Etching silicon carbide"]}


def test_title_and_year_match_ignoring_case_and_spacing(db, tmp_path):
    existing = services.publication_create(title="Etching  Silicon", kind="paper", year=2020)
    content = HEADER + "\netching silicon ,paper,2020,,,,,,,,,\n  ETCHING\tSILICON,paper,2019,,,,,,,,,\n"
    out, error = run(tmp_path, content)
    assert error is None
    # Same title and year: matched (its title's spacing and case are the file's now); another year: a new one.
    assert out == "1 created, 1 updated, 0 skipped.\n"
    existing.refresh_from_db()
    assert existing.title == "etching silicon"
    assert Publication.objects.count() == 2
    out, error = run(tmp_path, content)
    assert out == "0 created, 0 updated, 2 skipped.\n"


def test_a_title_match_with_another_doi_is_another_publication(db, tmp_path):
    services.publication_create(title="Etching silicon", kind="paper", year=2020, doi="10.9999/other")
    out, error = run(tmp_path, CSV)
    assert error is None
    assert out == "2 created, 0 updated, 0 skipped.\n"


def test_blank_cells_keep_the_stored_values(db, tmp_path):
    run(tmp_path, CSV)
    out, error = run(tmp_path, HEADER + "\nEtching silicon,,2020,,,,,,,,,\n")
    assert error is None
    assert out == "0 created, 0 updated, 1 skipped.\n"
    assert stored()["Etching silicon"]["authors"] == ["Chidi Okafor", "Mei Lin"]


def test_changed_authors_replace_the_list(db, tmp_path):
    run(tmp_path, CSV)
    out, _ = run(tmp_path, CSV.replace('"Okafor, Chidi; Mei Lin"', "Mei Lin"))
    assert out == "0 created, 1 updated, 1 skipped.\n"
    assert stored()["Etching silicon"]["authors"] == ["Mei Lin"]


def test_authors_are_linked_to_one_active_person_of_that_name(db, tmp_path):
    chidi = factories.member(given_name="Chidi", family_name="Okafor")
    factories.member(given_name="Mei", family_name="Lin")
    factories.member(given_name="Mei", family_name="Lin")  # two people: no link
    factories.member(given_name="Wei", family_name="Chen", is_active=False)  # inactive: no link
    content = HEADER + '\nA,paper,2020,,"OKAFOR, chidi; Mei Lin; Wei Chen",,,,,,,\n'
    run(tmp_path, content)
    authors = Author.objects.order_by("position")
    assert [(a.name, a.person) for a in authors] == [("chidi OKAFOR", chidi), ("Mei Lin", None), ("Wei Chen", None)]


def test_odd_author_names_without_orcid_are_fine(db, tmp_path):
    content = HEADER + '\nA,paper,2020,,"Cher; van der Berg, Jan; Jr., ; O\'Neil, Séan",,,,,,,\n'
    _, error = run(tmp_path, content)
    assert error is None
    assert stored()["A"]["authors"] == ["Cher", "Jan van der Berg", "Jr.", "Séan O'Neil"]


# --- Rejections: nothing is written -------------------------------------------------------------


def test_duplicate_dois_in_one_file_reject_both_rows(db, tmp_path):
    rows = [
        "One,paper,2020,10.1234/dup,,,,,,,,",
        "Two,paper,2021,10.1234/other,,,,,,,,",
        "3,paper,2022,10.1234/DUP,,,,,,,,",
    ]
    content = HEADER + "\n" + "\n".join(rows) + "\n"
    out, error = run(tmp_path, content)
    assert str(error) == "2 problems in pubs.csv; nothing was written."
    assert out == (
        "Nothing was written: 2 problems (the other rows: 1 created, 0 updated, 0 skipped).\n"
        "  line 2: The file has this DOI also on line 4.\n"
        "  line 4: The file has this DOI also on line 2.\n"
    )
    assert Publication.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_the_same_title_and_year_twice_rejects_both_rows(db, tmp_path):
    content = HEADER + "\nOne,paper,2020,,,,,,,,,\nONE ,paper,2020,10.1234/x,,,,,,,,\n"
    out, error = run(tmp_path, content)
    assert error is not None
    assert out.splitlines()[1:] == [
        "  line 2: The file has this title and year also on line 3.",
        "  line 3: The file has this title and year also on line 2.",
    ]


def test_two_rows_matching_one_stored_publication_are_rejected(db, tmp_path):
    services.publication_create(title="One", kind="paper", year=2020, doi="10.1234/one")
    content = HEADER + "\nOther title,paper,2020,10.1234/one,,,,,,,,\nOne,paper,2020,,,,,,,,,\n"
    out, error = run(tmp_path, content)
    assert error is not None
    assert out.splitlines()[1:] == [
        "  line 2: This row and line 3 match the same stored publication.",
        "  line 3: This row and line 2 match the same stored publication.",
    ]


def test_two_stored_publications_with_the_title_and_year_make_a_row_ambiguous(db, tmp_path):
    first = services.publication_create(title="One", kind="paper", year=2020)
    second = services.publication_create(title="ONE", kind="report", year=2020)
    out, error = run(tmp_path, HEADER + "\nOne,paper,2020,,,,,,,,,\n")
    assert error is not None
    assert out.splitlines()[1:] == [
        f"  line 2: Several stored publications have this title and year (ids {first.pk}, {second.pk}); give the DOI."
    ]


def test_a_bad_row_among_good_ones_writes_nothing(db, tmp_path):
    rows = [f"Paper {n},paper,2020,10.1234/p{n},,,,,,,," for n in range(5)]
    rows.insert(3, "Bad,paper,2020,not-a-doi,,,,,,,,")
    out, error = run(tmp_path, HEADER + "\n" + "\n".join(rows) + "\n")
    assert error is not None
    assert out == (
        "Nothing was written: 1 problem (the other rows: 5 created, 0 updated, 0 skipped).\n"
        "  line 5: doi: Enter a DOI such as 10.1234/abc.5678 (a https://doi.org/ link works too).\n"
    )
    assert Publication.objects.count() == 0


def test_every_problem_is_listed(db, tmp_path):
    content = (
        HEADER + "\n"
        ",paper,2020,,,,,,,,,\n"  # no title
        "No year,paper,,,,,,,,,,\n"
        "Old,paper,1899,,,,,,,,,\n"
        "Odd kind,poem,2020,,,,,,,,,\n"
        "No kind,,2020,,,,,,,,,\n"
        "Bad date,paper,2020,,,,,,2020-13-01,,,\n"
        "Embargo,paper,2020,,,,,,,,2030-01-01,\n"
        "Reason,paper,2020,,,,,,,,,Because\n"
        "Access,paper,2020,,,,,,,everyone,,\n"
        f"{'x' * 501},paper,2020,,,,,,,,,\n"
        "Short row,paper\n"
    )
    out, error = run(tmp_path, content)
    assert error is not None
    assert out.splitlines()[1:] == [
        "  line 2: title: The title is required.",
        "  line 3: year: The year is required.",
        "  line 4: year: Enter a year between 1900 and 2100.",
        "  line 5: kind: Choose one of: paper, report, thesis, presentation, patent, other.",
        "  line 6: kind: The kind is required to create a publication.",
        "  line 7: published_on: Enter a date as YYYY-MM-DD.",
        "  line 8: embargo_reason: An embargo needs a reason.",
        "  line 9: embargo_reason: There is no embargo date to give a reason for.",
        "  line 10: access: Choose one of: public, members, sponsors.",
        "  line 11: title: Ensure this value has at most 500 characters (it has 501).",
        "  line 12: This row has 2 cells; the header has 12.",
    ]
    assert Publication.objects.count() == 0


def test_broken_quotes_and_control_characters_are_rejected(db, tmp_path):
    content = HEADER + '\nNul\x00here,paper,2020,,"Ann\x01 Lee",,,,,,,\nOpen,paper,2020,,"Lee, Ann,,,,,,,\n'
    out, error = run(tmp_path, content)
    assert error is not None
    assert out.splitlines()[1:] == [
        "  line 2: authors.0.name: Remove the control characters (such as NUL) from this name.",
        "  line 2: title: Remove the control characters (such as NUL) from this value.",
        "  line 3: The file is not valid CSV: unexpected end of data.",
    ]


def test_unknown_or_missing_columns_reject_the_file(db, tmp_path):
    out, error = run(tmp_path, "Title,Year,Pages,url\nA,2020,1-2,x\n")
    assert error is not None
    assert out.splitlines()[1:] == [
        "  line 1: Unknown columns: pages, url. Known columns: " + HEADER.replace(",", ", ") + ".",
        "  line 1: Missing columns: kind.",
    ]


def test_bibtex_syntax_errors_and_duplicate_keys_are_rejected_with_their_lines(db, tmp_path):
    content = (
        "@article{a, title = {One}, year = 2020}\n"  # line 1
        "@article{a, title = {Two}, year = 2020}\n"  # line 2: the key again
        "@article{b,\n"  # line 3
        "  title = {Unclosed,\n"
        "  year = 2020\n"
        "}\n"
        "@article{c, title = {Three}, year = 2020, title = {Again}}\n"  # line 7
        "@article{d, title = {No year}}\n"  # line 8
    )
    out, error = run(tmp_path, content, "refs.bib")
    assert error is not None
    lines = out.splitlines()[1:]
    assert lines[0] == "  line 2: The key 'a' is already used on line 1."
    assert lines[1].startswith("  line 3: This entry cannot be read (a missing brace, quote or comma?):")
    assert lines[2:] == ["  line 7: Fields given more than once: title.", "  line 8: year: The year is required."]
    assert Publication.objects.count() == 0


def test_bibtex_identifiers_keep_their_characters(db, tmp_path):
    content = r"@misc{x, title = {50\% of $\alpha$ {DNA}}, year = {2020}, doi = {10.1234/a\_b~c}, note = {Poster}}"
    _, error = run(tmp_path, content, "refs.bib")
    assert error is None
    publication = Publication.objects.get()
    assert (publication.title, publication.doi, publication.kind) == (
        "50% of $\\alpha$ DNA",
        "10.1234/a_b~c",
        "presentation",
    )


def test_an_empty_bibtex_file_is_rejected(db, tmp_path):
    out, error = run(tmp_path, "% nothing here\n", "refs.bib")
    assert error is not None
    assert out.splitlines()[1:] == ["  The file has no BibTeX entries."]


# --- Encodings ----------------------------------------------------------------------------------


def test_utf8_with_a_bom(db, tmp_path):
    _, error = run(tmp_path, "\ufeff" + HEADER + "\nCafé,paper,2020,,,,,,,,,\n")
    assert error is None
    assert list(stored()) == ["Café"]


def test_latin1_with_the_encoding_option(db, tmp_path):
    content = (HEADER + '\nCafé crème,paper,2020,,"Müller, Jörg",,,,,,,\n').encode("latin-1")
    _, error = run(tmp_path, content, "pubs.csv", "--encoding", "latin-1")
    assert error is None
    assert stored()["Café crème"]["authors"] == ["Jörg Müller"]


def test_invalid_utf8_is_a_clean_rejection(db, tmp_path):
    content = (HEADER + "\nOne,paper,2020,,,,,,,,,\nCafé,paper,2020,,,,,,,,,\n").encode("latin-1")
    offset = content.index(b"\xe9")
    out, error = run(tmp_path, content)
    assert str(error) == "1 problem in pubs.csv; nothing was written."
    assert out.splitlines()[1:] == [
        f"  line 3: The file is not valid utf-8: byte 0xe9 at offset {offset} (line 3). "
        "Save it as UTF-8, or give its encoding (e.g. latin-1)."
    ]
    assert Publication.objects.count() == 0


def test_an_unknown_encoding_is_a_command_error(db, tmp_path):
    _, error = run(tmp_path, CSV, "pubs.csv", "--encoding", "klingon")
    assert str(error) == "Unknown encoding 'klingon'; try utf-8 or latin-1."


# --- The command --------------------------------------------------------------------------------


def test_dry_run_writes_nothing(db, tmp_path):
    out, error = run(tmp_path, BIBTEX, "refs.bib", "--dry-run")
    assert error is None
    assert out == "Dry run, nothing was written: 7 created, 0 updated, 0 skipped, 0 rejected.\n"
    assert Publication.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_dry_run_reports_problems_with_a_zero_exit(db, tmp_path):
    out, error = run(tmp_path, HEADER + "\nA,paper,2020,bad,,,,,,,,\n", "pubs.csv", "--dry-run", "--no-progress")
    assert error is None
    assert out.splitlines()[1:] == [
        "  line 2: doi: Enter a DOI such as 10.1234/abc.5678 (a https://doi.org/ link works too).",
    ]


def test_the_format_comes_from_the_extension_or_the_option(db, tmp_path):
    _, error = run(tmp_path, CSV, "pubs.txt")
    assert str(error) == "Cannot tell the format of 'pubs.txt': give --format bibtex or --format csv."
    out, error = run(tmp_path, CSV, "pubs.txt", "--format", "csv")
    assert error is None
    assert out == "2 created, 0 updated, 0 skipped.\n"


@pytest.mark.parametrize(("option", "shown"), [((), True), (("--no-progress",), False)])
def test_a_progress_bar_on_a_terminal_only(db, tmp_path, monkeypatch, capsys, option, shown):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    run(tmp_path, CSV, "pubs.csv", *option)
    assert ("Writing:" in capsys.readouterr().err) is shown


def test_no_progress_bar_when_not_a_terminal(db, tmp_path, capsys):
    run(tmp_path, CSV)
    assert capsys.readouterr().err == ""


def test_a_missing_file_is_a_command_error(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_publications", str(tmp_path / "nowhere.csv"), stdout=io.StringIO())


# --- Large files --------------------------------------------------------------------------------


def test_2500_rows_import_within_sql_server_limits(db, tmp_path):
    existing = [
        services.publication_create(title=f"Row {n}", kind="paper", year=2020, doi=f"10.1234/r{n}") for n in (0, 1)
    ]
    rows = [f'Row {n},paper,2020,10.1234/r{n},"Family{n}, Given; Other Author",,k{n % 7},,,,,' for n in range(2500)]
    statements = []  # (sql, number of parameters)

    def record(execute, sql, params, many, context):
        statements.append((sql, max((len(p) for p in params), default=0) if many else len(params or ())))
        return execute(sql, params, many, context)

    # Speed is a benchmark's business (bench/), never a timed test; this checks the limits only.
    with connection.execute_wrapper(record):
        out, error = run(tmp_path, HEADER + "\n" + "\n".join(rows) + "\n")
    assert error is None
    assert out == "2498 created, 2 updated, 0 skipped.\n"  # the two stored rows gain their authors and keywords
    assert Publication.objects.count() == 2500
    assert Author.objects.count() == 5000
    assert max(size for _, size in statements) <= 2000  # SQL Server takes 2100 parameters at most
    assert max(sql.count("%s") for sql, _ in statements if " IN (" in sql) == 1000  # DOIs looked up in chunks
    assert existing[0].authors.count() == 2


# --- The API ------------------------------------------------------------------------------------


def upload(content: str | bytes, name: str = "pubs.csv", **data):
    body = content.encode() if isinstance(content, str) else content
    return {"file": SimpleUploadedFile(name, body, content_type="text/plain"), **data}


@pytest.mark.parametrize(
    ("client", "status"),
    [("api", 401), ("member_api", 403), ("faculty_api", 403), ("student_api", 403), ("staff_api", 200)],
)
def test_the_endpoint_is_for_staff(request, db, client, status):
    response = request.getfixturevalue(client).post(URL, upload(CSV), format="multipart")
    assert response.status_code == status
    assert Publication.objects.count() == (2 if status == 200 else 0)


def test_staff_import_through_the_api(staff_api, staff_user):
    response = staff_api.post(URL, upload(BIBTEX, "refs.bib"), format="multipart")
    assert response.status_code == 200
    assert response.json() == {"created": 7, "updated": 0, "skipped": 0, "rejected": [], "dry_run": False}
    event = AuditEvent.objects.filter(action="create").first()
    assert (event.actor, event.via) == (staff_user, "session")


def test_a_read_token_cannot_import(staff_user, make_token):
    _, raw = make_token(staff_user, scopes=["read"])
    response = bearer(raw).post(URL, upload(CSV), format="multipart")
    assert response.status_code == 403
    assert Publication.objects.count() == 0


def test_a_write_token_imports(staff_user, make_token):
    _, raw = make_token(staff_user, scopes=["read", "write"])
    response = bearer(raw).post(URL, upload(CSV, dry_run="true"), format="multipart")
    assert response.status_code == 200
    assert response.json() == {"created": 2, "updated": 0, "skipped": 0, "rejected": [], "dry_run": True}
    assert Publication.objects.count() == 0


def test_rejected_rows_are_a_400_with_the_summary(staff_api):
    content = HEADER + "\nA,paper,2020,bad,,,,,,,,\nB,paper,2020,,,,,,,,,\n"
    response = staff_api.post(URL, upload(content), format="multipart")
    assert response.status_code == 400
    message = "Enter a DOI such as 10.1234/abc.5678 (a https://doi.org/ link works too)."
    assert response.json() == {
        "status": 400,
        "code": "invalid",
        "detail": f"file: 1 problem, nothing was written; line 2: doi: {message}",
        "fields": {"file": [f"line 2: doi: {message}"]},
        "import": {
            "created": 1,
            "updated": 0,
            "skipped": 0,
            "rejected": [{"line": 2, "field": "doi", "message": message}],
            "dry_run": False,
        },
    }
    assert Publication.objects.count() == 0


def test_a_dry_run_with_problems_is_a_200(staff_api):
    content = HEADER + "\nA,paper,2020,bad,,,,,,,,\n"
    response = staff_api.post(URL, upload(content, dry_run="true"), format="multipart")
    assert response.status_code == 200
    assert response.json()["rejected"][0]["line"] == 2


def test_request_errors(staff_api):
    response = staff_api.post(URL, {}, format="multipart")
    assert response.status_code == 400
    assert response.json()["fields"] == {"file": ["No file was submitted."]}
    response = staff_api.post(URL, upload(CSV, "pubs.txt"), format="multipart")
    assert response.json()["fields"] == {"format": ["Cannot tell from the file's name: give bibtex or csv."]}
    response = staff_api.post(URL, upload(CSV, "pubs.txt", format="csv", encoding="klingon"), format="multipart")
    assert response.json()["fields"] == {"encoding": ["Unknown encoding 'klingon'; try utf-8 or latin-1."]}
    response = staff_api.post(URL, upload(CSV, "pubs.txt", format="csv"), format="multipart")
    assert response.status_code == 200


def test_a_latin1_upload_with_its_encoding(staff_api):
    content = (HEADER + "\nCafé,paper,2020,,,,,,,,,\n").encode("latin-1")
    response = staff_api.post(URL, upload(content, encoding="latin-1"), format="multipart")
    assert response.status_code == 200
    response = staff_api.post(URL, upload(content), format="multipart")
    assert response.status_code == 400
    assert response.json()["import"]["rejected"][0]["line"] == 2


def test_a_file_over_the_limit_is_a_413(staff_api, settings):
    settings.UPLOAD_MAX_BYTES = 100
    response = staff_api.post(URL, upload(CSV), format="multipart")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert Publication.objects.count() == 0
