"""Turning committed changes into deliveries: every change once, in commit (seq) order.

The change log (api.changes) gives each committed change a `seq`; the dispatcher keeps a watermark
(DispatchState.last_seq, one row) and, holding that row's lock, takes the changes above it, creates
their deliveries and moves the watermark in the same transaction. Two dispatchers therefore never
handle the same change: the second waits for the lock and then starts above the first's watermark.
The unique (endpoint, change) constraint, and a check for existing pairs, back this up should the
watermark ever be moved back by hand.

Who receives a change: each active endpoint subscribed to its event type, whose company is still an
active member company (or the consortium's endpoints, which see everything), and whose company may
see the object — after the change, or before it for a deletion — by the resource's own access rule
applied to the audience stored with the change (registry.Resource.allows with caller_for_company).
An object that merely leaves a company's sight sends that company nothing: the notice would say
nothing it may know; the change feed (`/api/v1/changes/`) reports it as deleted.
"""

import datetime
import json

from django.db import transaction
from django.db.models import Max, Q

from api.accounts.models import Organisation
from api.changes import registry, sequencer
from api.changes.models import Change, ChangeSequence
from api.core.jobs import enqueue_on_commit
from api.webhooks.events import EVENT_TYPES
from api.webhooks.models import Delivery, DispatchState, Endpoint

BATCH = 200  # changes per transaction
# Rows per INSERT: about 17 parameters a row, under SQL Server's 2,100 a statement.
INSERT_BATCH = 100


def on_change_committed(sender, **kwargs):
    """`committed` receiver: queue the dispatcher, unless nobody listens at all (then the watermark
    simply catches up later; endpoints never receive what was sequenced before they were switched on)."""
    from api.webhooks.tasks import dispatch_changes

    if Endpoint.objects.filter(active=True).exists():
        enqueue_on_commit(dispatch_changes)


def iso(moment) -> str:
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def body(*, event: str, resource: str, object_id: int, at) -> str:
    """The thin notice, as compact JSON (ASCII): exactly what is stored, signed and sent."""
    return json.dumps({"event": event, "resource": resource, "id": object_id, "at": iso(at)}, separators=(",", ":"))


def eligible_endpoints():
    member = Q(company__kind=Organisation.Kind.MEMBER, company__active=True)
    return Endpoint.objects.filter(Q(company__isnull=True) | member, active=True).order_by("id")


def recipients(change: Change, endpoints: list[Endpoint]) -> tuple[str | None, list[Endpoint]]:
    """(event type, endpoints that receive it) for one change."""
    resource = registry.RESOURCES.get(change.resource)
    if resource is None:
        return None, []
    event = resource.event_type(change.verb, change.audience_before, change.audience_after)
    audience = change.audience_before if change.action == Change.Action.DELETED else change.audience_after
    if event not in EVENT_TYPES or audience is None:
        return None, []
    chosen = [
        endpoint
        for endpoint in endpoints
        if change.seq > endpoint.since_seq
        and event in endpoint.event_types
        and resource.allows(audience, registry.caller_for_company(endpoint.company_id))
    ]
    return event, chosen


def _locked_state() -> DispatchState:
    state = DispatchState.objects.select_for_update().filter(pk=1).first()
    if state is None:
        DispatchState.objects.get_or_create(pk=1)
        state = DispatchState.objects.select_for_update().get(pk=1)
    return state


def _start(state: DispatchState, endpoints: list[Endpoint]) -> int:
    """Where this batch starts: no change at or below the lowest `since_seq` can reach anyone."""
    if not endpoints:
        return ChangeSequence.objects.filter(pk=1).aggregate(last=Max("last"))["last"] or state.last_seq
    return max(state.last_seq, min(endpoint.since_seq for endpoint in endpoints))


def _existing(changes: list[Change]):
    rows = Delivery.objects.filter(change_id__in=[change.pk for change in changes], manual=False)
    return rows.order_by("id").values_list("pk", "endpoint_id", "change_id")


def _deliveries(changes: list[Change], endpoints: list[Endpoint], done: set) -> list[Delivery]:
    rows = []
    for change in changes:
        event, chosen = recipients(change, endpoints)
        text = body(event=event, resource=change.resource, object_id=change.object_id, at=change.at) if event else ""
        rows += [
            Delivery(
                endpoint=endpoint,
                change=change,
                event=event,
                resource=change.resource,
                object_id=change.object_id,
                body=text,
            )
            for endpoint in chosen
            if (endpoint.pk, change.pk) not in done
        ]
    return rows


@transaction.atomic
def _dispatch_batch() -> tuple[list[int], bool]:
    """One batch under the watermark's lock: (new delivery ids, whether more changes may wait)."""
    from api.webhooks.tasks import send_delivery

    state = _locked_state()
    endpoints = list(eligible_endpoints())
    start = _start(state, endpoints)
    changes = list(Change.objects.filter(seq__gt=start).order_by("seq")[:BATCH]) if endpoints else []
    last = changes[-1].seq if changes else start
    if last != state.last_seq:
        state.last_seq = last
        state.save(update_fields=["last_seq"])
    done = {(endpoint_id, change_id) for _, endpoint_id, change_id in _existing(changes)} if changes else set()
    rows = _deliveries(changes, endpoints, done)
    if not rows:
        return [], len(changes) == BATCH
    # SQL Server cannot return ids from a bulk insert: read them back.
    Delivery.objects.bulk_create(rows, batch_size=INSERT_BATCH)
    ids = [pk for pk, endpoint_id, change_id in _existing(changes) if (endpoint_id, change_id) not in done]
    for delivery_id in ids:
        enqueue_on_commit(send_delivery, delivery_id)
    return ids, len(changes) == BATCH


def dispatch_pending() -> list[int]:
    """Deliveries for every committed change not dispatched yet; the new delivery ids."""
    if sequencer.pending():
        sequencer.assign_pending()
    created = []
    while True:
        ids, more = _dispatch_batch()
        created += ids
        if not more:
            return created
