from rest_framework import serializers

from api.core.audit.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.IntegerField(
        source="actor_id", allow_null=True, help_text="The user, while the account exists."
    )
    token = serializers.IntegerField(source="token_id", allow_null=True, help_text="The API token, when one was used.")
    via = serializers.CharField(help_text="session, token, admin, command or system.")
    changes = serializers.JSONField(
        help_text="Created or deleted: the fields; updated: {field: [old, new]}; a download: the file."
    )

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor",
            "actor_email",
            "organisation_id",
            "organisation_name",
            "via",
            "token",
            "client_ip",
            "request_id",
            "action",
            "target_type",
            "target_id",
            "target_repr",
            "changes",
        ]
        read_only_fields = fields
