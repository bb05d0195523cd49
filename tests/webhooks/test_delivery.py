"""End to end: a write through a domain service commits → the receiver gets a signed, thin notice."""

import json
import re
import socket

import pytest

from api.changes.models import Change
from api.events import services as events
from api.publications import services as publications
from api.research import services as research
from api.webhooks import dispatch
from api.webhooks.models import Delivery, DispatchState
from tests.changes.support import deliverable, event, publication, task
from tests.research.support import submit

from .support import brief, endpoint, notices, verify

pytestmark = pytest.mark.django_db

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def test_a_published_publication_reaches_the_receiver_signed(receiver, django_capture_on_commit_callbacks):
    hook = endpoint(receiver.url(), events=["publication.published"])
    with django_capture_on_commit_callbacks(execute=True):
        paper = publication("Low-k dielectrics")
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    change = Change.objects.get(resource="publication", object_id=paper.pk)
    expected = {"event": "publication.published", "resource": "publication", "id": paper.pk, "at": None}
    body = json.loads(request["body"])
    assert body == {**expected, "at": body["at"]}
    assert ISO_UTC.match(body["at"])
    assert body["at"] == change.at.isoformat().replace("+00:00", "Z")
    # Compact JSON, in this key order, and exactly the bytes stored on the delivery.
    assert request["body"] == json.dumps(body, separators=(",", ":")).encode()
    delivery = Delivery.objects.get()
    assert delivery.body.encode() == request["body"]
    headers = request["headers"]
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == "Wafer-Webhooks/1"
    assert headers["Wafer-Event"] == "publication.published"
    assert headers["Wafer-Delivery"] == str(delivery.pk)
    verify(hook.secret, headers, request["body"])
    assert request["path"] == "/hook"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 1, 200)
    assert delivery.delivered_at is not None and delivery.change_id == change.pk


def test_a_wrong_secret_or_a_changed_body_fails_the_independent_check(receiver, django_capture_on_commit_callbacks):
    hook = endpoint(receiver.url(), events=["publication.published"])
    with django_capture_on_commit_callbacks(execute=True):
        publication()
    request = receiver.requests[0]
    with pytest.raises(AssertionError):
        verify(hook.secret + "x", request["headers"], request["body"])
    with pytest.raises(AssertionError):
        verify(hook.secret, request["headers"], request["body"].replace(b"publication", b"Publication", 1))
    timestamp = verify(hook.secret, request["headers"], request["body"])
    with pytest.raises(AssertionError, match="stale"):
        verify(hook.secret, request["headers"], request["body"], now=timestamp + 301)


def test_updates_and_deletions_of_publications(receiver, django_capture_on_commit_callbacks):
    endpoint(receiver.url())
    with django_capture_on_commit_callbacks(execute=True):
        paper = publication()
    with django_capture_on_commit_callbacks(execute=True):
        publications.publication_update(publication=paper, title="Better")
    paper_id = paper.pk
    with django_capture_on_commit_callbacks(execute=True):
        publications.publication_delete(publication=paper)
    assert brief(receiver) == [
        ("publication.published", "publication", paper_id),
        ("publication.updated", "publication", paper_id),
        ("publication.deleted", "publication", paper_id),
    ]


def test_deliverables_submitted_and_accepted(receiver, django_capture_on_commit_callbacks, university, faculty_user):
    endpoint(receiver.url(), events=["deliverable.submitted", "deliverable.accepted"])
    with django_capture_on_commit_callbacks(execute=True):
        work = task(university=university, faculty=[faculty_user])
        report = deliverable(work)
    assert receiver.requests == []  # created, not subscribed
    with django_capture_on_commit_callbacks(execute=True):
        submit(report, faculty_user)
    with django_capture_on_commit_callbacks(execute=True):
        research.deliverable_accept(deliverable=report)
    assert brief(receiver) == [
        ("deliverable.submitted", "deliverable", report.pk),
        ("deliverable.accepted", "deliverable", report.pk),
    ]
    assert [request["headers"]["Wafer-Event"] for request in receiver.requests] == [
        "deliverable.submitted",
        "deliverable.accepted",
    ]


def test_events_published_and_cancelled(receiver, django_capture_on_commit_callbacks):
    endpoint(receiver.url(), events=["event.published", "event.cancelled"])
    with django_capture_on_commit_callbacks(execute=True):
        review = event(status="draft")
    with django_capture_on_commit_callbacks(execute=True):
        events.event_update(event=review, status="published")
    with django_capture_on_commit_callbacks(execute=True):
        events.event_update(event=review, status="cancelled")
    assert brief(receiver) == [("event.published", "event", review.pk), ("event.cancelled", "event", review.pk)]


def test_only_subscribed_event_types_are_sent(receiver, django_capture_on_commit_callbacks):
    endpoint(receiver.url(), events=["event.published"])
    with django_capture_on_commit_callbacks(execute=True):
        publication()
        event()
    assert [notice["event"] for notice in notices(receiver)] == ["event.published"]


def test_nothing_rolled_back_is_sent(receiver, django_capture_on_commit_callbacks):
    from django.db import transaction

    endpoint(receiver.url())
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        publication()
        raise RuntimeError("the request failed after the write")
    assert receiver.requests == [] and Delivery.objects.count() == 0


def test_dispatching_twice_never_sends_twice(receiver, django_capture_on_commit_callbacks):
    endpoint(receiver.url())
    with django_capture_on_commit_callbacks(execute=True):
        publication()
    assert len(receiver.requests) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch.dispatch_pending() == []  # the watermark has moved past the change
    # Even with the watermark moved back by hand, a change reaches an endpoint once.
    DispatchState.objects.update(last_seq=0)
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch.dispatch_pending() == []
    assert len(receiver.requests) == 1 and Delivery.objects.count() == 1


def test_a_new_endpoint_gets_no_backlog(receiver, django_capture_on_commit_callbacks):
    earlier = publication("before the endpoint")  # committed, never dispatched (nobody listened)
    endpoint(receiver.url())
    with django_capture_on_commit_callbacks(execute=True):
        later = publication("after")
    assert brief(receiver) == [("publication.published", "publication", later.pk)]
    assert earlier.pk != later.pk


def test_the_connection_goes_to_the_checked_address_with_the_url_host(
    receiver, django_capture_on_commit_callbacks, monkeypatch
):
    real = socket.getaddrinfo

    def resolver(host, *args, **kwargs):
        # hooks.aster.test is checked once per attempt; a later lookup answering elsewhere is never used.
        return real("127.0.0.1" if host == "hooks.aster.test" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    endpoint(f"http://hooks.aster.test:{receiver.port}/in?source=wafer")
    with django_capture_on_commit_callbacks(execute=True):
        publication()
    request = receiver.requests[0]
    assert request["headers"]["Host"] == f"hooks.aster.test:{receiver.port}"
    assert request["path"] == "/in?source=wafer"
