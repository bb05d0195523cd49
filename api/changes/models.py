"""The change log behind the change feed and webhooks.

`Change` rows are written by the writer's transaction (through the audit trail). `seq`, the
order readers follow, is assigned *after* the row has committed, by `sequencer.assign_pending`
under an exclusive lock on the one `ChangeSequence` row. Why not the id or a timestamp: both are
taken before commit, and transactions commit out of order — a reader that has read id 8 would
never see id 7 committing a moment later. A row gets its seq only once it is visible, and every
seq is larger than all seqs handed out before, so a reader that has seen up to N finds every
later change above N: no gaps, and each row once (no duplicates).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Change(models.Model):
    class Action(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"
        DELETED = "deleted", "Deleted"

    seq = models.BigIntegerField(null=True, blank=True, help_text="Read order; assigned after commit.")
    resource = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    verb = models.CharField(max_length=40, help_text="What the service did: create, update, submit, accept, ...")
    at = models.DateTimeField(default=timezone.now)
    # Who could see the object before and after this change, in the resource's own terms
    # (api/<domain>/changes.py). Stored, so reading the feed never depends on today's state.
    audience_before = models.JSONField(null=True, blank=True)
    audience_after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["resource", "object_id", "id"]),
            models.Index(fields=["seq"]),
        ]
        constraints = [
            # Filtered, not a plain UNIQUE: SQL Server counts NULLs as equal in a unique index.
            models.UniqueConstraint(fields=["seq"], condition=Q(seq__isnull=False), name="changes_seq_unique"),
        ]

    def __str__(self):
        return f"{self.resource} {self.object_id} {self.action} (seq {self.seq})"


class ChangeSequence(models.Model):
    """One row: the last seq handed out. Locking it serialises the sequencer, not the writers."""

    last = models.BigIntegerField(default=0)

    def __str__(self):
        return f"last seq {self.last}"
