"""Registering webhook endpoints, rotating their secrets, pings and replays.

Every write is audited; the secret never is (not even its rotation's value).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from api.changes import sequencer
from api.changes.models import ChangeSequence
from api.core.audit.services import audit_record, audited_update, snapshot
from api.core.jobs import enqueue_on_commit
from api.webhooks import dispatch, safety, sending, signing
from api.webhooks.events import EVENT_TYPES, PING
from api.webhooks.models import Delivery, Endpoint

EDITABLE = ["url", "description", "event_types", "active"]
AUDITED = ["company", *EDITABLE]


def _current_seq() -> int:
    """Where an endpoint switched on now starts: after every change committed so far (sequenced first,
    so none of them is taken for a later one), and before every change that commits after this."""
    if sequencer.pending():
        sequencer.assign_pending()
    return ChangeSequence.objects.filter(pk=1).values_list("last", flat=True).first() or 0


def clean_event_types(event_types) -> list[str]:
    wanted = list(event_types or [])
    unknown = [name for name in wanted if name not in EVENT_TYPES]
    if unknown or not wanted:
        raise ValidationError({"event_types": [f"Choose one or more of: {', '.join(EVENT_TYPES)}."]})
    return [name for name in EVENT_TYPES if name in wanted]  # one order, no duplicates


def check_url(url: str) -> str:
    url = (url or "").strip()
    try:
        safety.check(url)
    except safety.UnsafeURL as exc:
        raise ValidationError({"url": [str(exc)]}) from exc
    return url


@transaction.atomic
def endpoint_create(
    *, company, url: str, event_types: list[str], description: str = "", active: bool = True, created_by=None
) -> Endpoint:
    """A new endpoint with a fresh secret (on the returned instance: show it once)."""
    endpoint = Endpoint(
        company=company,
        url=check_url(url),
        description=description,
        event_types=clean_event_types(event_types),
        active=active,
        secret=signing.new_secret(),
        created_by=created_by,
    )
    endpoint.full_clean()
    endpoint.since_seq = _current_seq()  # last: it may wait for the sequencer's lock, hold it briefly
    endpoint.save()
    audit_record(action="create", target=endpoint, changes=snapshot(endpoint, AUDITED))
    return endpoint


def _locked(endpoint: Endpoint) -> Endpoint:
    return Endpoint.objects.select_for_update().get(pk=endpoint.pk)


@transaction.atomic
def endpoint_update(*, endpoint: Endpoint, **changes) -> Endpoint:
    """Change the URL, description, subscriptions or `active`. Switching on again starts afresh (no
    failures counted, no backlog); switching off gives up the deliveries still waiting."""
    endpoint = _locked(endpoint)
    was_active = endpoint.active
    if "url" in changes and changes["url"] != endpoint.url:
        changes["url"] = check_url(changes["url"])
    if "event_types" in changes:
        changes["event_types"] = clean_event_types(changes["event_types"])
    now = timezone.now()
    turning_on = changes.get("active") is True and not was_active
    turning_off = changes.get("active") is False and was_active
    if turning_on:
        endpoint.consecutive_failures, endpoint.disabled_reason, endpoint.disabled_at = 0, "", None
        endpoint.since_seq = _current_seq()
    elif turning_off:
        endpoint.disabled_reason, endpoint.disabled_at = "Switched off by a person.", now
    endpoint = audited_update(endpoint, changes, editable=EDITABLE)
    if turning_off:
        waiting = Delivery.objects.filter(endpoint=endpoint, status__in=sending.OPEN, manual=False)
        waiting.update(
            status=Delivery.Status.GAVE_UP, next_attempt_at=None, last_error="The endpoint was switched off."
        )
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: Endpoint) -> None:
    """The endpoint and its delivery log go (the audit trail keeps that it existed)."""
    endpoint = _locked(endpoint)
    audit_record(action="delete", target=endpoint, changes=snapshot(endpoint, AUDITED))
    endpoint.delete()


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: Endpoint) -> Endpoint:
    """A new secret, effective for the next attempt (retries included); the old one stops at once."""
    endpoint = _locked(endpoint)
    endpoint.secret = signing.new_secret()
    endpoint.save(update_fields=["secret", "updated_at"])
    audit_record(action="rotate_secret", target=endpoint, changes={"secret": "rotated"})
    return endpoint


def _queue(delivery: Delivery) -> Delivery:
    from api.webhooks.tasks import send_delivery

    enqueue_on_commit(send_delivery, delivery.pk)
    return delivery


@transaction.atomic
def endpoint_ping(*, endpoint: Endpoint) -> Delivery:
    """A `ping` delivery, sent once in the background (also to a disabled endpoint: test before switching on)."""
    text = dispatch.body(event=PING, resource="endpoint", object_id=endpoint.pk, at=timezone.now())
    delivery = Delivery.objects.create(
        endpoint=endpoint, event=PING, resource="endpoint", object_id=endpoint.pk, body=text, manual=True
    )
    audit_record(action="ping", target=delivery, changes={"endpoint": endpoint.pk})
    return _queue(delivery)


@transaction.atomic
def delivery_replay(*, delivery: Delivery) -> Delivery:
    """The same body again, as a new delivery (its own id and attempt, signed afresh when sent)."""
    replay = Delivery.objects.create(
        endpoint_id=delivery.endpoint_id,
        change_id=delivery.change_id,
        event=delivery.event,
        resource=delivery.resource,
        object_id=delivery.object_id,
        body=delivery.body,
        manual=True,
        replay_of=delivery,
    )
    audit_record(action="replay", target=replay, changes={"replay_of": delivery.pk, "endpoint": delivery.endpoint_id})
    return _queue(replay)
