"""The Idempotency-Key header (api.core.idempotency): any value is either a key (1 to 255 printable ASCII
characters once trimmed) or the one 400 `idempotency_key_invalid`, never a 500."""

from hypothesis import given
from hypothesis import strategies as st

from tests.properties.support import DATABASE

PRINTABLE_ASCII = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
keys = st.one_of(
    st.text(PRINTABLE_ASCII, min_size=1, max_size=300),
    st.text(max_size=40),
    st.text(PRINTABLE_ASCII, min_size=254, max_size=257),
)


def is_key(value: str) -> bool:
    value = value.strip()
    return 1 <= len(value) <= 255 and all(0x20 <= ord(ch) <= 0x7E for ch in value)


@DATABASE
@given(keys)
def test_any_header_value_is_a_key_or_the_one_400(db, api, value):
    response = api.post("/api/v1/organisations/", {"name": "Zenith"}, format="json", HTTP_IDEMPOTENCY_KEY=value)
    if is_key(value):
        assert response.status_code in (401, 403)  # the anonymous caller's answer: the key was accepted
    else:
        assert response.status_code == 400 and response.json()["code"] == "idempotency_key_invalid"
