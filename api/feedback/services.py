"""Writes of feedback and replies. Every one validates, runs in a transaction and is audited.

given ──edit/delete (author)──▶ …          a reply freezes it: edit or delete by the author → 409
  │ └──reply (the task's PIs)──▶ replied    staff may still delete it (with its replies)
  └──hide (staff, reason)──▶ hidden ──unhide──▶ given
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from api.accounts.access import member_company
from api.core.audit.services import audit_record, audited_update, snapshot
from api.core.errors import Conflict
from api.feedback.models import RUBRIC, Feedback, FeedbackReply
from api.research import access

FEEDBACK_FIELDS = ("task", "deliverable", "report", "author", "organisation", *RUBRIC, "comment", "hidden")
EDITABLE_FIELDS = (*RUBRIC, "comment")


def _locked(feedback: Feedback) -> Feedback:
    # No joins in a locking query: SQL Server puts the lock hint on the first table only.
    return Feedback.objects.select_for_update().get(pk=feedback.pk)


def _require_text(value: str | None, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [message]})
    return value


def _target(task, deliverable, report):
    """The missing parents of the most specific target; consistency is checked by Feedback.clean."""
    if report is not None and deliverable is None:
        deliverable = report.deliverable
    if deliverable is not None and task is None:
        task = deliverable.task
    if task is None:
        raise ValidationError({"non_field_errors": ["Name a task, a deliverable or a progress report."]})
    return task, deliverable, report


@transaction.atomic
def feedback_create(
    *, author, relevance: int, quality: int, progress: int, comment: str, task=None, deliverable=None, report=None
) -> Feedback:
    """Feedback by a person of an active member company on a task they see in full."""
    company = member_company(author)
    if company is None:
        raise ValidationError({"author": ["Only people of an active member company give feedback."]})
    task, deliverable, report = _target(task, deliverable, report)
    feedback = Feedback(
        task=task,
        deliverable=deliverable,
        report=report,
        author=author,
        organisation=company,
        relevance=relevance,
        quality=quality,
        progress=progress,
        comment=_require_text(comment, "comment", "Write a comment."),
    )
    feedback.full_clean()
    if not access.can(author, task, access.full(author)):
        raise ValidationError({"task": ["You cannot give feedback on this task."]})
    feedback.save()
    audit_record(action="create", target=feedback, changes=snapshot(feedback, FEEDBACK_FIELDS))
    return feedback


def _check_open(feedback: Feedback, doing: str) -> None:
    if feedback.replied_at is not None:
        raise Conflict(f"Cannot {doing}: the task's investigators have replied to this feedback.", code="replied")
    if feedback.hidden:
        raise Conflict(f"Cannot {doing}: staff have hidden this feedback.", code="hidden")


@transaction.atomic
def feedback_update(*, feedback: Feedback, **fields) -> Feedback:
    """The rubric and the comment, by the author, until someone replies (409 after)."""
    feedback = _locked(feedback)
    _check_open(feedback, "edit")

    def check(edited):
        edited.comment = _require_text(edited.comment, "comment", "Write a comment.")

    return audited_update(feedback, fields, editable=EDITABLE_FIELDS, check=check)


@transaction.atomic
def feedback_delete(*, feedback: Feedback, moderator: bool = False) -> None:
    """The author withdraws feedback (hidden or not) until someone replies; a moderator (staff)
    deletes any, its replies with it."""
    feedback = _locked(feedback)
    if not moderator and feedback.replied_at is not None:
        raise Conflict("Cannot delete: the task's investigators have replied to this feedback.", code="replied")
    replies = list(feedback.replies.values_list("pk", flat=True))
    audit_record(action="delete", target=feedback, changes={**snapshot(feedback, FEEDBACK_FIELDS), "replies": replies})
    feedback.replies.all().delete()
    feedback.delete()


@transaction.atomic
def feedback_reply(*, feedback: Feedback, author, text: str) -> FeedbackReply:
    """A reply by one of the task's principal investigators; the first one freezes the feedback."""
    text = _require_text(text, "text", "Write a reply.")
    feedback = _locked(feedback)
    if feedback.hidden:
        raise Conflict("Cannot reply: staff have hidden this feedback.", code="hidden")
    if not access.can(author, feedback.task, access.leads(author)):
        raise ValidationError({"author": ["Only the task's principal investigators reply to feedback."]})
    reply = FeedbackReply(feedback=feedback, author=author, text=text)
    reply.full_clean()
    reply.save()
    if feedback.replied_at is None:
        feedback.replied_at = reply.created_at
        feedback.save(update_fields=["replied_at", "updated_at"])
    audit_record(action="reply", target=feedback, changes={"reply": reply.pk, "text": text})
    return reply


@transaction.atomic
def feedback_hide(*, feedback: Feedback, reason: str, hidden_by=None) -> Feedback:
    """Staff moderation: hidden feedback is seen by staff and its author only."""
    reason = _require_text(reason, "reason", "Give a reason.")
    feedback = _locked(feedback)
    if feedback.hidden:
        raise Conflict("This feedback is already hidden.", code="invalid_state")
    feedback.hidden = True
    feedback.hidden_reason = reason
    feedback.hidden_at = timezone.now()
    feedback.hidden_by = hidden_by
    feedback.full_clean()
    feedback.save()
    audit_record(action="hide", target=feedback, changes={"hidden": [False, True], "reason": reason})
    return feedback


@transaction.atomic
def feedback_unhide(*, feedback: Feedback) -> Feedback:
    feedback = _locked(feedback)
    if not feedback.hidden:
        raise Conflict("This feedback is not hidden.", code="invalid_state")
    reason = feedback.hidden_reason
    feedback.hidden = False
    feedback.hidden_reason = ""
    feedback.hidden_at = None
    feedback.hidden_by = None
    feedback.full_clean()
    feedback.save()
    audit_record(action="unhide", target=feedback, changes={"hidden": [True, False], "reason": reason})
    return feedback
