"""Failed attempts are retried with exponential backoff, then given up; 410 and repeated failures
disable the endpoint. Attempts after the first are driven here with an explicit clock: the tests'
job backend runs jobs at once and cannot wait until `run_after`."""

import datetime

import pytest

from api.webhooks import sending
from api.webhooks.models import Delivery, Endpoint
from tests.changes.support import publication

from .support import endpoint, signature_valid

pytestmark = pytest.mark.django_db


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """publish() creates a publication and runs what its commit triggers (dispatch, first attempt)."""

    def _publish(title="A paper"):
        with django_capture_on_commit_callbacks(execute=True):
            return publication(title)

    return _publish


def retry(delivery: Delivery) -> Delivery:
    """The next attempt, at the moment it is due."""
    result = sending.attempt(delivery.pk, now=delivery.next_attempt_at)
    assert result is not None, "the attempt was not made"
    return result


def test_a_500_then_success_backs_off_exponentially(receiver, publish, settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 60
    receiver.answers = [500, 503, 500]
    hook = endpoint(receiver.url())
    publish()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("failed", 1, 500)
    first = delivery.last_attempt_at
    waits = [delivery.next_attempt_at - first]
    assert sending.attempt(delivery.pk, now=delivery.next_attempt_at - datetime.timedelta(seconds=1)) is None
    for _ in range(2):
        previous = delivery
        delivery = retry(delivery)
        assert delivery.status == "failed" and delivery.last_attempt_at == previous.next_attempt_at
        waits.append(delivery.next_attempt_at - delivery.last_attempt_at)
    assert [wait.total_seconds() for wait in waits] == [60, 120, 240]
    delivery = retry(delivery)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 4, 200)
    assert delivery.next_attempt_at is None and delivery.delivered_at == delivery.last_attempt_at
    # Every attempt repeats the delivery id and the body, signed at the time of that attempt.
    assert len(receiver.requests) == 4
    assert {request["headers"]["Wafer-Delivery"] for request in receiver.requests} == {str(delivery.pk)}
    assert len(set(receiver.bodies())) == 1
    last = receiver.requests[-1]
    assert signature_valid(hook.secret, last, now=delivery.last_attempt_at.timestamp())
    assert not signature_valid(hook.secret, last, now=first.timestamp())  # too far from its own time


def test_the_backoff_is_capped(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 60
    settings.WEBHOOK_RETRY_MAX_SECONDS = 600
    assert [sending.backoff(n).total_seconds() for n in range(1, 7)] == [60, 120, 240, 480, 600, 600]


def test_it_gives_up_after_the_last_attempt(receiver, publish, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver.default = 500
    hook = endpoint(receiver.url())
    publish()
    delivery = retry(retry(Delivery.objects.get()))
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("gave_up", 3, None)
    assert sending.attempt(delivery.pk, now=delivery.last_attempt_at + datetime.timedelta(days=1)) is None
    assert len(receiver.requests) == 3
    hook.refresh_from_db()
    assert hook.active and hook.consecutive_failures == 1


def test_a_410_disables_the_endpoint_at_once(receiver, publish):
    receiver.answers = [500, 410]
    hook = endpoint(receiver.url())
    publish("first")
    waiting = Delivery.objects.get()
    publish("second")  # answered 410
    hook.refresh_from_db()
    assert not hook.active and "410" in hook.disabled_reason and hook.disabled_at is not None
    gone = Delivery.objects.exclude(pk=waiting.pk).get()
    assert (gone.status, gone.last_status_code) == ("gave_up", 410)
    waiting.refresh_from_db()
    assert waiting.status == "gave_up" and waiting.next_attempt_at is None  # its retry is off too
    publish("third")
    assert len(receiver.requests) == 2 and Delivery.objects.count() == 2  # a disabled endpoint gets nothing


def test_repeated_failed_deliveries_disable_the_endpoint(receiver, publish, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    receiver.default = 500
    hook = endpoint(receiver.url())
    for n in range(2):
        publish(f"paper {n}")
    hook.refresh_from_db()
    assert hook.active and hook.consecutive_failures == 2
    publish("paper 2")
    hook.refresh_from_db()
    assert not hook.active and hook.consecutive_failures == 3 and "3 deliveries" in hook.disabled_reason


def test_a_success_resets_the_failure_count(receiver, publish, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    receiver.answers = [500, 500, 200, 500, 500]
    hook = endpoint(receiver.url())
    for n in range(5):
        publish(f"paper {n}")
    hook.refresh_from_db()
    assert hook.active and hook.consecutive_failures == 2


def test_a_redirect_is_a_failure_and_is_not_followed(receiver, publish):
    receiver.answers = [(302, {"Location": receiver.url("/elsewhere")})]
    endpoint(receiver.url())
    publish()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.last_status_code) == ("failed", 302)
    assert "redirect" in delivery.last_error.lower()
    assert [request["path"] for request in receiver.requests] == ["/hook"]


def test_an_unreachable_receiver_is_a_failed_attempt(make_receiver, publish):
    gone = make_receiver()
    url = gone.url()
    gone.server.shutdown()
    gone.server.server_close()
    endpoint(url)
    publish()
    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and delivery.last_status_code is None and delivery.last_error


def test_a_disabled_endpoints_waiting_deliveries_are_given_up_when_due(receiver, publish):
    receiver.answers = [500]
    hook = endpoint(receiver.url())
    publish()
    Endpoint.objects.filter(pk=hook.pk).update(active=False)  # e.g. switched off in another process
    delivery = retry(Delivery.objects.get())
    assert delivery.status == "gave_up" and "disabled" in delivery.last_error
    assert len(receiver.requests) == 1


def test_two_senders_never_post_the_same_attempt(receiver, publish):
    receiver.answers = [500]
    endpoint(receiver.url())
    publish()
    delivery = Delivery.objects.get()
    # Another worker holds the lease: this one leaves the delivery alone.
    Delivery.objects.filter(pk=delivery.pk).update(
        locked_until=delivery.next_attempt_at + datetime.timedelta(minutes=1)
    )
    assert sending.attempt(delivery.pk, now=delivery.next_attempt_at) is None
    assert len(receiver.requests) == 1


def test_the_sweep_sends_what_is_due(receiver, publish):
    import io

    from django.core.management import call_command

    receiver.answers = [500]
    endpoint(receiver.url())
    publish()
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.last_attempt_at)  # due now
    output = io.StringIO()
    call_command("send_webhooks", stdout=output)
    assert "1 attempts made" in output.getvalue()
    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and delivery.attempts == 2
