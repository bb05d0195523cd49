"""DOIs and ORCID iDs: validated and normalised before they are stored or compared."""

import re

from django.core.exceptions import ValidationError

# ASCII digits: `\d` would also take Arabic-Indic or fullwidth digits, which no registrant code has.
DOI_PATTERN = re.compile(r"^10\.[0-9]{4,9}/\S+$")
DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:")
ORCID_PATTERN = re.compile(r"^([0-9]{4})-?([0-9]{4})-?([0-9]{4})-?([0-9]{3}[0-9X])$")


def normalise_doi(value: str | None) -> str | None:
    """`10.1234/ABC` in lower case (DOIs are case-insensitive), without resolver prefixes; None if blank."""
    value = (value or "").strip()
    if not value:
        return None
    lowered = value.lower()
    for prefix in DOI_PREFIXES:
        if lowered.startswith(prefix):
            lowered = lowered[len(prefix) :].strip()
            break
    if not DOI_PATTERN.match(lowered) or len(lowered) > 200:
        raise ValidationError("Enter a DOI such as 10.1234/abc.5678 (a https://doi.org/ link works too).")
    return lowered


def orcid_checksum(base_digits: str) -> str:
    """ISO 7064 11,2 check character of the first 15 digits of an ORCID iD."""
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalise_orcid(value: str | None) -> str:
    """`0000-0002-1825-0097` with a valid checksum; '' if blank."""
    value = (value or "").strip().upper()
    for prefix in ("HTTPS://ORCID.ORG/", "HTTP://ORCID.ORG/"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    if not value:
        return ""
    match = ORCID_PATTERN.match(value)
    if not match:
        raise ValidationError("Enter an ORCID iD such as 0000-0002-1825-0097.")
    digits = "".join(match.groups())
    if orcid_checksum(digits[:15]) != digits[15]:
        raise ValidationError("This ORCID iD's check digit is wrong.")
    return "-".join(match.groups())
