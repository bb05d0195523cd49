"""Feedback a person wrote, replied or moderated, for the personal-data export (the contract:
api/core/personal_data.py)."""

from api.feedback.models import Feedback, FeedbackReply

COVERS = [
    "feedback.Feedback.author",
    "feedback.Feedback.hidden_by",
    "feedback.FeedbackReply.author",
]
NOT_PERSONAL = {}


def export(user) -> dict:
    written = (
        Feedback.objects.filter(author=user)
        .order_by("-created_at", "-id")
        .values(
            "id",
            "task_id",
            "task__number",
            "deliverable_id",
            "report_id",
            "organisation__name",
            "relevance",
            "quality",
            "progress",
            "comment",
            "hidden",
            "hidden_reason",
            "hidden_at",
            "replied_at",
            "created_at",
            "updated_at",
        )
    )
    replies = (
        FeedbackReply.objects.filter(author=user)
        .order_by("-created_at", "-id")
        .values("id", "feedback_id", "feedback__task__number", "text", "created_at")
    )
    hidden = (
        Feedback.objects.filter(hidden_by=user)
        .order_by("-hidden_at", "-id")
        .values("id", "task__number", "hidden", "hidden_reason", "hidden_at")
    )
    return {
        "feedback_written": list(written),
        "feedback_replies": list(replies),
        "feedback_hidden": list(hidden),
    }
