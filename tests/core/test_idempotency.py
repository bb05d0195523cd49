"""`Idempotency-Key` on POST: a retry answers the first response and does nothing again.

The clients here authenticate the way integrations and the SPA do (bearer tokens, a session with
CSRF), so the middleware's own owner detection is what is tested.
"""

import datetime
import hashlib
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from api.accounts.models import Organisation
from api.accounts.views.organisations import OrganisationViewSet
from api.core.audit.models import AuditEvent
from api.core.idempotency import services
from api.core.idempotency.middleware import _BoundaryFree
from api.core.idempotency.models import IdempotencyRecord
from api.core.tokens.models import ApiToken
from api.publications.models import Publication
from tests import factories
from tests.conftest import bearer
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ORGS = "/api/v1/organisations/"
TOKENS = "/api/v1/auth/tokens/"
IMPORT = "/api/v1/publications/import/"
NEW = {"name": "Zenith Devices", "short_name": "Zenith", "kind": "member", "membership_tier": "associate"}
CSV = (
    "title,kind,year,doi,authors,abstract,keywords,venue,published_on,access,embargo_until,embargo_reason\n"
    "Etching silicon,paper,2020,10.5555/etch.1,Chidi Okafor,,,,,public,,\n"
    "Slides,presentation,2021,,,,,,,,,\n"
)


def key(value: str) -> dict:
    return {"HTTP_IDEMPOTENCY_KEY": value}


@pytest.fixture
def writer(staff_user, make_token):
    """A member-company-style integration: a staff user's write token."""
    _, raw = make_token(staff_user, scopes=["read", "write"])
    return bearer(raw)


def post(client, data=NEW, idempotency_key="k-1", url=ORGS, **extra):
    return client.post(url, data, format="json", **key(idempotency_key), **extra)


def assert_same_answer(first, second):
    assert (second.status_code, second.content) == (first.status_code, first.content)
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")


# --- replays ----------------------------------------------------------------------------------------


def test_a_retry_replays_the_first_answer_and_writes_once(writer, staff_user):
    first = post(writer)
    assert first.status_code == 201, first.json()
    second = post(writer)

    assert_same_answer(first, second)
    assert Organisation.objects.filter(name="Zenith Devices").count() == 1
    assert AuditEvent.objects.filter(action="create", target_type="accounts.organisation").count() == 1
    record = IdempotencyRecord.objects.get()
    assert (record.owner_id, record.key, record.method, record.path, record.state) == (
        staff_user.pk,
        "k-1",
        "POST",
        ORGS,
        "done",
    )
    assert (record.response_status, record.replayable, record.response_headers) == (
        201,
        True,
        {"Content-Type": "application/json"},
    )
    assert record.expires_at == record.created_at + datetime.timedelta(hours=24)


def test_the_location_header_is_replayed(writer, monkeypatch):
    def create_with_location(self, request, *args, **kwargs):
        response = original(self, request, *args, **kwargs)
        response["Location"] = f"{ORGS}{response.data['id']}/"
        return response

    original = OrganisationViewSet.create
    monkeypatch.setattr(OrganisationViewSet, "create", create_with_location)
    first = post(writer)
    second = post(writer)
    assert_same_answer(first, second)
    assert second["Location"] == first["Location"] == f"{ORGS}{first.json()['id']}/"


def test_the_ttl_comes_from_the_settings(writer, settings):
    settings.IDEMPOTENCY_TTL_HOURS = 2
    post(writer)
    record = IdempotencyRecord.objects.get()
    assert record.expires_at - record.created_at == datetime.timedelta(hours=2)


def test_a_400_is_replayed_not_validated_again(writer, member_company):
    first = post(writer, {**NEW, "name": "Aster Microdevices"})
    assert first.status_code == 400
    member_company.delete()  # the name is free now: a new validation would pass
    second = post(writer, {**NEW, "name": "Aster Microdevices"})
    assert_same_answer(first, second)
    assert not Organisation.objects.filter(name="Aster Microdevices").exists()


def test_a_session_retry_replays_too(staff_user):
    client = APIClient(enforce_csrf_checks=True)
    csrf = client.get("/api/v1/auth/csrf/").json()["csrf_token"]
    signed_in = client.post(
        "/api/v1/auth/login/", {"email": staff_user.email, "password": PASSWORD}, format="json", HTTP_X_CSRFTOKEN=csrf
    )
    assert signed_in.status_code == 200
    csrf = client.get("/api/v1/auth/csrf/").json()["csrf_token"]  # signing in rotates it

    refused = post(client)  # no CSRF token: the view refuses, the key is not used
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert not IdempotencyRecord.objects.exists()

    first = post(client, HTTP_X_CSRFTOKEN=csrf)
    second = post(client, HTTP_X_CSRFTOKEN=csrf)
    assert first.status_code == 201
    assert_same_answer(first, second)
    assert Organisation.objects.filter(name="Zenith Devices").count() == 1


def test_force_authenticated_clients_are_owners_too(staff_api):
    # APIClient.force_authenticate is how most tests sign in; DRF takes that user, so the middleware does.
    first = post(staff_api)
    assert_same_answer(first, post(staff_api))


# --- whose key ----------------------------------------------------------------------------------------


def test_keys_belong_to_their_user_not_to_one_token(writer, staff_user, make_token):
    post(writer)
    _, other_raw = make_token(staff_user, scopes=["read", "write"], name="rotated")
    assert post(bearer(other_raw))["Idempotent-Replayed"] == "true"  # a new token of the same user

    colleague = factories.staff(email="colleague@wafer.example")
    _, colleague_raw = make_token(colleague, scopes=["read", "write"])
    theirs = post(bearer(colleague_raw), {**NEW, "name": "Another Company"})
    assert theirs.status_code == 201 and not theirs.has_header("Idempotent-Replayed")
    assert Organisation.objects.filter(name__in=["Zenith Devices", "Another Company"]).count() == 2
    assert IdempotencyRecord.objects.filter(key="k-1").count() == 2


def test_keys_differing_only_in_case_are_different_keys(writer):
    # SQL Server's collation ignores case; the digest keeps keys exact on every database.
    assert post(writer, idempotency_key="abc").status_code == 201
    assert post(writer, {**NEW, "name": "Other"}, idempotency_key="ABC").status_code == 201
    assert IdempotencyRecord.objects.count() == 2


# --- refusals ------------------------------------------------------------------------------------------


def test_the_same_key_for_another_request_is_422(writer):
    post(writer)
    for response in (
        post(writer, {**NEW, "name": "Other"}),  # another body
        post(writer, url=f"{ORGS}?x=1"),  # another query string
        post(writer, {"name": "t", "scopes": ["read"]}, url=TOKENS),  # another endpoint
    ):
        assert response.status_code == 422
        assert response.json() == {
            "status": 422,
            "code": "idempotency_key_reused",
            "detail": "Idempotency-Key: this key was already used for a different request (method, path, "
            "query or body); use a new key for a new request.",
        }
    assert Organisation.objects.filter(name="Other").count() == 0
    assert ApiToken.objects.filter(name="t").count() == 0


def test_a_request_still_in_flight_is_409_with_retry_after(writer):
    post(writer)
    IdempotencyRecord.objects.update(state="in_progress")  # as if the first request were still running
    response = post(writer)
    assert response.status_code == 409
    assert response["Retry-After"] == "1"
    assert response.json() == {
        "status": 409,
        "code": "idempotency_in_progress",
        "detail": "A request with this Idempotency-Key is still in progress; retry shortly.",
    }
    assert Organisation.objects.filter(name="Zenith Devices").count() == 1


def test_an_abandoned_reservation_is_taken_over(writer):
    # A request that died before storing its answer rolled its writes back with it (one transaction).
    post(writer)
    Organisation.objects.filter(name="Zenith Devices").delete()
    IdempotencyRecord.objects.update(
        state="in_progress", locked_at=timezone.now() - services.IN_PROGRESS_TIMEOUT - datetime.timedelta(seconds=1)
    )
    response = post(writer)
    assert response.status_code == 201 and not response.has_header("Idempotent-Replayed")
    record = IdempotencyRecord.objects.get()
    assert (record.state, record.attempt) == ("done", 2)


def test_a_request_whose_reservation_was_taken_over_keeps_nothing(writer, monkeypatch):
    def create_then_lose_the_key(self, request, *args, **kwargs):
        response = original(self, request, *args, **kwargs)
        IdempotencyRecord.objects.update(attempt=7)  # another request took the key over meanwhile
        return response

    original = OrganisationViewSet.create
    monkeypatch.setattr(OrganisationViewSet, "create", create_then_lose_the_key)
    response = post(writer)
    assert response.status_code == 409 and response.json()["code"] == "idempotency_in_progress"
    assert not Organisation.objects.filter(name="Zenith Devices").exists()  # rolled back


@pytest.mark.parametrize("value", ["", " ", "x" * 256, "clé", "tab\there", "nul\x00"])
def test_invalid_keys_are_400_naming_the_header(writer, value):
    response = post(writer, idempotency_key=value)
    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "code": "idempotency_key_invalid",
        "detail": "Idempotency-Key: use 1 to 255 printable ASCII characters.",
    }
    assert not Organisation.objects.filter(name="Zenith Devices").exists()


def test_the_longest_key_is_accepted(writer):
    assert post(writer, idempotency_key="~" * 255).status_code == 201


# --- what is not kept -----------------------------------------------------------------------------------


def test_a_5xx_is_rolled_back_and_not_kept(writer, monkeypatch):
    calls = []

    def create_then_fail_once(**fields):
        organisation = original(**fields)
        calls.append(organisation.pk)
        if len(calls) == 1:
            raise RuntimeError("a bug after the write")
        return organisation

    original = OrganisationViewSet.create_service
    monkeypatch.setattr(OrganisationViewSet, "create_service", staticmethod(create_then_fail_once))
    writer.raise_request_exception = False
    assert post(writer).status_code == 500
    assert not IdempotencyRecord.objects.exists()
    assert not Organisation.objects.filter(name="Zenith Devices").exists()  # the write went with the answer

    retry = post(writer)
    assert retry.status_code == 201 and not retry.has_header("Idempotent-Replayed")
    assert Organisation.objects.filter(name="Zenith Devices").count() == 1
    assert AuditEvent.objects.filter(action="create", target_type="accounts.organisation").count() == 1


@pytest.mark.parametrize("status", [401, 403, 408, 429, 503])
def test_refusals_and_try_again_later_are_not_kept(writer, monkeypatch, status):
    from rest_framework.response import Response

    monkeypatch.setattr(OrganisationViewSet, "create", lambda self, request, *a, **k: Response({}, status=status))
    assert post(writer).status_code == status
    assert not IdempotencyRecord.objects.exists()


def test_an_answer_holding_a_secret_is_not_kept_and_not_run_again(staff_user, make_token):
    _, raw = make_token(staff_user, scopes=["read", "write"])
    client = bearer(raw)
    # A token cannot outlive the token that creates it: ask for a short one.
    data = {"name": "ci", "scopes": ["read"], "expires_at": (timezone.now() + datetime.timedelta(days=1)).isoformat()}
    first = post(client, data, url=TOKENS)
    assert first.status_code == 201 and first["Cache-Control"] == "no-store"
    second = post(client, data, url=TOKENS)
    assert second.status_code == 409
    assert second.json() == {
        "status": 409,
        "code": "idempotency_not_replayable",
        "detail": "The request with this Idempotency-Key was done (status 201) and will not run again, "
        "but its answer was not kept (it held a secret or a cookie, streamed, or was too large).",
    }
    assert ApiToken.objects.filter(name="ci").count() == 1
    record = IdempotencyRecord.objects.get()
    assert (record.replayable, record.response_body) == (False, None)
    assert first.json()["token"].encode() not in bytes(record.response_body or b"")


def test_a_large_answer_is_not_kept(writer, monkeypatch):
    monkeypatch.setattr("api.core.idempotency.middleware.MAX_STORED_BYTES", 10)
    assert post(writer).status_code == 201
    second = post(writer)
    assert second.status_code == 409 and second.json()["code"] == "idempotency_not_replayable"
    assert Organisation.objects.filter(name="Zenith Devices").count() == 1


# --- when the header does nothing ----------------------------------------------------------------------


def test_the_header_on_get_is_ignored(writer):
    response = writer.get(ORGS, **key("k-1"))
    assert response.status_code == 200 and not response.has_header("Idempotent-Replayed")
    assert not IdempotencyRecord.objects.exists()


def test_anonymous_posts_ignore_the_header(api, member_user):
    assert post(api).status_code == 401
    assert post(api, idempotency_key="").json()["code"] == "idempotency_key_invalid"  # its shape is checked
    client = APIClient(enforce_csrf_checks=True)
    csrf = client.get("/api/v1/auth/csrf/").json()["csrf_token"]
    credentials = {"email": member_user.email, "password": PASSWORD}
    signed_in = post(client, credentials, url="/api/v1/auth/login/", HTTP_X_CSRFTOKEN=csrf)
    assert signed_in.status_code == 200 and not signed_in.has_header("Idempotent-Replayed")
    assert not IdempotencyRecord.objects.exists()


def test_credentials_the_view_refuses_ignore_the_header(staff_user, make_token):
    _, read_only = make_token(staff_user, scopes=["read"])
    response = post(bearer(read_only))
    assert response.status_code == 403 and response.json()["code"] == "insufficient_scope"
    assert post(bearer("wafer_not-a-token")).status_code == 401
    assert not IdempotencyRecord.objects.exists()


# --- multipart uploads ---------------------------------------------------------------------------------


def upload(client, boundary: str, idempotency_key="import-1"):
    body = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="pubs.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
        f"{CSV}\r\n"
        f"--{boundary}--\r\n"
    ).encode()
    return client.generic(
        "POST", IMPORT, body, content_type=f"multipart/form-data; boundary={boundary}", **key(idempotency_key)
    )


@pytest.mark.parametrize("spooled", [False, True], ids=["in-memory", "spooled"])
def test_a_multipart_retry_with_a_new_boundary_is_the_same_request(writer, settings, spooled):
    if spooled:  # bodies over DATA_UPLOAD_MAX_MEMORY_SIZE are copied to a temporary file, not to memory
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64
    first = upload(writer, "boundary-one")
    assert first.status_code == 200, first.content
    assert first.json()["created"] == 2
    second = upload(writer, "another-boundary-0123456789")
    assert_same_answer(first, second)
    assert Publication.objects.count() == 2
    assert upload(writer, "boundary-one", idempotency_key="import-2").json()["skipped"] == 2  # it would run again


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64])
def test_the_boundary_is_left_out_of_the_fingerprint_whatever_the_chunks(size):
    def digest(body: bytes, boundary: str, chunk: int) -> str:
        hasher = hashlib.sha256()
        feeder = _BoundaryFree(hasher, boundary)
        for start in range(0, len(body), chunk):
            feeder.feed(body[start : start + chunk])
        feeder.close()
        return hasher.hexdigest()

    one = b"--AAAA\r\npart one --AAA not a boundary\r\n--AAAA\r\npart two\r\n--AAAA--\r\n"
    two = one.replace(b"AAAA", b"a-much-longer-boundary")
    assert digest(one, "AAAA", size) == digest(two, "a-much-longer-boundary", len(two))
    assert digest(one, "AAAA", size) != digest(one.replace(b"two", b"2"), "AAAA", size)


# --- costs and housekeeping ------------------------------------------------------------------------------


def extra_queries(count_queries, send) -> tuple[int, int]:
    """(queries of a POST with a key minus the same POST without one, queries of its replay)."""
    with count_queries() as plain:
        assert send(None).status_code == 201
    with count_queries() as keyed:
        assert send("q-1").status_code == 201
    with count_queries() as replay:
        assert send("q-1")["Idempotent-Replayed"] == "true"
    return len(keyed) - len(plain), len(replay)


def test_a_key_costs_a_constant_number_of_queries(writer, count_queries, staff_user):
    names = iter(range(1000))

    def organisation(idempotency_key):
        data = {**NEW, "name": f"Company {next(names)}"} if idempotency_key is None else NEW
        headers = key(idempotency_key) if idempotency_key else {}
        return writer.post(ORGS, data, format="json", **headers)

    def person(idempotency_key):
        data = {"email": f"p{next(names)}@example.com", "given_name": "A", "family_name": "B", "role": "staff"}
        if idempotency_key is not None:
            data = {"email": "keyed@example.com", "given_name": "A", "family_name": "B", "role": "staff"}
        headers = key(idempotency_key + "-person") if idempotency_key else {}
        return writer.post("/api/v1/people/", data, format="json", **headers)

    writer.get("/api/v1/auth/me/")  # the token's first use records it: not a cost of the key
    # Look-up, purge of the owner's expired keys, reservation, storing the answer, and two savepoint
    # pairs (the reservation's and the request's transaction: BEGIN/COMMIT outside tests, not logged).
    # The bearer token is looked up once; a replay is the token and the record.
    assert extra_queries(count_queries, organisation) == (8, 2)
    assert extra_queries(count_queries, person) == (8, 2)


def test_inserting_purges_the_owners_expired_keys_only(writer, staff_user):
    colleague = factories.staff(email="colleague@wafer.example")
    past = timezone.now() - datetime.timedelta(hours=1)
    for owner, name in [(staff_user, "old-mine"), (colleague, "old-theirs")]:
        IdempotencyRecord.objects.create(
            owner=owner, key_digest=services.key_digest(name), key=name, method="POST", path=ORGS,
            fingerprint="0" * 64, expires_at=past,
        )  # fmt: skip
    post(writer)
    assert sorted(IdempotencyRecord.objects.values_list("key", flat=True)) == ["k-1", "old-theirs"]


def test_an_expired_key_runs_again(writer):
    first = post(writer)
    IdempotencyRecord.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    again = post(writer)  # runs again: the name is taken by the first run now
    assert again.status_code == 400 and not again.has_header("Idempotent-Replayed")
    assert list(again.json()["fields"]) == ["name"]  # "... already exists"
    record = IdempotencyRecord.objects.get()
    assert (record.response_status, record.expires_at > timezone.now()) == (400, True)
    assert first.status_code == 201


def test_the_purge_command_deletes_expired_keys(writer, capsys):
    post(writer)
    post(writer, {**NEW, "name": "Other"}, idempotency_key="k-2")
    IdempotencyRecord.objects.filter(key="k-1").update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    call_command("purge_idempotency_keys")
    assert capsys.readouterr().out == "Deleted 1 expired Idempotency-Key record(s).\n"
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["k-2"]


def test_the_contract_documents_the_header_on_every_post():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    posts = [(path, ops["post"]) for path, ops in schema["paths"].items() if "post" in ops]
    assert posts
    for path, operation in posts:
        names = [parameter.get("name") for parameter in operation.get("parameters", [])]
        assert "Idempotency-Key" in names, path
        assert {"409", "422"} <= set(operation["responses"]), path
    for ops in schema["paths"].values():
        for method, operation in ops.items():
            if method != "post":
                assert "Idempotency-Key" not in [p.get("name") for p in operation.get("parameters", [])]


# --- concurrency (PostgreSQL) ------------------------------------------------------------------------------

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises every write, which would hide a race (CI runs this on PostgreSQL)",
)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_retries_with_one_key_write_once(staff_user, make_token):
    _, raw = make_token(staff_user, scopes=["read", "write"])
    results: list = [None] * 8
    barrier = threading.Barrier(len(results) + 1)

    def worker(index):
        try:
            connection.ensure_connection()  # connect before the start line, so the requests really overlap
            client = bearer(raw)
            barrier.wait(timeout=30)
            results[index] = post(client)
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(len(results))]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=30)
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request hung"

    assert not [r for r in results if isinstance(r, Exception)], results
    ran = [r for r in results if r.status_code == 201 and not r.has_header("Idempotent-Replayed")]
    others = [r for r in results if r not in ran]
    assert len(ran) == 1
    for response in others:
        replayed = response.status_code == 201 and response.content == ran[0].content
        in_flight = response.status_code == 409 and response.json()["code"] == "idempotency_in_progress"
        assert replayed or in_flight, (response.status_code, response.content)
    assert Organisation.objects.filter(name="Zenith Devices").count() == 1
    assert AuditEvent.objects.filter(action="create", target_type="accounts.organisation").count() == 1
    assert IdempotencyRecord.objects.get().state == "done"
