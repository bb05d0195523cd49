"""The task list from the response cache (api.research.caching): a hit costs no query, every write
that changes a row is seen on the next read, callers never share answers, and the deliverable
summary moves at midnight in the deadline time zone without any write. A page costs at most five
queries with a bearer token, whatever its size."""

import datetime
import json

import pytest

from api.accounts import services as account_services
from api.research import services
from tests import factories
from tests.conftest import bearer
from tests.research.conftest import make_deliverable
from tests.research.support import UTC, make_tasks

URL = "/api/v1/tasks/"


def rows(response):
    return {row["number"]: row for row in response.json()["results"]}


def test_a_repeated_read_is_a_hit_without_a_query(member_api, task, confidential_task, django_assert_num_queries):
    first = member_api.get(URL)
    assert (first.status_code, first["X-Cache"]) == (200, "miss")
    with django_assert_num_queries(0):
        second = member_api.get(URL)
    assert (second["X-Cache"], second.content, second["ETag"]) == ("hit", first.content, first["ETag"])
    assert "private" in second["Cache-Control"]
    with django_assert_num_queries(0):
        assert member_api.get(URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_callers_never_share_an_answer(member_api, other_member_api, api, task, confidential_task):
    assert set(rows(member_api.get(URL))) == {"3160.001", "3160.002"}
    other = other_member_api.get(URL)
    assert (other["X-Cache"], set(rows(other))) == ("miss", {"3160.001"})
    anonymous = rows(api.get(URL))
    assert set(anonymous) == {"3160.001"} and anonymous["3160.001"]["access"] == "summary"


def _accept(deliverables, **_):
    services.deliverable_accept(deliverable=deliverables["submitted"])


def _new_deliverable(deliverables, task, **_):
    make_deliverable(task, "Extra", datetime.date(2026, 4, 1))


def _rename(task, **_):
    services.task_update(task=task, title="Renamed")


def _new_student(task, university, **_):
    services.task_update(task=task, students=[factories.student(university, given_name="Zed", family_name="Zulu")])


def _sponsor_leaves(member_company, **_):
    account_services.organisation_update(organisation=member_company, active=False)


def _pi_renamed(faculty_user, **_):
    account_services.person_update(person=faculty_user, family_name="Renamed")


@pytest.mark.parametrize(
    "write", [_accept, _new_deliverable, _rename, _new_student, _sponsor_leaves, _pi_renamed], ids=lambda f: f.__name__
)
def test_every_write_is_seen_by_the_next_read(
    write, make_token, member_user, deliverables, task, university, member_company, faculty_user
):
    member_api = bearer(make_token(member_user)[1])  # the caller read afresh at each request, as in production
    before = member_api.get(URL)
    write(deliverables=deliverables, task=task, university=university, member_company=member_company,
          faculty_user=faculty_user)  # fmt: skip
    after = member_api.get(URL)
    assert after["X-Cache"] == "miss" and after["ETag"] != before["ETag"]
    assert after.content != before.content
    assert after.content == member_api.get(URL).content  # and that answer is cached in its turn


def test_the_summary_moves_at_midnight_in_the_deadline_zone_without_a_write(settings, member_api, task, clock):
    settings.DEADLINE_TIME_ZONE = "America/New_York"  # midnight there is 04:00 or 05:00 UTC
    make_deliverable(task, "Due today", datetime.date(2026, 3, 15))
    clock.set(datetime.datetime(2026, 3, 16, 3, 59, tzinfo=UTC))  # 23:59 on the 15th in New York
    summary = member_api.get(URL).json()["results"][0]["deliverable_summary"]
    assert (summary["overdue"], summary["due_next_30_days"]) == (0, 1)
    clock.set(datetime.datetime(2026, 3, 16, 4, 0, tzinfo=UTC))  # midnight in New York: overdue
    response = member_api.get(URL)
    assert response["X-Cache"] == "miss"
    summary = response.json()["results"][0]["deliverable_summary"]
    assert (summary["overdue"], summary["due_next_30_days"]) == (1, 0)


@pytest.mark.parametrize("cache_seconds", [0, 300], ids=["uncached", "cached-but-empty"])
@pytest.mark.parametrize("who", ["member_user", "faculty_user", "staff_user"])
def test_a_token_callers_page_costs_at_most_five_queries_whatever_its_size(
    request, who, cache_seconds, settings, make_token, program, university, member_company,
    django_assert_max_num_queries,
):  # fmt: skip
    settings.RESPONSE_CACHE_SECONDS = cache_seconds
    client = bearer(make_token(request.getfixturevalue(who))[1])
    make_tasks(1, program, university, member_company)
    client.get("/api/v1/programs/")  # a token's first use records it (then at most once a minute)
    with django_assert_max_num_queries(5) as one:
        assert len(client.get(URL).json()["results"]) == 1
    make_tasks(29, program, university, member_company, start=1)
    with django_assert_max_num_queries(len(one)):
        page = client.get(URL, {"page_size": 50}).json()["results"]
    assert len(page) == 30 and all(row["deliverable_summary"] for row in page if row["access"] == "full")


def test_cached_rows_read_exactly_as_freshly_built_ones_for_every_caller(
    settings, api, member_api, other_member_api, faculty_api, staff_api, deliverables, confidential_task, other_task
):
    callers = (api, member_api, other_member_api, faculty_api, staff_api)
    queries = [{"page_size": 2}, {"page_size": 2, "page": 2}, {"ordering": "title"}]
    for client in callers:  # each caller fills the rows of their own access in their own order
        for query in queries:
            client.get(URL, query)
    cached = [[client.get(URL, {**query, "n": "x"}).content for query in queries] for client in callers]
    settings.RESPONSE_CACHE_SECONDS = 0
    fresh = [[client.get(URL, {**query, "n": "x"}).content for query in queries] for client in callers]
    assert cached == fresh  # byte for byte: rows are kept as JSON and joined into the page (fragments.py)
    assert {row["access"] for page in fresh for row in json.loads(page[2])["results"]} == {"full", "summary"}
