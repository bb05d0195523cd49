"""DOIs and ORCID iDs (api.publications.identifiers): validated and normalised before storage."""

import pytest
from django.core.exceptions import ValidationError

from api.publications.identifiers import normalise_doi, normalise_orcid, orcid_checksum


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("10.1234/abc", "10.1234/abc"),
        ("10.1234/ABC", "10.1234/abc"),
        ("  10.1234/ABC  ", "10.1234/abc"),
        ("https://doi.org/10.1234/ABC", "10.1234/abc"),
        ("HTTPS://DOI.ORG/10.1234/ABC", "10.1234/abc"),
        ("http://doi.org/10.1234/abc", "10.1234/abc"),
        ("https://dx.doi.org/10.1234/abc", "10.1234/abc"),
        ("http://dx.doi.org/10.1234/abc", "10.1234/abc"),
        ("doi:10.1234/abc", "10.1234/abc"),
        ("DOI: 10.1234/abc", "10.1234/abc"),
        ("10.123456789/x", "10.123456789/x"),
        (
            "10.1002/(SICI)1097-4636(199910)47:1<1::AID-JBM1>3.0.CO;2-4",
            "10.1002/(sici)1097-4636(199910)47:1<1::aid-jbm1>3.0.co;2-4",
        ),
        ("10.5555/wafer.42", "10.5555/wafer.42"),
    ],
)
def test_dois_are_normalised(raw, normalised):
    assert normalise_doi(raw) == normalised


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_a_blank_doi_is_none(blank):
    assert normalise_doi(blank) is None


@pytest.mark.parametrize(
    "invalid",
    [
        "not-a-doi",
        "10.123/abc",  # a registrant code has at least four digits
        "10.1234567890/abc",  # and at most nine
        "10.1234",
        "10.1234/",
        "10.1234/has space",
        "11.1234/abc",
        "https://doi.org/",
        "https://example.org/10.1234/abc",
        "10.1234/" + "a" * 200,  # longer than the column
    ],
)
def test_invalid_dois_are_refused(invalid):
    with pytest.raises(ValidationError, match="Enter a DOI"):
        normalise_doi(invalid)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("0000000218250097", "0000-0002-1825-0097"),
        ("  0000-0002-1825-0097 ", "0000-0002-1825-0097"),
        ("https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("http://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("0000-0002-9079-593X", "0000-0002-9079-593X"),  # check digit X (10)
        ("0000-0002-9079-593x", "0000-0002-9079-593X"),
        ("0000-0001-5109-3700", "0000-0001-5109-3700"),  # check digit 0
    ],
)
def test_orcids_are_normalised(raw, normalised):
    assert normalise_orcid(raw) == normalised


@pytest.mark.parametrize("blank", [None, "", "  "])
def test_a_blank_orcid_is_empty(blank):
    assert normalise_orcid(blank) == ""


@pytest.mark.parametrize(
    "wrong_check_digit", ["0000-0002-1825-0098", "0000-0002-1825-009X", "0000-0002-9079-5930", "0000-0002-9079-5939"]
)
def test_a_wrong_check_digit_is_refused(wrong_check_digit):
    with pytest.raises(ValidationError, match="check digit"):
        normalise_orcid(wrong_check_digit)


@pytest.mark.parametrize(
    "malformed", ["0000-0002-1825", "0000-0002-1825-00977", "0000-000X-1825-0097", "orcid", "0000 0002 1825 0097"]
)
def test_malformed_orcids_are_refused(malformed):
    with pytest.raises(ValidationError, match="Enter an ORCID iD"):
        normalise_orcid(malformed)


def test_the_checksum_is_iso_7064_mod_11_2():
    assert orcid_checksum("000000021825009") == "7"
    assert orcid_checksum("000000029079593") == "X"
    assert orcid_checksum("000000015109370") == "0"
    # Every base has exactly one valid check character.
    for base in ("000000000000000", "123456789012345", "999999999999999"):
        check = orcid_checksum(base)
        assert check in "0123456789X"
        assert normalise_orcid(base + check) == "-".join([base[:4], base[4:8], base[8:12], base[12:] + check])
