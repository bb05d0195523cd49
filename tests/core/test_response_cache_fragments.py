"""Rows kept as JSON and joined into their page (api.core.response_cache.fragments): the bytes the
JSON renderer makes of the whole page."""

import pytest
from rest_framework.renderers import JSONRenderer

from api.core.response_cache.fragments import ROWS_MARKER, join, render_row

ROWS = [{"id": 1, "title": "Wafer \u2028 «é»", "n": [1.5, None, True]}, {"id": 2, "title": 'say "hi"\n'}, {}]


@pytest.mark.parametrize("rows", [ROWS, ROWS[:1], []])
def test_a_joined_page_is_the_rendered_page(rows):
    envelope = {"count": len(rows), "next": "http://x/?page=2&q=%00rows", "previous": None}
    joined = join(JSONRenderer().render({**envelope, "results": ROWS_MARKER}), [render_row(row) for row in rows])
    assert joined == JSONRenderer().render({**envelope, "results": rows})


@pytest.mark.parametrize("results", [[], [ROWS_MARKER, ROWS_MARKER]], ids=["none", "twice"])
def test_an_envelope_without_exactly_one_marker_is_refused(results):
    with pytest.raises(ValueError):
        join(JSONRenderer().render({"results": results}), [b"{}"])
