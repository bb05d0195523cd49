"""Sending webhook deliveries: one attempt at a time, retried with exponential backoff.

The pipeline: a change commits (api.changes.recorder.committed) → the dispatcher (dispatch.py)
creates a Delivery per subscribed endpoint that may see it → `send_delivery` (tasks.py) calls
`attempt(delivery_id)` here → a failure schedules the next attempt with the task API's
`run_after`; `manage.py send_webhooks` (cron) also sends whatever is due, so a lost job only
delays a delivery.

What a receiver gets: `POST <url>` with the body `{"event": ..., "resource": ..., "id": ..., "at": ...}`
(compact JSON; `at` is when the change happened, ISO 8601 UTC; a thin notice: fetch the resource
from the API with the company's token to see what it is now) and the headers `Content-Type:
application/json`, `User-Agent: Wafer-Webhooks/1`, `Wafer-Event`, `Wafer-Delivery` (the delivery
id; a retry repeats it, a replay has a new one) and `Wafer-Signature: t=<unix seconds>,v1=<hex>`.

Verifying it (any language):
1. split the header on `,`, then each part on the first `=`; take `t` and every `v1`;
2. compute hex HMAC-SHA256 with the key = the endpoint's secret (UTF-8, `whsec_` included) over
   the bytes `<t>.` followed by the raw body exactly as received (before any JSON parsing);
3. compare with each `v1` in constant time (`hmac.compare_digest`); refuse when none matches;
4. refuse when `t` is more than 300 seconds from your clock (a captured request replayed later);
5. answer 2xx quickly (do the work afterwards); deduplicate on `Wafer-Delivery` if it matters.

Outcomes: 2xx succeeds. 410 Gone disables the endpoint at once ("stop sending"). Anything else
(another status, a redirect, a timeout, a refused connection, a URL that now resolves inside the
network) fails the attempt: it is retried after WEBHOOK_RETRY_BASE_SECONDS, doubling each time up
to WEBHOOK_RETRY_MAX_SECONDS, until WEBHOOK_MAX_ATTEMPTS attempts; then the delivery gives up.
WEBHOOK_DISABLE_AFTER_FAILURES deliveries given up in a row (no success between) disable the
endpoint. Pings and replays (`manual`) are tried once and never move the endpoint's counters.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from api.core.audit.services import audit_record
from api.webhooks import safety, signing, transport
from api.webhooks.models import Delivery, Endpoint

logger = logging.getLogger(__name__)

USER_AGENT = "Wafer-Webhooks/1"
OPEN = (Delivery.Status.PENDING, Delivery.Status.FAILED)


def backoff(attempts: int) -> datetime.timedelta:
    """The wait after the `attempts`-th failed attempt: base, twice that, four times, ... capped."""
    seconds = settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, settings.WEBHOOK_RETRY_MAX_SECONDS))


def lease() -> datetime.timedelta:
    # Longer than any attempt can take (each address may time out), so a live sender keeps it.
    return datetime.timedelta(seconds=3 * settings.WEBHOOK_TIMEOUT_SECONDS + 30)


def headers(delivery: Delivery, secret: str, timestamp: int, body: bytes) -> dict:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Wafer-Event": delivery.event,
        "Wafer-Delivery": str(delivery.pk),
        signing.HEADER: signing.header(secret, timestamp, body),
    }


def _claim(delivery_id: int, now) -> bool:
    """Take the lease on an open, due delivery; False when it is done, not due, or another sender has it."""
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    free = Q(locked_until__isnull=True) | Q(locked_until__lte=now)
    claimed = Delivery.objects.filter(due, free, pk=delivery_id, status__in=OPEN).update(locked_until=now + lease())
    return claimed == 1


def _refusal(delivery: Delivery) -> str:
    """Why this delivery may no longer be sent at all ("" when it may)."""
    endpoint = delivery.endpoint
    if not endpoint.active and not delivery.manual:
        return "The endpoint is disabled."
    company = endpoint.company
    if company is not None and not company.is_active_member:
        return "The endpoint's company is no longer an active member."
    return ""


def attempt(delivery_id: int, *, now=None) -> Delivery | None:
    """Make the next attempt of a delivery if it is open and due; the delivery afterwards, or None
    when there was nothing to do. Safe to call twice, from two workers at once, or late."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return None
    delivery = Delivery.objects.select_related("endpoint", "endpoint__company").filter(pk=delivery_id).first()
    if delivery is None:
        return None  # its endpoint was deleted meanwhile
    refusal = _refusal(delivery)
    if refusal:
        return _give_up(delivery, refusal, now)
    body = delivery.body.encode()
    try:
        target = safety.check(delivery.endpoint.url)
    except safety.UnsafeURL as exc:
        outcome = transport.Outcome(None, str(exc))
    else:
        timestamp = int(now.timestamp())
        sent_headers = headers(delivery, delivery.endpoint.secret, timestamp, body)
        outcome = transport.post(target, body, sent_headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS)
    return record(delivery_id, outcome, now)


def _give_up(delivery: Delivery, reason: str, now) -> Delivery:
    delivery.status = Delivery.Status.GAVE_UP
    delivery.last_error = reason[:200]
    delivery.next_attempt_at = None
    delivery.locked_until = None
    delivery.save(update_fields=["status", "last_error", "next_attempt_at", "locked_until"])
    return delivery


@transaction.atomic
def record(delivery_id: int, outcome: transport.Outcome, now) -> Delivery | None:
    """Write an attempt's outcome, move the endpoint's counters, and schedule the retry (if any)."""
    # Endpoint first, then the delivery: the fixed order every writer here follows.
    endpoint_id = Delivery.objects.filter(pk=delivery_id).values_list("endpoint_id", flat=True).first()
    endpoint = Endpoint.objects.select_for_update().filter(pk=endpoint_id).first()
    delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
    if endpoint is None or delivery is None:
        return None  # the endpoint was deleted during the attempt, its log with it
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status_code = outcome.status
    delivery.last_error = outcome.error[:200]
    delivery.locked_until = None
    delivery.next_attempt_at = None
    if outcome.ok:
        delivery.status, delivery.delivered_at = Delivery.Status.SUCCEEDED, now
        if not delivery.manual and endpoint.consecutive_failures:
            endpoint.consecutive_failures = 0
            endpoint.save(update_fields=["consecutive_failures", "updated_at"])
    elif outcome.status == 410:
        delivery.status = Delivery.Status.GAVE_UP
        disable(endpoint=endpoint, reason="The receiver answered 410 Gone.", now=now, keep=delivery.pk)
    elif delivery.manual or delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status = Delivery.Status.GAVE_UP
        if not delivery.manual:
            _count_failure(endpoint, now)
    else:
        delivery.status = Delivery.Status.FAILED
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    delivery.save()
    if delivery.status == Delivery.Status.FAILED:
        schedule(delivery.pk, delivery.next_attempt_at)
    return delivery


def _count_failure(endpoint: Endpoint, now) -> None:
    endpoint.consecutive_failures += 1
    endpoint.save(update_fields=["consecutive_failures", "updated_at"])
    limit = settings.WEBHOOK_DISABLE_AFTER_FAILURES
    if endpoint.active and endpoint.consecutive_failures >= limit:
        disable(endpoint=endpoint, reason=f"{limit} deliveries in a row failed.", now=now)


def disable(*, endpoint: Endpoint, reason: str, now, keep: int | None = None) -> None:
    """Switch an endpoint off (the caller holds its row lock): its open deliveries give up with it."""
    if endpoint.active:
        endpoint.active = False
        endpoint.disabled_reason = reason[:200]
        endpoint.disabled_at = now
        endpoint.save(update_fields=["active", "disabled_reason", "disabled_at", "updated_at"])
        audit_record(action="disable", target=endpoint, changes={"active": [True, False], "reason": reason})
    waiting = Delivery.objects.filter(endpoint=endpoint, status__in=OPEN, manual=False).exclude(pk=keep)
    waiting.update(status=Delivery.Status.GAVE_UP, next_attempt_at=None, last_error="The endpoint was disabled.")


def schedule(delivery_id: int, at) -> None:
    """Queue the attempt due at `at`, once this transaction commits, where the job backend can wait.

    A backend without delayed jobs (the tests' ImmediateBackend would run it at once, in a loop)
    gets nothing: `manage.py send_webhooks` sends due deliveries, and tests call `attempt` themselves.
    """
    from api.core.jobs import enqueue_on_commit
    from api.webhooks.tasks import send_delivery

    if send_delivery.get_backend().supports_defer:
        enqueue_on_commit(send_delivery.using(run_after=at), delivery_id)
    else:
        logger.debug("webhook delivery %s due at %s: left to the sweep", delivery_id, at)


def send_due(*, now=None, limit: int = 500) -> int:
    """Attempt every open delivery that is due (oldest first); how many were attempted."""
    now = now or timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    free = Q(locked_until__isnull=True) | Q(locked_until__lte=now)
    ids = list(Delivery.objects.filter(due, free, status__in=OPEN).order_by("id").values_list("pk", flat=True)[:limit])
    return sum(1 for delivery_id in ids if attempt(delivery_id, now=now) is not None)
