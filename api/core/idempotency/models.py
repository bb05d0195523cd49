from django.conf import settings
from django.db import models
from django.utils import timezone


class IdempotencyRecord(models.Model):
    """One `Idempotency-Key` of one user: the request it was first used for, and that request's answer.

    Keys belong to the user, not to a token or session: an integration that retries with a new token
    (the old one expired or was rotated) still reaches its first answer.
    """

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The unique key is the key's SHA-256, not the key: SQL Server's default collation ignores case,
    # so "aB" and "Ab" would collide there and not on SQLite or PostgreSQL; a hex digest compares
    # the same everywhere and keeps the index key small.
    key_digest = models.CharField(max_length=64)
    key = models.CharField(max_length=255, help_text="As the client sent it.")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=1000)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path, query, content type and body.")
    state = models.CharField(max_length=16, choices=State.choices, default=State.IN_PROGRESS)
    # Fencing: a request whose reservation was taken over (it ran past IN_PROGRESS_TIMEOUT) finds
    # its attempt number changed and rolls its work back instead of storing a second answer.
    attempt = models.PositiveIntegerField(default=1)
    locked_at = models.DateTimeField(default=timezone.now)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_headers = models.JSONField(default=dict, blank=True)
    # False when the answer was not kept (it held a secret or a cookie, streamed, or was too large).
    replayable = models.BooleanField(default=False)
    response_body = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["owner", "key_digest"], name="core_idempotency_owner_key")]

    def __str__(self):
        return f"{self.key} by {self.owner_id}: {self.method} {self.path} ({self.state})"
