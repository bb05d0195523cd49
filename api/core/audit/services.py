"""The audit trail: every service that writes calls `audit_record` inside its transaction; sensitive
reads are recorded with `audit_read` (api.core.audit.sensitive_reads)."""

import datetime
import decimal
import uuid

from django.db import models
from django.dispatch import Signal

from api.core.audit.models import AuditEvent
from api.core.audit.request_id import current_request_id
from api.core.request_context import current_actor


def _jsonable(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if hasattr(value, "name") and hasattr(value, "url"):  # a stored file
        return value.name
    return value


def snapshot(instance, fields) -> dict:
    return {name: _jsonable(getattr(instance, name)) for name in fields}


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields that changed."""
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}


# Sent inside the writer's transaction after each audit event (action, target): the change feed
# listens, so every audited write of a feed resource becomes a change in the same transaction.
audited = Signal()


def _event(*, action: str, target_type: str, target_id, target_repr: str, changes: dict | None) -> AuditEvent:
    actor = current_actor()
    user = actor.user
    organisation = getattr(user, "organisation", None) if user is not None else None
    return AuditEvent.objects.create(
        actor=user,
        actor_email=getattr(user, "email", "") or "",
        organisation_id=getattr(organisation, "pk", None),
        organisation_name=str(organisation or "")[:200],
        via=actor.via,
        token=actor.token,
        client_ip=actor.client_ip,
        request_id=current_request_id(),
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        target_repr=str(target_repr)[:200],
        changes=_jsonable(changes or {}),
    )


def audit_record(*, action: str, target, changes: dict | None = None) -> AuditEvent:
    event = _event(
        action=action,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        target_repr=str(target),
        changes=changes,
    )
    audited.send(sender=type(target), action=action, target=target)
    return event


def audit_read(*, action: str, target_type: str, target_id, target_repr: str = "", details: dict | None = None):
    """A sensitive read (a CV, a restricted file, a resume book): recorded like a write, but it changes
    nothing, so the change feed is not told."""
    return _event(action=action, target_type=target_type, target_id=target_id, target_repr=target_repr, changes=details)


def audited_update(instance, changes: dict, *, editable, check=None):
    """The common shape of an update service: apply the editable `changes`, validate (`check`,
    then full_clean), save, and audit what really changed. The caller holds the row lock."""
    before = snapshot(instance, editable)
    for key, value in changes.items():
        if key in editable:
            setattr(instance, key, value)
    if check is not None:
        check(instance)
    instance.full_clean()
    instance.save()
    changed = diff(before, snapshot(instance, editable))
    if changed:
        audit_record(action="update", target=instance, changes=changed)
    return instance
