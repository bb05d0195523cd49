"""Turning audited writes into changes, inside the writer's transaction.

The audit trail already sees every write of every service (api.core.audit.services.audit_record),
so the feed cannot miss one that the audit trail records. The audience before a change is the
audience recorded after the previous change of the same object: the services lock the object's row
while they write, so the previous change has committed by then.
"""

from django.db import transaction
from django.dispatch import Signal

from api.changes import registry
from api.changes.models import Change

UNKNOWN = object()

# Sent once after a transaction that recorded changes commits: webhooks listen (their dispatcher
# reads every new change itself, so one signal per transaction is enough, however many it wrote).
committed = Signal()


def _send_committed():
    committed.send_robust(sender=Change)


def _notify_after_commit():
    # Already queued in a scope still open here (the same transaction, or an enclosing savepoint that
    # would take this change with it if rolled back): nothing to add.
    connection = transaction.get_connection()
    open_scopes = set(connection.savepoint_ids)
    queued = (sids <= open_scopes for sids, callback, _ in connection.run_on_commit if callback is _send_committed)
    if not any(queued):
        transaction.on_commit(_send_committed)


def _last_audience(resource: registry.Resource, object_id) -> dict | object | None:
    rows = Change.objects.filter(resource=resource.name, object_id=object_id).order_by("-id")
    found = rows.values_list("audience_after", flat=True)[:1]
    return found[0] if found else UNKNOWN


def record(resource: registry.Resource, obj, verb: str) -> Change | None:
    if verb == "create":
        before, after, action = None, resource.audience(obj), Change.Action.CREATED
    elif verb == "delete":
        before, after, action = resource.audience(obj), None, Change.Action.DELETED
    else:
        after, action = resource.audience(obj), Change.Action.UPDATED
        before = _last_audience(resource, obj.pk)
        if verb == "access" and before == after:
            return None  # a dependent whose audience did not move: nothing happened to it
        before = None if before is UNKNOWN else before
    change = Change.objects.create(
        resource=resource.name,
        object_id=obj.pk,
        action=action,
        verb=verb[:40],
        audience_before=before,
        audience_after=after,
    )
    _notify_after_commit()
    return change


def on_audited(sender, *, action: str, target, **kwargs):
    resource = registry.BY_MODEL.get(type(target))
    if resource is None:
        return
    record(resource, target, action)
    for dependent, obj, verb in resource.dependents(target, action):
        record(dependent, obj, verb)
