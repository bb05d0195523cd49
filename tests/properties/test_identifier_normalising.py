"""DOIs and ORCID iDs (api.publications.identifiers): total, idempotent, and blind to the forms people write."""

import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

from api.publications.identifiers import DOI_PREFIXES, normalise_doi, normalise_orcid, orcid_checksum
from tests.properties.support import PURE

# A DOI as registered: "10.", a registrant code of ASCII digits, "/", a suffix of printable ASCII.
suffixes = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=40)
dois = st.builds("10.{}/{}".format, st.from_regex(r"\A[0-9]{4,9}\Z"), suffixes)


@PURE
@given(st.text())
@example("10.\u0661\u0662\u0663\u0664/x")  # Arabic-Indic digits are not a registrant code
def test_any_text_is_a_doi_none_or_a_validation_error(text):
    try:
        doi = normalise_doi(text)
    except ValidationError:
        return
    if doi is None:
        assert not text.strip()
        return
    assert re.fullmatch(r"10\.[0-9]{4,9}/\S+", doi)
    assert doi == doi.lower() and len(doi) <= 200
    assert normalise_doi(doi) == doi  # idempotent


@PURE
@given(dois, st.sampled_from(("", *DOI_PREFIXES)), st.booleans(), st.sampled_from(["", " ", "\t", "\n "]))
def test_a_doi_is_one_value_whatever_its_prefix_case_and_spacing(doi, prefix, upper, space):
    written = space + (prefix + doi).upper() if upper else space + prefix + doi + space
    assert normalise_doi(written) == doi.lower()


orcid_bases = st.from_regex(r"\A[0-9]{15}\Z")


def _hyphenated(digits: str) -> str:
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


@PURE
@given(orcid_bases, st.booleans(), st.sampled_from(["", "https://orcid.org/", "http://orcid.org/"]))
def test_an_orcid_with_its_check_digit_is_accepted_in_any_written_form(base, hyphens, prefix):
    digits = base + orcid_checksum(base)
    written = prefix + (_hyphenated(digits) if hyphens else digits).lower()
    assert normalise_orcid(written) == _hyphenated(digits)
    assert normalise_orcid(normalise_orcid(written)) == _hyphenated(digits)


@PURE
@given(orcid_bases, st.sampled_from("0123456789X"))
def test_an_orcid_with_another_check_digit_is_refused(base, check):
    if check == orcid_checksum(base):
        check = "0" if check != "0" else "1"
    with pytest.raises(ValidationError):
        normalise_orcid(_hyphenated(base + check))


@PURE
@given(st.text())
@example(
    "\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0662\u0661\u0668\u0662\u0665\u0660\u0660\u0662X"
)  # Arabic-Indic digits with a valid check: was stored as written
def test_any_text_is_an_orcid_blank_or_a_validation_error(text):
    try:
        orcid = normalise_orcid(text)
    except ValidationError:
        return
    assert orcid == "" or re.fullmatch(r"[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]", orcid)
    assert normalise_orcid(orcid) == orcid
