"""GET /api/v1/publications/cursor/: integrations walk the whole list by keyset, with no COUNT
and no OFFSET, seeing exactly what the list shows them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.publications.support import URL

CURSOR_URL = f"{URL}cursor/"


@pytest.fixture
def many(pub_make):
    public = [pub_make(title=f"Open {n:02d}", access="public", year=2020 + n % 3) for n in range(23)]
    members = [pub_make(title=f"Members {n:02d}", access="members") for n in range(4)]
    return public, members


def walk(client, start=None, **params):
    """Every page's ids and the SQL of every request, following `next` to the end (from `start`,
    a `next` link, or from the beginning with `params`)."""
    seen, statements = [], []
    url, query = (start, None) if start else (CURSOR_URL, {"page_size": 5, **params})
    while url:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, query)
        assert response.status_code == 200, response.json()
        body = response.json()
        assert set(body) == {"next", "previous", "results"}
        seen += [row["id"] for row in body["results"]]
        statements.append([q["sql"] for q in captured.captured_queries])
        url, query = body["next"], None
    return seen, statements


def test_a_walk_sees_every_visible_row_once_in_id_order(api, member_api, many):
    public, members = many
    anonymous, _ = walk(api)
    assert anonymous == sorted(p.pk for p in public)
    member, _ = walk(member_api)
    assert member == sorted(p.pk for p in public + members)


def test_no_page_counts_the_table_or_skips_rows_and_each_costs_the_same(api, many):
    _, statements = walk(api)
    assert len(statements) == 5  # 23 rows, 5 a page
    assert len({len(page) for page in statements}) == 1, [len(page) for page in statements]
    for page in statements:
        sql = " ".join(page).upper()
        assert "COUNT(" not in sql and "OFFSET" not in sql


def test_the_list_filters_apply(api, many):
    public, _ = many
    seen, _ = walk(api, year_from=2021, year_to=2021)
    assert seen == sorted(p.pk for p in public if p.year == 2021)


def test_a_row_added_during_a_walk_is_seen_when_it_lies_ahead(api, many, pub_make):
    first = api.get(CURSOR_URL, {"page_size": 5}).json()
    added = pub_make(title="Open late", access="public")  # a new id: ahead of any position
    seen = [row["id"] for row in first["results"]] + walk(api, start=first["next"])[0]
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 24
    assert added.pk == seen[-1]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"ordering": "title"}, "ordering"),
        ({"page": "2"}, "ordering"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "many"}, "page_size"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(api, many, params, field):
    response = api.get(CURSOR_URL, params)
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_page_size_is_capped(api, many):
    assert len(api.get(CURSOR_URL, {"page_size": "100000"}).json()["results"]) == 23
