"""Opaque cursors: the change feed's (api.changes.feed) and the publications walk's keyset cursor
(api.core.pagination.KeysetPagination). What we gave out reads back as itself; anything else, however
well-formed it looks, is a 400 naming `cursor`, never a 500."""

import base64
from urllib.parse import urlencode

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from api.changes import feed
from tests.properties.support import DATABASE, PURE, query_values

CHANGES = "/api/v1/changes/"
WALK = "/api/v1/publications/cursor/"


@PURE
@given(st.integers(min_value=0, max_value=2**63 - 1))
def test_a_feed_cursor_reads_back_as_its_position(seq):
    assert feed.decode(feed.encode(seq)) == seq


@PURE
@given(st.integers(min_value=0, max_value=2**63 - 1), st.data())
def test_a_feed_cursor_changed_anywhere_is_refused(seq, data):
    cursor = feed.encode(seq)
    index = data.draw(st.integers(0, len(cursor) - 1))
    replacement = data.draw(st.characters(codec="ascii").filter(lambda ch: ch != cursor[index]))
    with pytest.raises(feed.BadCursor):
        feed.decode(cursor[:index] + replacement + cursor[index + 1 :])


@PURE
@given(st.text(max_size=80))
def test_any_text_is_a_feed_position_or_a_bad_cursor(text):
    try:
        seq = feed.decode(text)
    except feed.BadCursor:
        return
    assert seq >= 0 and (seq == 0) == (not text)  # only no cursor at all starts from the beginning


def _assert_ok_or_names(response, names) -> None:
    assert response.status_code in (200, 400), response.content[:300]
    if response.status_code == 400:
        fields = response.json()["fields"]
        assert fields and set(fields) <= set(names), fields


@DATABASE
@given(st.one_of(query_values, st.text(max_size=60)), st.one_of(st.none(), query_values))
def test_the_change_feed_answers_any_cursor_and_limit_with_200_or_a_400_naming_them(db, api, cursor, limit):
    params = {"cursor": cursor} | ({} if limit is None else {"limit": limit})
    _assert_ok_or_names(api.get(CHANGES, params), params)


# DRF's cursor: base64 of a query string with an offset `o`, a direction `r` and a position `p`.
def drf_cursor(fields: dict) -> str:
    return base64.b64encode(urlencode(fields).encode()).decode()


positions = st.one_of(st.integers(-(2**70), 2**70).map(str), query_values, st.text(st.characters(codec="ascii")))
forged_cursors = st.fixed_dictionaries({}, optional={"o": query_values, "r": query_values, "p": positions}).map(
    drf_cursor
)


@DATABASE
@given(st.one_of(forged_cursors, query_values))
@example(drf_cursor({"p": "abc"}))  # was a 500: the position reached the query as text
@example(drf_cursor({"p": str(2**64)}))  # was a 500 on SQLite: larger than any integer column
@example(drf_cursor({"p": "1", "r": "1"}))
def test_the_publication_walk_answers_any_cursor_with_200_or_a_400_naming_it(staff_api, cursor):
    _assert_ok_or_names(staff_api.get(WALK, {"cursor": cursor}), {"cursor"})


@DATABASE
@given(st.integers(0, 2**63 - 1), st.booleans())
def test_a_walk_cursor_with_any_whole_position_is_a_page(staff_api, position, reverse):
    response = staff_api.get(WALK, {"cursor": drf_cursor({"p": position, "r": int(reverse)})})
    assert response.status_code == 200 and response.json()["results"] == []
