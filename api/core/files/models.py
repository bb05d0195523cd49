from django.conf import settings
from django.db import models
from django.utils import timezone


class DownloadRecord(models.Model):
    """One file download: who, for which organisation, from where, when, which file.

    Reporting counts these by organisation and month; details are copied so the record survives
    renamed people and organisations.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation_id = models.BigIntegerField(null=True, blank=True)
    organisation_name = models.CharField(max_length=200, blank=True)
    via = models.CharField(max_length=16)
    token = models.ForeignKey("core.ApiToken", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64)
    file_name = models.CharField(max_length=200)
    size = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "at"]),
            models.Index(fields=["organisation_id", "at"]),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.file_name} by {self.user_id or 'anonymous'}"


class StoredFile(models.Model):
    """The fields every uploaded file keeps (a publication's files, a session's materials): where it is
    stored (a generated name), how it was called, its type by content, size, SHA-256, who sent it, when."""

    file = models.FileField(max_length=255)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name
