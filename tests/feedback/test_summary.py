"""Rubric scores per deliverable and per task: for the task's PIs and staff only.

A caller who cannot see the task (or, with ?deliverable=, see its deliverables in full) gets a
404; a caller who sees it but is neither its PI nor staff gets a 403.
"""

import pytest

from api.feedback import services
from tests.conftest import bearer
from tests.feedback.support import give

pytestmark = pytest.mark.django_db
URL = "/api/v1/feedback/summary/"


@pytest.fixture
def scored(member_user, colleague, other_member, staff_user, task, deliverable, report, second_deliverable):
    give(member_user, task=task, scores=(4, 3, 5))
    give(member_user, deliverable=deliverable, scores=(5, 5, 5))
    give(colleague, deliverable=deliverable, scores=(4, 2, 3))
    give(other_member, deliverable=deliverable, scores=(2, 2, 2))
    give(colleague, report=report, scores=(1, 1, 1))  # counts for the report's deliverable
    hidden = give(other_member, deliverable=deliverable, scores=(5, 5, 5))
    services.feedback_hide(feedback=hidden, reason="Spam.")  # hidden feedback never counts


def brief(deliverable):
    return {"id": deliverable.pk, "title": deliverable.title}


def test_task_summary_arithmetic(faculty_api, scored, task, deliverable, second_deliverable):
    response = faculty_api.get(URL, {"task": task.pk})
    assert response.status_code == 200
    assert response.json() == {
        "task": {"id": task.pk, "number": task.number, "title": task.title},
        "deliverable": None,
        # 16/5, 13/5, 16/5
        "totals": {"count": 5, "relevance": 3.2, "quality": 2.6, "progress": 3.2},
        "task_level": {"count": 1, "relevance": 4.0, "quality": 3.0, "progress": 5.0},
        "deliverables": [
            # 12/4, 10/4, 11/4
            {"deliverable": brief(deliverable), "count": 4, "relevance": 3.0, "quality": 2.5, "progress": 2.75},
            {
                "deliverable": brief(second_deliverable),
                "count": 0,
                "relevance": None,
                "quality": None,
                "progress": None,
            },
        ],
    }


def test_deliverable_summary_arithmetic(staff_api, scored, member_user, task, deliverable):
    give(member_user, deliverable=deliverable, scores=(1, 2, 2))  # 13/5, 12/5, 13/5 over its five rows
    response = staff_api.get(URL, {"deliverable": deliverable.pk})
    assert response.status_code == 200
    scores = {"count": 5, "relevance": 2.6, "quality": 2.4, "progress": 2.6}
    assert response.json() == {
        "task": {"id": task.pk, "number": task.number, "title": task.title},
        "deliverable": brief(deliverable),
        "totals": scores,
        "task_level": None,
        "deliverables": [{"deliverable": brief(deliverable), **scores}],
    }


def test_averages_are_rounded_to_two_decimals(faculty_api, member_user, colleague, deliverable):
    for scores in [(1, 1, 1), (2, 2, 1), (2, 2, 1)]:
        give(member_user if scores[1] == 1 else colleague, deliverable=deliverable, scores=scores)
    row = faculty_api.get(URL, {"deliverable": deliverable.pk}).json()["totals"]
    assert row == {"count": 3, "relevance": 1.67, "quality": 1.67, "progress": 1.0}


def test_an_empty_task(faculty_api, task):
    body = faculty_api.get(URL, {"task": task.pk}).json()
    empty = {"count": 0, "relevance": None, "quality": None, "progress": None}
    assert (body["totals"], body["task_level"], body["deliverables"]) == (empty, empty, [])


TASK = {  # caller: status of ?task= (public task), ?task= (confidential other_task), ?deliverable=
    "api": (401, 401, 401),
    "student_api": (403, 404, 403),  # on the team: sees the task and its deliverables
    "faculty_api": (200, 404, 200),
    "other_faculty_api": (403, 200, 404),  # sees the public task's summary, not its deliverables
    "member_api": (403, 404, 403),
    "colleague_api": (403, 404, 403),
    "other_member_api": (403, 404, 403),
    "inactive_member_api": (403, 404, 404),  # public access: the task, not its deliverables
    "staff_api": (200, 200, 200),
    "pi_read_token": (200, 404, 200),
}


@pytest.fixture
def pi_read_token(faculty_user, make_token):
    return bearer(make_token(faculty_user, scopes=["read"])[1])


@pytest.mark.parametrize("role", list(TASK))
def test_who_sees_the_summary(request, role, scored, task, other_task, deliverable):
    client = request.getfixturevalue(role)
    statuses = (
        client.get(URL, {"task": task.pk}).status_code,
        client.get(URL, {"task": other_task.pk}).status_code,
        client.get(URL, {"deliverable": deliverable.pk}).status_code,
    )
    assert statuses == TASK[role]


@pytest.mark.parametrize("params", [{}, {"task": 1, "deliverable": 1}, {"task": "abc"}, {"deliverable": 0}], ids=str)
def test_the_summary_needs_one_task_or_deliverable(staff_api, params):
    response = staff_api.get(URL, params)
    assert (response.status_code, response.json()["code"]) == (400, "invalid")


def test_a_blank_or_unknown_parameter_is_a_400_naming_it(staff_api, deliverable):
    """Not read as absent: `?task=&deliverable=N` would otherwise be the deliverable's summary."""
    blank = staff_api.get(f"{URL}?task=&deliverable={deliverable.pk}")
    assert (blank.status_code, blank.json()["fields"]) == (400, {"task": ["Give a value, or leave the parameter out."]})
    unknown = staff_api.get(URL, {"deliverable": deliverable.pk, "tsak": 1})
    assert unknown.status_code == 400 and list(unknown.json()["fields"]) == ["tsak"]
    assert staff_api.get(URL, {"deliverable": deliverable.pk}).status_code == 200


def test_an_unknown_task_is_a_404(staff_api):
    assert staff_api.get(URL, {"task": 999999}).status_code == 404
    assert staff_api.get(URL, {"deliverable": 999999}).status_code == 404


def test_the_summary_costs_a_fixed_number_of_queries(faculty_api, scored, task, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        assert faculty_api.get(URL, {"task": task.pk}).status_code == 200
