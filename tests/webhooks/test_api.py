"""/api/v1/webhooks/: who manages which endpoints, the secret shown once, pings, replays, the log."""

import datetime
import json

import pytest
from django.utils import timezone

from api.core.audit.models import AuditEvent
from api.webhooks.models import Delivery, Endpoint
from tests import factories
from tests.changes.support import publication
from tests.conftest import client_for

from .support import ENDPOINTS, endpoint, signature_valid, verify

pytestmark = pytest.mark.django_db

NEW = {"event_types": ["publication.published", "deliverable.accepted"], "description": "Aster's portal"}


def new(receiver, **fields):
    return {**NEW, "url": receiver.url(), **fields}


def deliveries_url(hook_id):
    return f"{ENDPOINTS}{hook_id}/deliveries/"


# --- who may do what -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("client", "expected"),
    [
        ("api", 401),
        ("student_api", 403),
        ("faculty_api", 403),
        ("member_api", 403),  # a member-company person without admin rights
        ("obsidian_admin_api", 403),  # the admin of an inactive member company
        ("aster_admin_api", 200),
        ("staff_api", 200),
    ],
)
def test_who_may_list(request, client, expected):
    assert request.getfixturevalue(client).get(ENDPOINTS).status_code == expected


@pytest.mark.parametrize(
    ("client", "expected"),
    [("api", 401), ("student_api", 403), ("faculty_api", 403), ("member_api", 403), ("obsidian_admin_api", 403)],
)
def test_who_may_not_register(request, receiver, client, expected):
    response = request.getfixturevalue(client).post(ENDPOINTS, new(receiver), format="json")
    assert response.status_code == expected
    assert Endpoint.objects.count() == 0


def test_a_company_admin_registers_for_their_company(aster_admin_api, aster_admin, member_company, receiver):
    response = aster_admin_api.post(ENDPOINTS, new(receiver), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    hook = Endpoint.objects.get()
    assert body == {
        "id": hook.pk,
        "company": member_company.pk,
        "url": receiver.url(),
        "description": "Aster's portal",
        "event_types": ["publication.published", "deliverable.accepted"],
        "active": True,
        "disabled_reason": "",
        "disabled_at": None,
        "consecutive_failures": 0,
        "created_by": aster_admin.pk,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
        "secret": hook.secret,
    }
    assert hook.secret.startswith("whsec_") and len(hook.secret) > 40
    assert response["Cache-Control"] == "no-store"


def test_staff_register_consortium_endpoints(staff_api, receiver):
    response = staff_api.post(ENDPOINTS, new(receiver), format="json")
    assert response.status_code == 201 and response.json()["company"] is None


def test_the_secret_is_shown_once(aster_admin_api, receiver):
    created = aster_admin_api.post(ENDPOINTS, new(receiver), format="json").json()
    detail = aster_admin_api.get(f"{ENDPOINTS}{created['id']}/").json()
    listed = aster_admin_api.get(ENDPOINTS).json()["results"]
    assert "secret" not in detail and all("secret" not in row for row in listed)
    assert created["secret"] not in json.dumps([detail, listed])
    # Nor is it in the audit trail.
    trail = json.dumps(list(AuditEvent.objects.values("changes", "target_repr")))
    assert created["secret"] not in trail


def test_other_companies_endpoints_are_not_found(aster_admin_api, helix_admin, member_company, receiver):
    helix = endpoint(receiver.url(), company=helix_admin.organisation)
    consortium = endpoint(receiver.url())
    assert aster_admin_api.get(ENDPOINTS).json()["results"] == []
    for hook in (helix, consortium):
        for method, path in [
            ("get", ""), ("patch", ""), ("delete", ""), ("post", "rotate-secret/"), ("post", "test/"),
            ("get", "deliveries/"),
        ]:  # fmt: skip
            response = getattr(aster_admin_api, method)(f"{ENDPOINTS}{hook.pk}/{path}", {}, format="json")
            assert response.status_code == 404, (hook, method, path)


def test_staff_see_every_endpoint_and_may_only_switch_off_or_delete_a_companys(staff_api, member_company, receiver):
    aster = endpoint(receiver.url(), company=member_company)
    mine = endpoint(receiver.url())
    listed = staff_api.get(ENDPOINTS).json()["results"]
    assert [row["id"] for row in listed] == [aster.pk, mine.pk]
    assert staff_api.get(f"{ENDPOINTS}{aster.pk}/").status_code == 200
    assert staff_api.get(deliveries_url(aster.pk)).status_code == 200
    refused = [
        staff_api.patch(f"{ENDPOINTS}{aster.pk}/", {"url": receiver.url("/mine")}, format="json"),
        staff_api.patch(f"{ENDPOINTS}{aster.pk}/", {"active": False, "description": "x"}, format="json"),
        staff_api.post(f"{ENDPOINTS}{aster.pk}/rotate-secret/"),
        staff_api.post(f"{ENDPOINTS}{aster.pk}/test/"),
    ]
    assert [response.status_code for response in refused] == [403] * 4
    response = staff_api.patch(f"{ENDPOINTS}{aster.pk}/", {"active": False}, format="json")
    assert response.status_code == 200 and response.json()["active"] is False
    assert staff_api.delete(f"{ENDPOINTS}{aster.pk}/").status_code == 204
    assert staff_api.patch(f"{ENDPOINTS}{mine.pk}/", {"url": receiver.url("/new")}, format="json").status_code == 200


def test_filters(staff_api, member_company, receiver):
    aster = endpoint(receiver.url(), company=member_company)
    mine = endpoint(receiver.url())
    Endpoint.objects.filter(pk=mine.pk).update(active=False)

    def ids(**params):
        response = staff_api.get(ENDPOINTS, params)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids(active="true") == [aster.pk] and ids(active="false") == [mine.pk]
    assert ids(company=member_company.pk) == [aster.pk] and ids(company=member_company.pk + 100) == []
    assert ids(consortium="true") == [mine.pk] and ids(consortium="false") == [aster.pk]
    assert staff_api.get(ENDPOINTS, {"active": "maybe"}).status_code == 400


# --- changing endpoints --------------------------------------------------------------------------


def test_update_validates_event_types(aster_admin_api, receiver):
    hook = aster_admin_api.post(ENDPOINTS, new(receiver), format="json").json()
    for bad in ([], ["publication.exploded"], "publication.published"):
        response = aster_admin_api.patch(f"{ENDPOINTS}{hook['id']}/", {"event_types": bad}, format="json")
        assert response.status_code == 400 and "event_types" in json.dumps(response.json()["fields"])
    response = aster_admin_api.patch(
        f"{ENDPOINTS}{hook['id']}/",
        {"event_types": ["event.cancelled", "publication.published", "event.cancelled"]},
        format="json",
    )
    assert response.json()["event_types"] == ["publication.published", "event.cancelled"]


def test_switching_on_again_clears_the_failures(aster_admin_api, receiver):
    hook = aster_admin_api.post(ENDPOINTS, new(receiver), format="json").json()
    Endpoint.objects.filter(pk=hook["id"]).update(
        active=False,
        consecutive_failures=20,
        disabled_reason="20 deliveries in a row failed.",
        disabled_at=timezone.now(),
    )
    response = aster_admin_api.patch(f"{ENDPOINTS}{hook['id']}/", {"active": True}, format="json")
    body = response.json()
    assert (body["active"], body["consecutive_failures"], body["disabled_reason"], body["disabled_at"]) == (
        True, 0, "", None,
    )  # fmt: skip


def test_switching_off_gives_up_the_waiting_deliveries(aster_admin_api, receiver, django_capture_on_commit_callbacks):
    receiver.answers = [500]
    hook = aster_admin_api.post(ENDPOINTS, new(receiver, event_types=["publication.published"]), format="json").json()
    with django_capture_on_commit_callbacks(execute=True):
        publication(access="public")
    assert Delivery.objects.get().status == "failed"
    response = aster_admin_api.patch(f"{ENDPOINTS}{hook['id']}/", {"active": False}, format="json")
    assert response.json()["disabled_reason"]
    delivery = Delivery.objects.get()
    assert delivery.status == "gave_up" and delivery.next_attempt_at is None


def test_put_replaces_url_and_types(aster_admin_api, receiver):
    hook = aster_admin_api.post(ENDPOINTS, new(receiver), format="json").json()
    response = aster_admin_api.put(
        f"{ENDPOINTS}{hook['id']}/", {"url": receiver.url("/v2"), "event_types": ["task.created"]}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["url"], response.json()["event_types"]) == (receiver.url("/v2"), ["task.created"])
    assert aster_admin_api.put(f"{ENDPOINTS}{hook['id']}/", {"url": receiver.url()}, format="json").status_code == 400


def test_delete(aster_admin_api, receiver):
    hook = aster_admin_api.post(ENDPOINTS, new(receiver), format="json").json()
    assert aster_admin_api.delete(f"{ENDPOINTS}{hook['id']}/").status_code == 204
    assert not Endpoint.objects.exists()
    assert AuditEvent.objects.filter(action="delete", target_type="webhooks.endpoint").exists()


# --- secrets, pings, replays ---------------------------------------------------------------------


def test_rotating_the_secret_signs_with_the_new_one(aster_admin_api, receiver, django_capture_on_commit_callbacks):
    created = aster_admin_api.post(ENDPOINTS, new(receiver), format="json").json()
    response = aster_admin_api.post(f"{ENDPOINTS}{created['id']}/rotate-secret/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    rotated = response.json()["secret"]
    assert rotated.startswith("whsec_") and rotated != created["secret"]
    assert "secret" not in aster_admin_api.get(f"{ENDPOINTS}{created['id']}/").json()
    with django_capture_on_commit_callbacks(execute=True):
        publication(access="members")
    request = receiver.requests[0]
    assert signature_valid(rotated, request) and not signature_valid(created["secret"], request)
    assert AuditEvent.objects.filter(action="rotate_secret").count() == 1
    assert rotated not in json.dumps(list(AuditEvent.objects.values("changes")))


def test_test_sends_a_ping(aster_admin_api, receiver, django_capture_on_commit_callbacks):
    created = aster_admin_api.post(ENDPOINTS, new(receiver), format="json").json()
    with django_capture_on_commit_callbacks(execute=True):
        response = aster_admin_api.post(f"{ENDPOINTS}{created['id']}/test/")
    assert response.status_code == 202
    request = receiver.requests[0]
    notice = json.loads(request["body"])
    assert {key: notice[key] for key in ("event", "resource", "id")} == {
        "event": "ping", "resource": "endpoint", "id": created["id"],
    }  # fmt: skip
    assert request["headers"]["Wafer-Event"] == "ping"
    verify(created["secret"], request["headers"], request["body"])
    delivery = Delivery.objects.get()
    assert delivery.manual and delivery.event == "ping" and delivery.status == "succeeded"


def test_a_failed_ping_is_tried_once_and_leaves_the_endpoint_alone(
    aster_admin_api, receiver, django_capture_on_commit_callbacks
):
    receiver.default = 500
    created = aster_admin_api.post(ENDPOINTS, new(receiver), format="json").json()
    with django_capture_on_commit_callbacks(execute=True):
        aster_admin_api.post(f"{ENDPOINTS}{created['id']}/test/")
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("gave_up", 1, None)
    assert Endpoint.objects.get().consecutive_failures == 0


def test_replay_sends_the_same_body_as_a_new_delivery_signed_afresh(
    aster_admin_api, receiver, django_capture_on_commit_callbacks, monkeypatch
):
    created = aster_admin_api.post(ENDPOINTS, new(receiver), format="json").json()
    with django_capture_on_commit_callbacks(execute=True):
        publication(access="members")
    original = Delivery.objects.get()
    later = timezone.now() + datetime.timedelta(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    with django_capture_on_commit_callbacks(execute=True):
        response = aster_admin_api.post(f"{deliveries_url(created['id'])}{original.pk}/replay/")
    assert response.status_code == 202, response.json()
    body = response.json()
    assert (body["replay_of"], body["manual"], body["body"]) == (original.pk, True, original.body)
    replay = Delivery.objects.get(pk=body["id"])  # sent after the commit, once the answer was built
    assert (replay.status, replay.attempts, replay.change_id) == ("succeeded", 1, original.change_id)
    first, second = receiver.requests
    assert second["body"] == first["body"]
    assert second["headers"]["Wafer-Delivery"] == str(body["id"]) != first["headers"]["Wafer-Delivery"]
    stamps = [
        verify(created["secret"], request["headers"], request["body"], now=later.timestamp())
        for request in (first, second)
    ]
    assert stamps[1] - stamps[0] >= 119  # a fresh timestamp, not the original's
    assert AuditEvent.objects.filter(action="replay", target_id=str(body["id"])).exists()


def test_replay_needs_the_endpoints_own_side(staff_api, member_company, receiver, django_capture_on_commit_callbacks):
    hook = endpoint(receiver.url(), company=member_company)
    with django_capture_on_commit_callbacks(execute=True):
        publication(access="members")
    delivery = Delivery.objects.get()
    assert staff_api.post(f"{deliveries_url(hook.pk)}{delivery.pk}/replay/").status_code == 403
    assert staff_api.get(f"{deliveries_url(hook.pk)}{delivery.pk}/").status_code == 200


# --- the delivery log ----------------------------------------------------------------------------


def _deliveries(hook, count, **fields):
    rows = [
        Delivery(endpoint=hook, event="publication.published", resource="publication", object_id=n, body="{}", **fields)
        for n in range(count)
    ]
    Delivery.objects.bulk_create(rows)


def test_the_log_is_newest_first_with_filters(aster_admin_api, member_company, receiver):
    hook = endpoint(receiver.url(), company=member_company)
    _deliveries(hook, 2, status="succeeded")
    _deliveries(hook, 1, status="gave_up")
    Delivery.objects.create(endpoint=hook, event="ping", resource="endpoint", object_id=hook.pk, body="{}", manual=True)
    url = deliveries_url(hook.pk)

    def ids(**params):
        response = aster_admin_api.get(url, params)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    every = list(Delivery.objects.order_by("-id").values_list("pk", flat=True))
    assert ids() == every
    assert ids(status="gave_up") == [every[1]] and ids(status="pending") == [every[0]]
    assert ids(event="ping") == [every[0]] and ids(event="event.cancelled") == []
    assert len(ids(event="publication.published")) == 3
    assert aster_admin_api.get(url, {"status": "lost"}).status_code == 400
    assert aster_admin_api.get(url, {"ordering": "id"}).status_code == 200  # no ordering parameter: ignored


def test_a_delivery_of_another_endpoint_is_not_found(aster_admin_api, member_company, receiver):
    first = endpoint(receiver.url(), company=member_company)
    second = endpoint(receiver.url("/2"), company=member_company)
    _deliveries(second, 1)
    delivery = Delivery.objects.get()
    assert aster_admin_api.get(f"{deliveries_url(first.pk)}{delivery.pk}/").status_code == 404
    assert aster_admin_api.get(f"{deliveries_url(second.pk)}{delivery.pk}/").status_code == 200


# --- query counts ----------------------------------------------------------------------------------


def _queries(client, url, count_queries):
    with count_queries() as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_endpoint_list_costs_the_same_for_2_and_10_rows(staff_api, staff_user, receiver, count_queries):
    companies = [factories.OrganisationFactory() for _ in range(10)]
    for company in companies[:2]:
        endpoint(receiver.url(), company=company)
    few = _queries(staff_api, ENDPOINTS, count_queries)
    for company in companies[2:]:
        endpoint(receiver.url(), company=company)
    assert _queries(staff_api, ENDPOINTS, count_queries) == few == 2


def test_the_delivery_log_costs_the_same_for_2_and_10_rows(aster_admin_api, member_company, receiver, count_queries):
    hook = endpoint(receiver.url(), company=member_company)
    _deliveries(hook, 2)
    url = deliveries_url(hook.pk)
    few = _queries(aster_admin_api, url, count_queries)
    _deliveries(hook, 8)
    assert _queries(aster_admin_api, url, count_queries) == few == 3


def test_a_company_admin_client_by_token(aster_admin, make_token, receiver):
    from tests.conftest import bearer

    _, raw = make_token(aster_admin, scopes=["read"])
    reader = bearer(raw)
    assert reader.get(ENDPOINTS).status_code == 200
    assert reader.post(ENDPOINTS, new(receiver), format="json").status_code == 403  # a read token never writes
    assert client_for(aster_admin).post(ENDPOINTS, new(receiver), format="json").status_code == 201


def test_a_disabled_endpoint_can_still_be_pinged(aster_admin_api, receiver, django_capture_on_commit_callbacks):
    created = aster_admin_api.post(ENDPOINTS, new(receiver, active=False), format="json").json()
    assert created["active"] is False
    with django_capture_on_commit_callbacks(execute=True):
        aster_admin_api.post(f"{ENDPOINTS}{created['id']}/test/")
    assert [json.loads(body)["event"] for body in receiver.bodies()] == ["ping"]


def test_the_admin_never_shows_the_secret(client, staff_user, member_company, receiver):
    hook = endpoint(receiver.url(), company=member_company)
    client.force_login(staff_user)
    for url in (f"/admin/webhooks/endpoint/{hook.pk}/change/", "/admin/webhooks/endpoint/"):
        response = client.get(url)
        assert response.status_code == 200 and hook.secret not in response.content.decode()
