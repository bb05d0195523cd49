from django.contrib.auth import get_user_model
from rest_framework import serializers

from api.core.tokens.models import SCOPES, ApiToken


class ApiTokenSerializer(serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(read_only=True)
    scopes = serializers.ListField(source="scope_list", child=serializers.ChoiceField(choices=SCOPES), read_only=True)
    active = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "user",
            "scopes",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "active",
        ]
        read_only_fields = fields

    def get_active(self, token) -> bool:
        return not token.is_revoked and not token.is_expired


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.CharField(read_only=True, help_text="The token itself. Shown once: store it now.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=SCOPES), min_length=1, max_length=len(SCOPES))
    expires_at = serializers.DateTimeField(required=False, help_text="Defaults to the configured lifetime.")
    user = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(),
        required=False,
        help_text="Staff only: create the token for another user (a member company's service account).",
    )


class ApiTokenRenameSerializer(serializers.Serializer):
    """Only the name of a token can change; user, scopes and expiry are fixed at creation."""

    name = serializers.CharField(max_length=100)
    IMMUTABLE = ("user", "scopes", "expires_at", "prefix", "created_at", "revoked_at", "last_used_at")

    def validate(self, attrs):
        fixed = [name for name in self.IMMUTABLE if name in self.initial_data]
        if fixed:
            raise serializers.ValidationError({name: ["This cannot be changed after creation."] for name in fixed})
        return attrs
