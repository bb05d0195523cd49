"""Every filter with a matching and a non-matching row; the list's order and its query count."""

import pytest

from api.feedback import services
from tests import factories
from tests.feedback.support import URL, give

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(member_user, colleague, faculty_user, task, deliverable, report, second_deliverable):
    """Four rows of Aster people; `replied` has a PI's reply, `hidden` is hidden by staff."""
    on_task = give(member_user, task=task)
    on_report = give(colleague, report=report)
    replied = give(member_user, deliverable=second_deliverable)
    services.feedback_reply(feedback=replied, author=faculty_user, text="Thanks.")
    hidden = give(colleague, deliverable=second_deliverable)
    services.feedback_hide(feedback=hidden, reason="Off topic.")
    return {"on_task": on_task, "on_report": on_report, "replied": replied, "hidden": hidden}


def ids(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_newest_first_then_by_id(staff_api, rows):
    expected = sorted(rows.values(), key=lambda row: (row.created_at, row.pk), reverse=True)
    assert ids(staff_api) == [row.pk for row in expected]


@pytest.mark.parametrize(
    ("name", "value", "matching"),
    [
        ("task", lambda f: f["on_task"].task_id, ["on_task", "on_report", "replied", "hidden"]),
        ("deliverable", lambda f: f["on_report"].deliverable_id, ["on_report"]),
        ("deliverable", lambda f: f["replied"].deliverable_id, ["replied", "hidden"]),
        ("report", lambda f: f["on_report"].report_id, ["on_report"]),
        ("author", lambda f: f["on_task"].author_id, ["on_task", "replied"]),
        ("has_reply", lambda f: "true", ["replied"]),
        ("has_reply", lambda f: "false", ["on_task", "on_report", "hidden"]),
        ("hidden", lambda f: "true", ["hidden"]),
        ("hidden", lambda f: "false", ["on_task", "on_report", "replied"]),
    ],
)
def test_filter(staff_api, rows, name, value, matching):
    assert sorted(ids(staff_api, **{name: value(rows)})) == sorted(rows[key].pk for key in matching)


def test_filters_on_ids_of_other_rows_match_nothing(staff_api, rows, other_task, other_deliverable):
    assert ids(staff_api, task=other_task.pk) == []
    assert ids(staff_api, deliverable=other_deliverable.pk) == []
    assert ids(staff_api, report=999999) == []
    assert ids(staff_api, author=rows["on_task"].task.principal_investigators.get().pk) == []


def test_the_hidden_filter_shows_others_only_their_own(member_api, colleague_api, rows):
    assert ids(member_api, hidden="true") == []
    assert ids(colleague_api, hidden="true") == [rows["hidden"].pk]


@pytest.mark.parametrize("params", [{"hidden": "maybe"}, {"has_reply": "yes"}, {"task": "abc"}], ids=str)
def test_nonsense_filter_values_are_a_400(staff_api, params):
    response = staff_api.get(URL, params)
    assert (response.status_code, list(response.json()["fields"])) == (400, list(params))


def test_ordering_by_created_at(staff_api, rows):
    ascending = ids(staff_api, ordering="created_at")
    assert ascending == sorted(ascending, key=lambda pk: (next(r for r in rows.values() if r.pk == pk).created_at, pk))


def test_query_count_does_not_grow_with_page_size(
    faculty_api, member_user, colleague, faculty_user, task, deliverable, report, django_assert_max_num_queries
):
    services.feedback_reply(feedback=give(member_user, task=task), author=faculty_user, text="One.")
    with django_assert_max_num_queries(3) as one:  # the count, the page, the replies
        assert len(faculty_api.get(URL).json()["results"]) == 1
    for index in range(30):
        author = [member_user, colleague, factories.member(factories.OrganisationFactory())][index % 3]
        feedback = give(author, report=report if index % 2 else None, deliverable=deliverable)
        services.feedback_reply(feedback=feedback, author=faculty_user, text=f"Reply {index}.")
        services.feedback_reply(feedback=feedback, author=faculty_user, text="And another.")
    with django_assert_max_num_queries(len(one)):
        assert len(faculty_api.get(URL, {"page_size": 50}).json()["results"]) == 31
