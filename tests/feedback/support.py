"""Helpers for the feedback tests: building rows through the services, and expected payloads."""

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.fields import DateTimeField
from rest_framework.test import APIClient

from api.core.files.uploads import check_upload
from api.feedback import services as feedback_services
from api.research import services

URL = "/api/v1/feedback/"
PDF = b"%PDF-1.4 a progress report\n%%EOF\n"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def submit(deliverable, by, name="report.pdf"):
    upload = check_upload(SimpleUploadedFile(name, PDF, content_type="application/pdf"))
    return services.report_submit(deliverable=deliverable, upload=upload, summary="Progress.", submitted_by=by)


def give(author, *, task=None, deliverable=None, report=None, scores=(4, 3, 5), comment="Useful work."):
    relevance, quality, progress = scores
    return feedback_services.feedback_create(
        author=author,
        task=task,
        deliverable=deliverable,
        report=report,
        relevance=relevance,
        quality=quality,
        progress=progress,
        comment=comment,
    )


def when(value):
    return None if value is None else DateTimeField().to_representation(value)


def person(user):
    return {"id": user.pk, "given_name": user.given_name, "family_name": user.family_name, "full_name": user.full_name}


def payload(feedback, *, can_edit=False, can_reply=False):
    """The whole expected body of one feedback row, read back from the database."""
    feedback.refresh_from_db()
    task, deliverable, report = feedback.task, feedback.deliverable, feedback.report
    organisation = feedback.organisation
    return {
        "id": feedback.pk,
        "task": {"id": task.pk, "number": task.number, "title": task.title},
        "deliverable": None if deliverable is None else {"id": deliverable.pk, "title": deliverable.title},
        "report": None if report is None else {"id": report.pk, "version": report.version},
        "author": person(feedback.author),
        "organisation": {
            "id": organisation.pk, "name": organisation.name, "short_name": organisation.short_name, "kind": "member"
        },
        "relevance": feedback.relevance,
        "quality": feedback.quality,
        "progress": feedback.progress,
        "comment": feedback.comment,
        "hidden": feedback.hidden,
        "hidden_reason": feedback.hidden_reason,
        "hidden_at": when(feedback.hidden_at),
        "replied_at": when(feedback.replied_at),
        "replies": [
            {"id": reply.pk, "author": person(reply.author), "text": reply.text, "created_at": when(reply.created_at)}
            for reply in feedback.replies.order_by("created_at", "id")
        ],
        "created_at": when(feedback.created_at),
        "updated_at": when(feedback.updated_at),
        "can_edit": can_edit,
        "can_reply": can_reply,
    }  # fmt: skip
