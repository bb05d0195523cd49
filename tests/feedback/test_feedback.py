"""Giving, reading, editing, answering and moderating feedback: whole payloads, states and the audit."""

import pytest

from api.core.audit.models import AuditEvent
from api.feedback.models import Feedback, FeedbackReply
from tests.feedback.support import URL, give, payload

pytestmark = pytest.mark.django_db

BODY = {"relevance": 4, "quality": 5, "progress": 2, "comment": "The roughness model is what we need."}


def test_create_answers_the_whole_feedback(member_api, member_user, member_company, report):
    response = member_api.post(URL, {**BODY, "report": report.pk}, format="json")
    assert response.status_code == 201
    feedback = Feedback.objects.get()
    # The report names its deliverable and task; the author's company is recorded.
    assert (feedback.task_id, feedback.deliverable_id, feedback.organisation) == (
        report.deliverable.task_id,
        report.deliverable_id,
        member_company,
    )
    assert response.json() == payload(feedback, can_edit=True)
    assert response.json()["report"] == {"id": report.pk, "version": 1}
    event = AuditEvent.objects.get(action="create", target_type="feedback.feedback")
    assert event.actor == member_user
    assert event.changes == {
        "task": feedback.task_id, "deliverable": report.deliverable_id, "report": report.pk,
        "author": member_user.pk, "organisation": member_company.pk,
        "relevance": 4, "quality": 5, "progress": 2, "comment": BODY["comment"], "hidden": False,
    }  # fmt: skip


def test_feedback_on_the_task_itself(member_api, task):
    response = member_api.post(URL, {**BODY, "task": task.pk}, format="json")
    assert response.status_code == 201
    assert (response.json()["task"]["id"], response.json()["deliverable"], response.json()["report"]) == (
        task.pk,
        None,
        None,
    )


def test_detail_answers_the_whole_feedback_with_its_replies(faculty_api, faculty_user, colleague_api, feedback):
    assert faculty_api.post(f"{URL}{feedback.pk}/replies/", {"text": "We will."}, format="json").status_code == 201
    assert faculty_api.get(f"{URL}{feedback.pk}/").json() == payload(feedback, can_reply=True)
    body = colleague_api.get(f"{URL}{feedback.pk}/").json()
    assert body == payload(feedback)
    assert [reply["author"]["id"] for reply in body["replies"]] == [faculty_user.pk]
    assert body["replied_at"] == body["replies"][0]["created_at"]


@pytest.mark.parametrize("field", ["relevance", "quality", "progress"])
@pytest.mark.parametrize("value", [0, 6, None, "missing"])
def test_each_score_is_a_whole_number_from_1_to_5(member_api, deliverable, field, value):
    body = {**BODY, "deliverable": deliverable.pk}
    if value == "missing":
        del body[field]
    else:
        body[field] = value
    events = AuditEvent.objects.count()
    response = member_api.post(URL, body, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    assert response.json()["detail"].startswith(f"{field}: ")
    assert (Feedback.objects.count(), AuditEvent.objects.count()) == (0, events)


def test_a_score_out_of_range_is_refused_on_edit_too(member_api, feedback):
    response = member_api.patch(f"{URL}{feedback.pk}/", {"progress": 6}, format="json")
    assert (response.status_code, list(response.json()["fields"])) == (400, ["progress"])
    feedback.refresh_from_db()
    assert feedback.progress == 5


def test_the_database_refuses_a_score_out_of_range(feedback):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.filter(pk=feedback.pk).update(relevance=0)


@pytest.mark.parametrize("comment", ["", "   "])
def test_a_comment_is_required(member_api, task, comment):
    response = member_api.post(URL, {**BODY, "task": task.pk, "comment": comment}, format="json")
    assert (response.status_code, list(response.json()["fields"])) == (400, ["comment"])
    assert not Feedback.objects.exists()


def test_a_report_of_another_deliverable_is_refused(member_api, deliverable, second_report):
    response = member_api.post(URL, {**BODY, "deliverable": deliverable.pk, "report": second_report.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"report": ["This report belongs to another deliverable."]}
    assert not Feedback.objects.exists()


def test_a_deliverable_of_another_task_is_refused(staff_user, member_api, deliverable, program, university):
    from api.research import services

    other = services.task_create(
        number="3160.009", title="Open study", program=program, university=university,
        start=deliverable.task.start, end=deliverable.task.end,
    )  # fmt: skip
    response = member_api.post(URL, {**BODY, "task": other.pk, "deliverable": deliverable.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"deliverable": ["This deliverable belongs to another task."]}
    assert not Feedback.objects.exists()


def test_a_target_is_required(member_api):
    response = member_api.post(URL, BODY, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"non_field_errors": ["Name a task, a deliverable or a progress report."]}


def test_the_target_and_the_author_cannot_be_changed(member_api, member_user, feedback, task, colleague):
    body = {"task": task.pk, "deliverable": None, "author": colleague.pk, "organisation": 1, "comment": "Edited."}
    before = (feedback.task_id, feedback.deliverable_id, feedback.author_id, feedback.organisation_id)
    assert member_api.patch(f"{URL}{feedback.pk}/", body, format="json").status_code == 200
    feedback.refresh_from_db()
    assert (feedback.task_id, feedback.deliverable_id, feedback.author_id, feedback.organisation_id) == before
    assert feedback.comment == "Edited."


def test_the_author_edits_until_a_reply_then_409(member_api, faculty_api, feedback):
    response = member_api.patch(f"{URL}{feedback.pk}/", {"relevance": 2, "comment": "Revised."}, format="json")
    assert response.status_code == 200
    assert response.json() == payload(feedback, can_edit=True)
    assert (response.json()["relevance"], response.json()["comment"]) == (2, "Revised.")

    assert faculty_api.post(f"{URL}{feedback.pk}/replies/", {"text": "Noted."}, format="json").status_code == 201
    assert member_api.get(f"{URL}{feedback.pk}/").json()["can_edit"] is False
    events = AuditEvent.objects.count()
    response = member_api.patch(f"{URL}{feedback.pk}/", {"relevance": 5}, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "status": 409,
        "code": "replied",
        "detail": "Cannot edit: the task's investigators have replied to this feedback.",
    }
    feedback.refresh_from_db()
    assert feedback.relevance == 2
    assert AuditEvent.objects.count() == events


def test_the_author_withdraws_until_a_reply_staff_delete_any_time(
    member_api, faculty_api, staff_api, feedback, member_user, task
):
    faculty_api.post(f"{URL}{feedback.pk}/replies/", {"text": "Noted."}, format="json")
    reply = FeedbackReply.objects.get()
    response = member_api.delete(f"{URL}{feedback.pk}/")
    assert (response.status_code, response.json()["code"]) == (409, "replied")
    assert staff_api.delete(f"{URL}{feedback.pk}/").status_code == 204
    assert not Feedback.objects.exists() and not FeedbackReply.objects.exists()
    assert AuditEvent.objects.get(action="delete").changes["replies"] == [reply.pk]

    unanswered = give(member_user, task=task)
    assert member_api.delete(f"{URL}{unanswered.pk}/").status_code == 204
    assert not Feedback.objects.exists()


def test_replies_are_audited_and_need_text(faculty_api, faculty_user, feedback):
    response = faculty_api.post(f"{URL}{feedback.pk}/replies/", {"text": " "}, format="json")
    assert (response.status_code, list(response.json()["fields"])) == (400, ["text"])
    response = faculty_api.post(f"{URL}{feedback.pk}/replies/", {"text": "First."}, format="json")
    first_replied_at = response.json()["replied_at"]
    response = faculty_api.post(f"{URL}{feedback.pk}/replies/", {"text": "Second."}, format="json")
    assert [reply["text"] for reply in response.json()["replies"]] == ["First.", "Second."]
    assert response.json()["replied_at"] == first_replied_at  # the first reply froze it
    events = AuditEvent.objects.filter(action="reply", target_id=str(feedback.pk)).order_by("id")
    assert [(event.actor, event.changes["text"]) for event in events] == [
        (faculty_user, "First."),
        (faculty_user, "Second."),
    ]


def test_hide_and_unhide(staff_api, staff_user, member_api, colleague_api, faculty_api, feedback):
    response = staff_api.post(f"{URL}{feedback.pk}/hide/", {}, format="json")
    assert (response.status_code, list(response.json()["fields"])) == (400, ["reason"])

    response = staff_api.post(f"{URL}{feedback.pk}/hide/", {"reason": "Names a person."}, format="json")
    assert response.status_code == 200
    assert response.json() == payload(feedback)
    assert (response.json()["hidden"], response.json()["hidden_reason"]) == (True, "Names a person.")
    feedback.refresh_from_db()
    assert feedback.hidden_by == staff_user

    # Hidden: staff and the author (who learns why) see it; the PI and colleagues do not.
    assert member_api.get(f"{URL}{feedback.pk}/").json() == payload(feedback)
    assert colleague_api.get(f"{URL}{feedback.pk}/").status_code == 404
    assert faculty_api.get(f"{URL}{feedback.pk}/").status_code == 404
    assert faculty_api.post(f"{URL}{feedback.pk}/replies/", {"text": "x"}, format="json").status_code == 404
    assert faculty_api.get(URL).json()["results"] == []
    response = member_api.patch(f"{URL}{feedback.pk}/", {"comment": "Sorry."}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "hidden")
    response = staff_api.post(f"{URL}{feedback.pk}/hide/", {"reason": "Again."}, format="json")
    assert (response.status_code, response.json()["detail"]) == (409, "This feedback is already hidden.")

    response = staff_api.post(f"{URL}{feedback.pk}/unhide/")
    assert response.status_code == 200
    assert (response.json()["hidden"], response.json()["hidden_reason"], response.json()["hidden_at"]) == (
        False,
        "",
        None,
    )
    assert faculty_api.get(f"{URL}{feedback.pk}/").status_code == 200
    assert staff_api.post(f"{URL}{feedback.pk}/unhide/").status_code == 409
    events = AuditEvent.objects.filter(target_id=str(feedback.pk), action__in=["hide", "unhide"]).order_by("id")
    assert [(event.action, event.changes) for event in events] == [
        ("hide", {"hidden": [False, True], "reason": "Names a person."}),
        ("unhide", {"hidden": [True, False], "reason": "Names a person."}),
    ]


def test_the_author_may_withdraw_hidden_feedback_before_a_reply(staff_api, member_api, feedback):
    staff_api.post(f"{URL}{feedback.pk}/hide/", {"reason": "Off topic."}, format="json")
    assert member_api.delete(f"{URL}{feedback.pk}/").status_code == 204
    assert not Feedback.objects.filter(pk=feedback.pk).exists()
