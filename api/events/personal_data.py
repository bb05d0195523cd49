"""Events data about a person, for the personal-data export (the contract: api/core/personal_data.py)."""

from api.events.models import FeedToken, Registration, SessionMaterial, Speaker

COVERS = [
    "events.Registration.person",
    "events.Registration.registered_by",
    "events.Speaker.person",
    "events.SessionMaterial.uploaded_by",
    "events.FeedToken.person",
]
NOT_PERSONAL = {}


def export(user) -> dict:
    registrations = (
        Registration.objects.filter(person=user)
        .order_by("-event__starts_at", "-id")
        .values(
            "id",
            "event_id",
            "event__title",
            "event__starts_at",
            "event__status",
            "company__name",
            "status",
            "position",
            "created_at",
            "confirmed_at",
            "cancelled_at",
            "checked_in_at",
        )
    )
    # Registrations this person made for someone else: the act, not the other person's details.
    made_for_others = (
        Registration.objects.filter(registered_by=user)
        .exclude(person=user)
        .order_by("-created_at", "-id")
        .values("id", "event_id", "event__title", "created_at")
    )
    talks = (
        Speaker.objects.filter(person=user)
        .order_by("-session__starts_at", "-id")
        .values(
            "session_id",
            "session__title",
            "session__starts_at",
            "session__event_id",
            "session__event__title",
            "position",
            "name",
        )
    )
    materials = (
        SessionMaterial.objects.filter(uploaded_by=user)
        .order_by("-uploaded_at", "-id")
        .values(
            "id",
            "session_id",
            "session__title",
            "session__event_id",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
        )
    )
    # Whether a personal calendar feed exists, never its secret (only a hash is stored anyway).
    feed_tokens = list(
        FeedToken.objects.filter(person=user).order_by("-created_at", "-id").values("created_at", "revoked_at")
    )
    return {
        "event_registrations": list(registrations),
        "event_registrations_made_for_others": list(made_for_others),
        "event_talks": list(talks),
        "event_materials_uploaded": [
            {
                **row,
                "download_url": f"/api/v1/events/{row['session__event_id']}/sessions/{row['session_id']}"
                f"/materials/{row['id']}/download/",
            }
            for row in materials
        ],
        "calendar_feed": {
            "active": any(token["revoked_at"] is None for token in feed_tokens),
            "tokens": feed_tokens,
        },
    }
