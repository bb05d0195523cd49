"""Who sees, gives, edits, deletes, answers and moderates feedback: one table per operation.

The feedback under test is member_user's (Aster) on a deliverable of `task`, led by faculty_user.
"""

import pytest

from api.core.audit.models import AuditEvent
from api.feedback.models import Feedback, FeedbackReply
from tests.conftest import bearer
from tests.feedback.support import URL, client_for, give

pytestmark = pytest.mark.django_db

# Callers by fixture name; "read_token" is the author's colleague through a read-only API token.
ROLES = [
    "api",  # anonymous
    "student_api",  # on the task's team, but students never see feedback
    "faculty_api",  # the task's PI
    "other_faculty_api",  # faculty of another task
    "member_api",  # the author
    "colleague_api",  # the author's company
    "other_member_api",  # another company (a liaison of the task, even)
    "inactive_member_api",  # an inactive member company: public access only
    "staff_api",
    "read_token",
]


@pytest.fixture
def read_token(colleague, make_token):
    return bearer(make_token(colleague, scopes=["read"])[1])


@pytest.fixture
def author_read_token(member_user, make_token):
    return bearer(make_token(member_user, scopes=["read"])[1])


def caller(request, name):
    return request.getfixturevalue(name)


READ = {  # role: (list status, sees the row, detail status)
    "api": (401, False, 401),
    "student_api": (200, False, 404),
    "faculty_api": (200, True, 200),
    "other_faculty_api": (200, False, 404),
    "member_api": (200, True, 200),
    "colleague_api": (200, True, 200),
    "other_member_api": (200, False, 404),
    "inactive_member_api": (200, False, 404),
    "staff_api": (200, True, 200),
    "read_token": (200, True, 200),
}


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_feedback(request, role, feedback):
    list_status, sees, detail_status = READ[role]
    client = caller(request, role)
    response = client.get(URL)
    assert response.status_code == list_status
    if list_status == 200:
        assert [row["id"] for row in response.json()["results"]] == ([feedback.pk] if sees else [])
    assert client.get(f"{URL}{feedback.pk}/").status_code == detail_status


def test_an_inactive_companys_own_feedback_disappears_for_its_people(member_api, member_user, feedback):
    company = member_user.organisation
    company.active = False
    company.save()
    assert member_api.get(f"{URL}{feedback.pk}/").status_code == 404
    assert member_api.get(URL).json()["results"] == []


def test_colleagues_lose_feedback_on_a_task_they_no_longer_see_in_full(colleague_api, member_user, task):
    mine = give(member_user, task=task)
    task.confidential = True  # not sponsored by Aster: no longer seen in full
    task.save()
    assert colleague_api.get(f"{URL}{mine.pk}/").status_code == 404


CREATE = {  # role: status of POST on the non-confidential task
    "api": 401,
    "student_api": 403,
    "faculty_api": 403,
    "other_faculty_api": 403,
    "member_api": 201,
    "colleague_api": 201,
    "other_member_api": 201,  # any active member company may comment on a task it sees in full
    "inactive_member_api": 403,
    "staff_api": 403,
    "read_token": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_who_gives_feedback(request, role, deliverable):
    body = {"deliverable": deliverable.pk, "relevance": 3, "quality": 3, "progress": 3, "comment": "Fine."}
    response = caller(request, role).post(URL, body, format="json")
    assert response.status_code == CREATE[role], response.json()
    assert Feedback.objects.count() == (1 if CREATE[role] == 201 else 0)


def test_no_feedback_on_a_task_one_cannot_see_in_full(member_api, other_task, other_deliverable):
    for body in ({"task": other_task.pk}, {"deliverable": other_deliverable.pk}):
        response = member_api.post(URL, {**body, "relevance": 3, "quality": 3, "progress": 3, "comment": "x"})
        assert response.status_code == 400
        assert list(response.json()["fields"]) == list(body)  # "does not exist": nothing confirmed
    assert not Feedback.objects.exists()


EDIT = {  # role: status of PATCH
    "api": 401,
    "student_api": 404,
    "faculty_api": 403,
    "other_faculty_api": 404,
    "member_api": 200,
    "colleague_api": 403,
    "other_member_api": 404,
    "inactive_member_api": 404,
    "staff_api": 403,  # staff moderate (hide); they do not put words in members' mouths
    "read_token": 403,
    "author_read_token": 403,
}


@pytest.mark.parametrize("role", [*ROLES, "author_read_token"])
def test_who_edits_feedback(request, role, feedback):
    response = caller(request, role).patch(f"{URL}{feedback.pk}/", {"quality": 1}, format="json")
    assert response.status_code == EDIT[role]
    feedback.refresh_from_db()
    assert feedback.quality == (1 if EDIT[role] == 200 else 3)


DELETE = {  # role: status of DELETE
    "api": 401,
    "student_api": 404,
    "faculty_api": 403,
    "other_faculty_api": 404,
    "member_api": 204,
    "colleague_api": 403,
    "other_member_api": 404,
    "inactive_member_api": 404,
    "staff_api": 204,
    "read_token": 403,
    "author_read_token": 403,
}


@pytest.mark.parametrize("role", [*ROLES, "author_read_token"])
def test_who_deletes_feedback(request, role, feedback):
    assert caller(request, role).delete(f"{URL}{feedback.pk}/").status_code == DELETE[role]
    assert Feedback.objects.filter(pk=feedback.pk).exists() == (DELETE[role] != 204)


REPLY = {  # role: status of POST replies/
    "api": 401,
    "student_api": 404,
    "faculty_api": 201,
    "other_faculty_api": 404,
    "member_api": 403,
    "colleague_api": 403,
    "other_member_api": 404,
    "inactive_member_api": 404,
    "staff_api": 403,
    "read_token": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_who_replies(request, role, feedback):
    response = caller(request, role).post(f"{URL}{feedback.pk}/replies/", {"text": "Thanks."}, format="json")
    assert response.status_code == REPLY[role]
    assert FeedbackReply.objects.count() == (1 if REPLY[role] == 201 else 0)


MODERATE = {  # role: (status of POST hide/, of unhide/ once hidden); 404 where the caller cannot see it
    "api": (401, 401),
    "student_api": (404, 404),
    "faculty_api": (403, 404),  # hidden feedback is for staff and its author only
    "other_faculty_api": (404, 404),
    "member_api": (403, 403),  # the author
    "colleague_api": (403, 404),
    "other_member_api": (404, 404),
    "inactive_member_api": (404, 404),
    "staff_api": (200, 200),
    "read_token": (403, 403),
}


@pytest.mark.parametrize("role", ROLES)
def test_who_moderates(request, role, feedback, staff_user):
    client = caller(request, role)
    hide, unhide = MODERATE[role]
    assert client.post(f"{URL}{feedback.pk}/hide/", {"reason": "Off topic."}, format="json").status_code == hide
    feedback.refresh_from_db()
    assert feedback.hidden == (hide == 200)
    if not feedback.hidden:
        Feedback.objects.filter(pk=feedback.pk).update(hidden=True, hidden_reason="Spam.")
    assert client.post(f"{URL}{feedback.pk}/unhide/").status_code == unhide


def test_a_staff_token_with_the_read_scope_cannot_moderate(staff_user, make_token, feedback):
    client = bearer(make_token(staff_user, scopes=["read"])[1])
    assert client.get(f"{URL}{feedback.pk}/").status_code == 200
    assert client.post(f"{URL}{feedback.pk}/hide/", {"reason": "x"}, format="json").status_code == 403
    assert not AuditEvent.objects.filter(action="hide").exists()


def test_a_write_token_of_the_author_edits(member_user, make_token, feedback):
    client = bearer(make_token(member_user, scopes=["read", "write"])[1])
    assert client.patch(f"{URL}{feedback.pk}/", {"quality": 5}, format="json").status_code == 200
    event = AuditEvent.objects.get(action="update", target_id=str(feedback.pk))
    assert (event.actor, event.via, event.changes) == (member_user, "token", {"quality": [3, 5]})


def test_put_is_not_offered(member_api, feedback):
    body = {"relevance": 1, "quality": 1, "progress": 1, "comment": "x"}
    assert member_api.put(f"{URL}{feedback.pk}/", body, format="json").status_code == 405


def test_a_pi_added_later_sees_the_tasks_feedback(faculty_user, other_faculty, task):
    # Faculty added as a PI of the task see its feedback from then on, whichever company gave it.
    feedback = give(task.liaisons.get(), task=task)  # other_member (Helix), a liaison
    client = client_for(other_faculty)
    assert client.get(f"{URL}{feedback.pk}/").status_code == 404
    task.principal_investigators.add(other_faculty)
    assert client.get(f"{URL}{feedback.pk}/").status_code == 200
