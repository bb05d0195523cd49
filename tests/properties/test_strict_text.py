"""Text fields take JSON strings only (api.core.strict_text): every other JSON value is refused as `invalid`
(not turned into its text), and a string is kept as DRF keeps it (trimmed)."""

from hypothesis import given
from hypothesis import strategies as st
from rest_framework import serializers

from tests.properties.support import PURE

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
)


@PURE
@given(json_values, st.sampled_from([serializers.CharField, serializers.EmailField, serializers.SlugField]))
def test_a_text_field_takes_only_strings(value, field_class):
    field = field_class(allow_blank=True)
    try:
        cleaned = field.run_validation(value)
    except serializers.ValidationError as exc:
        if value is None:
            assert [detail.code for detail in exc.detail] == ["null"]
        elif not isinstance(value, str):  # CharField's "Not a valid string.", EmailField's "Enter a valid email..."
            assert [detail.code for detail in exc.detail] == ["invalid"]
        return
    assert isinstance(value, str) and cleaned == value.strip()
