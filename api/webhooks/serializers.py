from rest_framework import serializers

from api.webhooks.events import ALL_EVENTS, EVENT_TYPES
from api.webhooks.models import Delivery, Endpoint


class EndpointSerializer(serializers.ModelSerializer):
    """An endpoint as listed and read: never its secret."""

    company = serializers.PrimaryKeyRelatedField(read_only=True, help_text="Empty: a consortium endpoint.")
    created_by = serializers.PrimaryKeyRelatedField(read_only=True)
    event_types = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_TYPES), read_only=True)

    class Meta:
        model = Endpoint
        fields = [
            "id",
            "company",
            "url",
            "description",
            "event_types",
            "active",
            "disabled_reason",
            "disabled_at",
            "consecutive_failures",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class EndpointWithSecretSerializer(EndpointSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="The signing secret. Shown only in this answer (create, rotate-secret): store it now.",
    )

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class EndpointWriteSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500, help_text="https://, resolving to public addresses only.")
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_TYPES), min_length=1, max_length=len(EVENT_TYPES)
    )
    active = serializers.BooleanField(
        required=False, help_text="Switching an endpoint on again clears its failures; off gives up waiting deliveries."
    )


class DeliverySerializer(serializers.ModelSerializer):
    event = serializers.ChoiceField(choices=ALL_EVENTS, read_only=True)
    change = serializers.PrimaryKeyRelatedField(read_only=True)
    replay_of = serializers.PrimaryKeyRelatedField(read_only=True)
    body = serializers.CharField(read_only=True, help_text="The exact bytes sent (the signature covers them).")

    class Meta:
        model = Delivery
        fields = [
            "id",
            "endpoint",
            "event",
            "resource",
            "object_id",
            "change",
            "body",
            "status",
            "manual",
            "replay_of",
            "attempts",
            "next_attempt_at",
            "last_attempt_at",
            "last_status_code",
            "last_error",
            "created_at",
            "delivered_at",
        ]
        read_only_fields = fields
