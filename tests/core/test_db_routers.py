"""The read-replica router: reads to the replica, except inside transactions and after the request's
own writes; writes to the primary; reporting reads always to the replica.

The `replica` fixture adds a "replica" alias that is a second connection to the test database (what
TEST MIRROR does when settings define the alias), so every query really runs, and each alias's queries
are recorded. It needs real commits (transactional tests): a row written inside a test's transaction
would be invisible to the second connection, and inside atomic() every read goes to the primary anyway.
"""

import copy

import pytest
from django.db import OperationalError, connections, transaction
from django.http import JsonResponse
from django.test import Client
from django.urls import path

from api.accounts.models import Organisation
from api.core import replica as replica_module
from api.core.db_routers import ReplicaRouter
from api.core.replica import ReplicaPinningMiddleware, replica_reads, request_scope
from api.core.tokens.services import token_create
from tests import factories

router = ReplicaRouter()


@pytest.fixture
def replica(transactional_db, settings):
    primary = connections["default"].settings_dict
    second = copy.deepcopy(primary)
    second["TEST"] = {**second.get("TEST", {}), "MIRROR": "default"}
    settings.DATABASES["replica"] = second  # the same dict as connections.settings
    settings.DATABASE_ROUTERS = ["api.core.db_routers.ReplicaRouter"]
    # Connected here: Django's test case refuses to open aliases it did not know when it was set up.
    connections["replica"].connect()
    log: list[tuple[str, str]] = []

    def recorder(alias):
        def record(execute, sql, params, many, context):
            log.append((alias, sql.split(None, 1)[0].upper()))
            return execute(sql, params, many, context)

        return record

    with (
        connections["default"].execute_wrapper(recorder("default")),
        connections["replica"].execute_wrapper(recorder("replica")),
    ):
        yield log
    connections["replica"].close()
    del connections["replica"]
    del settings.DATABASES["replica"]


def test_without_a_replica_the_router_has_no_opinion(db):
    with request_scope():
        assert router.db_for_read(Organisation) is None


def test_reads_go_to_the_replica_and_writes_to_the_primary(replica):
    with request_scope():
        assert router.db_for_read(Organisation) == "replica"
    with request_scope():
        assert router.db_for_write(Organisation) == "default"


def test_reads_inside_a_transaction_go_to_the_primary(replica):
    with request_scope():
        with transaction.atomic():
            assert router.db_for_read(Organisation) == "default"
        assert router.db_for_read(Organisation) == "replica"


def test_after_a_write_the_same_request_reads_from_the_primary_and_the_next_one_from_the_replica(replica):
    with request_scope():
        Organisation.objects.filter(pk=-1).update(name="nobody")
        assert router.db_for_read(Organisation) == "default"
    with request_scope():
        assert router.db_for_read(Organisation) == "replica"


def test_reporting_reads_always_use_the_replica(replica):
    with request_scope():
        Organisation.objects.filter(pk=-1).update(name="nobody")
        with transaction.atomic(), replica_reads():
            assert router.db_for_read(Organisation) == "replica"
        assert router.db_for_read(Organisation) == "default"
    assert replica_module.alias_for_reporting() == "replica"


def test_only_the_primary_is_migrated(replica):
    assert router.allow_migrate("replica", "accounts") is False
    assert router.allow_migrate("default", "accounts") is None


def test_queries_really_run_where_the_router_says(replica):
    with request_scope():
        factories.OrganisationFactory(name="Aster")
        replica.clear()
        assert Organisation.objects.get().name == "Aster"
    assert [alias for alias, _ in replica] == ["default"]
    replica.clear()
    with request_scope():
        assert Organisation.objects.get().name == "Aster"  # the mirror sees the committed row
    assert [alias for alias, _ in replica] == ["replica"]


def probe(request):
    """Reads, writes, reads again: what an update view does."""
    before = Organisation.objects.count()
    Organisation.objects.filter(pk=-1).update(name="nobody")
    return JsonResponse({"before": before, "after": Organisation.objects.count()})


urlpatterns = [path("probe/", probe)]


def test_an_http_request_is_pinned_to_the_primary_after_its_write_and_the_next_is_not(replica, settings):
    assert settings.MIDDLEWARE[0] == "api.core.replica.ReplicaPinningMiddleware"
    settings.ROOT_URLCONF = __name__
    client = Client()
    assert client.get("/probe/").json() == {"before": 0, "after": 0}
    assert replica == [("replica", "SELECT"), ("default", "UPDATE"), ("default", "SELECT")]
    replica.clear()
    client.get("/probe/")
    assert replica[0] == ("replica", "SELECT"), "the next request started pinned"


def test_an_api_list_reads_from_the_replica(replica, settings):
    factories.OrganisationFactory(name="Aster")
    replica.clear()
    response = Client().get("/api/v1/programs/")
    assert response.status_code == 200
    assert replica and {alias for alias, _ in replica} == {"replica"}


def test_a_report_reads_from_the_replica_even_after_the_request_wrote(replica, settings):
    settings.REPORT_CACHE_SECONDS = 0
    staff = factories.staff()
    raw = token_create(user=staff, name="reports", scopes=["read"]).raw
    replica.clear()
    response = Client().get("/api/v1/reports/publications/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200, response.content[:300]
    # The token's first use is recorded (a write, which pins the request); the report's reads still
    # go to the replica (api.reporting.views: replica_reads).
    written = next(i for i, (alias, verb) in enumerate(replica) if verb == "UPDATE")
    assert replica[written][0] == "default"
    assert [alias for alias, _ in replica[written + 1 :]] and {alias for alias, _ in replica[written + 1 :]} == {
        "replica"
    }


def test_readyz_checks_the_replica_too(replica, monkeypatch):
    body = Client().get("/readyz").json()
    assert body["checks"] == {"database": "ok", "cache": "ok", "replica": "ok"}
    monkeypatch.setattr(connections["replica"], "cursor", _refused)
    response = Client().get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["replica"] == "down"


def _refused():
    raise OperationalError("connection to server at 10.0.0.6, port 5432 failed: Connection refused")


def test_the_middleware_resets_the_pin_even_when_the_view_fails(replica):
    def failing_view(request):
        replica_module.note_write()
        raise RuntimeError("boom")

    with request_scope():  # whatever earlier tests wrote outside a request left this thread pinned
        with pytest.raises(RuntimeError):
            ReplicaPinningMiddleware(failing_view)(object())
        assert replica_module.wrote() is False
        assert router.db_for_read(Organisation) == "replica"


def test_an_answer_about_to_be_cached_is_read_from_the_primary(replica, settings):
    # The response cache keys answers by generation numbers bumped at commit on the primary; a lagging
    # replica could still show the old rows, which the cache would then keep (api.core.response_cache).
    client = Client()
    settings.RESPONSE_CACHE_SECONDS = 300
    assert client.get("/api/v1/publications/")["X-Cache"] == "miss"
    assert {alias for alias, verb in replica if verb == "SELECT"} == {"default"}
    replica.clear()
    settings.RESPONSE_CACHE_SECONDS = 0
    assert client.get("/api/v1/publications/").status_code == 200
    assert {alias for alias, verb in replica if verb == "SELECT"} == {"replica"}
