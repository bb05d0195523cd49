from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """One write or sensitive read: who (for which organisation, through which token or session), what,
    when, from where, in which request.

    Actor details are copied, not only linked, so the trail survives renamed or removed accounts.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_email = models.CharField(max_length=254, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    organisation_name = models.CharField(max_length=200, blank=True)
    via = models.CharField(max_length=16)  # session, token, admin, command, system
    token = models.ForeignKey("core.ApiToken", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)  # X-Request-ID (api.core.audit.request_id)
    action = models.CharField(max_length=32)
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        # The audit API's filters: by target, by actor or organisation over time, and one request.
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["actor", "at"]),
            models.Index(fields=["organisation_id", "at"]),
            models.Index(fields=["request_id"]),
            models.Index(fields=["action", "at"]),
            models.Index(fields=["client_ip", "at"]),
            models.Index(fields=["target_id"]),
        ]

    def __str__(self):
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_email or self.via} {self.action} {self.target_type}#{self.target_id}"
        )


# Sensitive reads (CVs, restricted files, resume books) reach the trail through their DownloadRecord.
from api.core.audit import sensitive_reads  # noqa: E402, F401  (connects its signal receiver)
