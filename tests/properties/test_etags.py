"""If-None-Match on the cached publication list (api.core.response_cache): any header value is a 200 or a
304, and a 304 exactly when the list's current ETag (weak or strong) is among the tags sent, or `*`."""

from hypothesis import given
from hypothesis import strategies as st

from tests.properties.support import DATABASE

URL = "/api/v1/publications/"
tags = st.one_of(
    st.text(st.characters(min_codepoint=0x21, max_codepoint=0xFF, blacklist_characters=","), max_size=40),
    st.sampled_from(['"abc"', "W/", "*", "", " "]),
)


@DATABASE
@given(st.lists(tags, max_size=4), st.sampled_from([None, "strong", "weak"]), st.sampled_from([", ", ",", " , "]))
def test_if_none_match_is_a_304_exactly_when_it_names_the_current_etag(db, api, others, current, separator):
    etag = api.get(URL)["ETag"]
    sent = list(others)
    if current is not None:
        sent.insert(len(sent) // 2, etag if current == "strong" else f"W/{etag}")
    response = api.get(URL, HTTP_IF_NONE_MATCH=separator.join(sent))
    matches = current is not None or "*" in [tag.strip() for tag in sent if len(sent) == 1] or etag in sent
    assert response.status_code == (304 if matches else 200)
