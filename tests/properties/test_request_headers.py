"""Request headers Wafer parses: `Authorization: Bearer <token>` (api.core.tokens.authentication) and
`X-Request-ID` (api.core.audit.request_id). Any header value (as WSGI gives them: Latin-1 text) is the
anonymous answer or a 401, never a 500; and the request id answered is always a sane one."""

import re

from hypothesis import given
from hypothesis import strategies as st

from tests.properties.support import DATABASE

LATIN_1 = st.characters(max_codepoint=0xFF, blacklist_categories=("Cs",))
header_values = st.one_of(
    st.text(LATIN_1, max_size=60),
    st.tuples(
        st.sampled_from(["Bearer ", "bearer ", "Bearer  ", "Basic ", "Token "]), st.text(LATIN_1, max_size=60)
    ).map("".join),
)
SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


@DATABASE
@given(header_values, st.text(LATIN_1, max_size=80))
def test_any_authorization_and_request_id_are_answered_sanely(db, api, authorization, request_id):
    response = api.get("/api/v1/programs/", HTTP_AUTHORIZATION=authorization, HTTP_X_REQUEST_ID=request_id)
    words = authorization.encode("latin-1").split()  # as DRF splits it: on ASCII whitespace only
    is_bearer = bool(words) and words[0].lower() == b"bearer"
    assert response.status_code == (401 if is_bearer else 200), response.content[:300]
    assert SANE_ID.fullmatch(response["X-Request-ID"])
