"""Reading an import file (api.publications.importing), before any database work: whatever the bytes,
the reader answers rows or problems with line numbers, never an exception."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

from api.publications import importing, services
from api.publications.importing import CSV_COLUMNS, NON_FIELD, Problem, Row
from tests.properties.support import ODD_DIGITS, PURE

# Codecs Python knows, text or not: rot13 and base64 are codecs but no text encodings; idna and punycode
# raise UnicodeError, not UnicodeDecodeError. (Not unicode_escape: it warns of a bad escape, which only
# pytest's warnings-as-errors turns into an exception.)
ENCODINGS = ["utf-8", "latin-1", "utf-16", "cp1252", "ascii", "utf-7", "idna", "punycode",
             "rot13", "base64", "hex", "zlib", "uu", "no-such-codec"]  # fmt: skip


@PURE
@given(st.binary(max_size=200), st.sampled_from(ENCODINGS))
@example(b"\xef\xbb\xbftitle\n", "utf-8")
@example(b"ok\n\xff", "utf-8")
@example(b"x", "rot13")  # a codec but no text encoding: was a LookupError (a 500 through the API)
@example(b"xn--", "idna")  # a UnicodeError that is no UnicodeDecodeError: was a 500 too
def test_any_bytes_decode_to_text_or_one_problem_naming_the_line(data, encoding):
    try:
        text, problem = importing.decode(data, encoding)
    except ValueError:  # the documented answer to an encoding that is not one (the caller's mistake)
        with pytest.raises(ValueError):
            importing.check_encoding(encoding)
        return
    if problem is None:
        assert isinstance(text, str) and not text.startswith("\ufeff")
    else:
        assert text is None and problem.field == NON_FIELD
        assert 1 <= problem.line <= data.count(b"\n") + 1


def _assert_lines_within(rows: list[Row], problems: list[Problem], text: str) -> None:
    last = text.count("\n") + text.count("\r") + 1
    assert all(1 <= row.line <= last for row in rows)
    assert all(problem.line is None or 1 <= problem.line <= last for problem in problems)


csv_cells = st.one_of(st.text(max_size=12), st.sampled_from(['"', '""', ",", "\n", "\r\n", "a,b", '"x"y']))


@PURE
@given(
    st.one_of(
        st.text(max_size=200),
        st.lists(st.lists(csv_cells, max_size=6), max_size=6).map(
            lambda rows: "\n".join(",".join(row) for row in rows)
        ),
    )
)
def test_any_text_reads_as_csv_rows_or_problems(text):
    rows, problems = importing.read_csv(text)
    _assert_lines_within(rows, problems, text)
    if rows:  # rows only under a header that names the required columns
        assert set(importing.CSV_REQUIRED_COLUMNS) <= set(rows[0].values)


bibtex_fragments = st.sampled_from(
    ["@article{", "@misc{k,", "@string{x = ", "}", "{", '"', ",", "=", "title", "author", " and ", "\\", "%", "#", "\n",
     "@comment{", "@preamble{", "year = 2020", "@"]
)  # fmt: skip


@PURE
@given(
    st.one_of(
        st.text(max_size=200), st.lists(st.one_of(bibtex_fragments, st.text(max_size=5)), max_size=30).map("".join)
    )
)
@example("@article{k, author = {\\}}")
def test_any_text_reads_as_bibtex_rows_or_problems(text):
    rows, problems = importing.read_bibtex(text)
    assert rows or problems  # an empty file is a problem too
    _assert_lines_within(rows, problems, text)


row_values = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["", "paper", "REPORT", "members", "2020", "1899", "2101", "2026-02-29", "2024-02-29", "10.1234/x",
                     *ODD_DIGITS, "\x00"]),
)  # fmt: skip


@PURE
@given(st.fixed_dictionaries({}, optional={key: row_values for key in CSV_COLUMNS if key != "authors"}),
       st.lists(st.text(max_size=10), max_size=3))  # fmt: skip
@example({"title": "T", "kind": "paper", "year": "\u00b2"}, [])  # isdigit() but not int(): was a ValueError
@example({"title": "T", "kind": "paper", "year": "\u0661\u0669\u0669\u0669"}, [])
def test_cleaning_any_row_gives_fields_or_errors_by_field(values, authors):
    row = Row(line=2, values=dict(values), authors=authors)
    errors = importing.clean_row(row)
    assert all(isinstance(messages, list) and messages for messages in errors.values())
    if "year" in values and "year" not in errors:
        assert importing.YEARS[0] <= row.fields["year"] <= importing.YEARS[1]
        assert str(row.fields["year"]) == values["year"].strip()  # ASCII digits only
    for key in ("published_on", "embargo_until"):
        if values.get(key, "").strip() and key not in errors:
            assert row.fields[key] == datetime.date.fromisoformat(values[key].strip())


@PURE
@given(st.integers(1, 9999), st.integers(1, 12), st.integers(1, 31))
def test_only_real_dates_are_dates(year, month, day):
    text = f"{year:04d}-{month:02d}-{day:02d}"
    try:
        real = datetime.date(year, month, day)
    except ValueError:
        real = None
    errors = importing.clean_row(Row(line=2, values={"title": "T", "year": "2020", "published_on": text}))
    assert ("published_on" in errors) == (real is None)


@PURE
@given(st.one_of(st.text(max_size=80), st.lists(st.text(max_size=15), max_size=8)))
@example([","])  # was stored as the keyword ",", which an export then a re-import turned into no keyword
@example(["GaN; HEMT"])  # was stored as one keyword that reads back as two
def test_keywords_normalise_once_and_for_all(keywords):
    try:
        text = services.normalise_keywords(keywords)
    except ValidationError:
        return
    words = text.split("; ") if text else []
    assert text == text.lower() and len(words) == len(set(words)) and all(w and w == w.strip() for w in words)
    assert services.normalise_keywords(text) == text  # idempotent, and the stored form reads back as itself
