"""Text fields take JSON strings only.

DRF's CharField (and EmailField, SlugField, URLField, RegexField ... built on it) turns a number into
its text: `{"given_name": 42}` would be saved as "42". docs/openapi.yaml says these fields are
strings, and the contract fuzzer (tests/contract/) rightly reports a number accepted there. A client
sending a number where text belongs has a bug worth hearing about, so it is a 400 "Not a valid
string." like any other wrong type. Done once here, for every serializer, rather than in each one.
"""

from rest_framework import serializers

_drf_to_internal_value = serializers.CharField.to_internal_value


def _text_only(field, data):
    if not isinstance(data, str):
        field.fail("invalid")
    return _drf_to_internal_value(field, data)


def install() -> None:
    serializers.CharField.to_internal_value = _text_only
