"""Webhook endpoints (where Wafer posts) and deliveries (each post, with its attempts and outcome).

The delivery pipeline (dispatch.py → sending.py) is described in api/webhooks/sending.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from api.accounts.models import Organisation


class Endpoint(models.Model):
    """A receiver URL of a member company (or of the consortium itself: company empty)."""

    company = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="webhook_endpoints",
        help_text="Empty: a consortium endpoint (staff), which receives every change.",
    )
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    # Stored as given, not hashed: unlike an API token, which Wafer only has to *check*, this secret is
    # the HMAC key Wafer *signs* with on every delivery, so Wafer needs it in clear. It is shown once
    # (create and rotate-secret answers), never listed, never audited, and excluded from the admin.
    # Protecting it at rest is the database's job (SQL Server TDE / encrypted volumes); a leaked row
    # lets someone forge deliveries to this one receiver, which rotating the secret ends.
    secret = models.CharField(max_length=100)
    event_types = models.JSONField(default=list, help_text="Subscribed event types (api.webhooks.events).")
    active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(
        default=0, help_text="Deliveries given up since the last success; too many disable the endpoint."
    )
    # The endpoint receives changes sequenced after this one (api.changes.models.ChangeSequence):
    # a new or re-enabled endpoint does not get a backlog of what happened before it (was) switched on.
    since_seq = models.BigIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["company", "id"]),
            models.Index(fields=["active", "id"]),
        ]

    def __str__(self):
        # Never the secret: this is what the audit trail and the admin show.
        return f"{self.company or 'Consortium'}: {self.url}"[:200]


class Delivery(models.Model):
    """One body for one endpoint: the first attempt and its retries (a replay is a new delivery)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"  # not attempted yet
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed, to be retried"  # at next_attempt_at
        GAVE_UP = "gave_up", "Gave up"

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    # Null for pings, and once old changes are pruned: resource and object_id keep what it was about.
    change = models.ForeignKey("changes.Change", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    event = models.CharField(max_length=40)
    resource = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    body = models.TextField(help_text="The exact bytes sent (compact JSON, ASCII).")
    manual = models.BooleanField(default=False, help_text="A ping or a replay someone asked for: one attempt.")
    replay_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replays")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    # A sender holds the delivery until then (a lease, not a row lock held over the HTTP request):
    # two workers never post the same attempt, and a worker that died frees it when the lease ends.
    locked_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["endpoint", "id"]),
            models.Index(fields=["endpoint", "status", "id"]),
            models.Index(fields=["endpoint", "event", "id"]),
            models.Index(fields=["status", "next_attempt_at"]),  # the sweep: what is due
        ]
        constraints = [
            # A change reaches an endpoint once, however many dispatchers run (replays excepted).
            # Filtered, not plain: SQL Server would count NULL changes (pings) as equal.
            models.UniqueConstraint(
                fields=["endpoint", "change"],
                condition=Q(change__isnull=False, manual=False),
                name="webhooks_delivery_once_per_change",
            ),
        ]

    def __str__(self):
        return f"{self.event} {self.resource} {self.object_id} → endpoint {self.endpoint_id} ({self.status})"


class DispatchState(models.Model):
    """One row: the last change seq turned into deliveries. Locking it serialises the dispatchers."""

    last_seq = models.BigIntegerField(default=0)

    def __str__(self):
        return f"dispatched up to seq {self.last_seq}"
