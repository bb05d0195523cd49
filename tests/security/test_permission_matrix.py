"""The permission matrix (tests/security/permission_matrix.py) against the API, and against the URL patterns.

One test per (route, method, role) sends the request with a valid body and asserts the status, and that
every 4xx is the one JSON error envelope. Another walks Django's URL resolver: a route and method the
table lacks, or a table row that no route serves, fails the suite, so a new endpoint cannot go untested.
"""

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from api.accounts.models import User
from tests.conftest import bearer, client_for
from tests.security import permission_matrix as matrix
from tests.security.bodies import BODIES
from tests.security.world import build_world
from tests.sqlserver.endpoints import walk_urls

ROWS = matrix.parse()

# The world is built once for this module and rolled back at its end (see world.py).


@pytest.fixture(scope="module")
def world_media(tmp_path_factory):
    return tmp_path_factory.mktemp("matrix-media")


@pytest.fixture(autouse=True)
def _private_media():
    """Replaces the suite's per-test media folder: the world's files, made once per module, must stay
    readable. The `world` fixture points MEDIA_ROOT at world_media for as long as the module runs."""


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, world_media):
    """The world, in a transaction of its own; each test's `db` savepoint sits inside it."""
    # The webhook endpoint's URL is on the loopback (nothing is ever sent: deliveries wait for a commit).
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=world_media, WEBHOOK_ALLOW_PRIVATE_URLS=True):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


USERS = {
    matrix.STUDENT: "student",
    matrix.FACULTY: "faculty",
    matrix.OTHER_FACULTY: "other_faculty",
    matrix.SPONSOR: "sponsor",
    matrix.OTHER_MEMBER: "other_member",
    matrix.INACTIVE_MEMBER: "inactive_member",
    matrix.RECRUITER: "recruiter",
    matrix.STAFF: "staff",
}
TOKENS = {matrix.READ_TOKEN: "read_token", matrix.EXPIRED_TOKEN: "expired_token", matrix.REVOKED_TOKEN: "revoked_token"}


def client_as(world, role) -> APIClient:
    if role in USERS:
        # Read again: a request may change the person in memory (a password, a name) and the next must not see it.
        return client_for(User.objects.get(pk=getattr(world, USERS[role]).pk))
    if role in TOKENS:
        return bearer(getattr(world, TOKENS[role]))
    return APIClient()


def world_value(world, name):
    value = getattr(world, name)
    return getattr(value, "pk", value)


def request_for(world, route, method) -> tuple[str, dict]:
    """The row's path (its route reversed with the world's objects) and query string."""
    kwargs = {kwarg: world_value(world, name) for kwarg, name in matrix.target(route, method).items()}
    path = reverse(matrix.route_name(route), kwargs=kwargs)
    query = {
        key: world_value(world, value[1:-1]) if value.startswith("{") else value
        for key, value in matrix.QUERIES.get(matrix.route_name(route), {}).items()
    }
    return path, query


def send(client, world, route, method, path, query):
    make = BODIES.get(f"{matrix.route_name(route)} {method}")
    kind, data = make(world) if make else ("json", None)
    if method == "GET":
        return client.get(path, query)
    if query:
        path = f"{path}?{'&'.join(f'{key}={value}' for key, value in query.items())}"
    return getattr(client, method.lower())(path, data, format=kind if data is not None else None)


def read(response) -> bytes:
    """The body; a streamed one is read to the end, which makes the test client close it."""
    return b"".join(response.streaming_content) if response.streaming else response.content


CASES = [
    pytest.param(route, method, role, expected, id=f"{route}-{method}-{role}")
    for route, method, statuses in ROWS
    for role, expected in statuses.items()
]


@pytest.mark.parametrize(("route", "method", "role", "expected"), CASES)
def test_permission(world, db, route, method, role, expected):
    path, query = request_for(world, route, method)
    response = send(client_as(world, role), world, route, method, path, query)
    body = read(response)
    assert response.status_code == expected, f"{method} {path} as {role}: {response.status_code} {body[:300]!r}"
    if 400 <= expected < 500:
        assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
        error = response.json()
        assert error["status"] == expected, error
        assert error["code"] and error["detail"], error


# --- Every route is in the table --------------------------------------------------------------------


def _methods(callback) -> set[str]:
    """The methods a view answers: a ViewSet route's action map (limited by the class's
    http_method_names), an APIView's handlers; OPTIONS and HEAD follow GET and are left out."""
    view_class = callback.cls
    allowed = set(view_class.http_method_names) - {"options", "head"}
    actions = getattr(callback, "actions", None)
    handlers = actions.keys() if actions else [name for name in allowed if hasattr(view_class, name)]
    return {name.upper() for name in handlers if name in allowed}


def served_routes() -> tuple[set[tuple[str, str]], list[str]]:
    """{(URL name, METHOD)} of every API route the table must cover, and the routes it cannot read."""
    served, unreadable = set(), []
    for route, pattern in walk_urls():
        if not route.lstrip("^").startswith("api/") or pattern.name in matrix.EXCLUDED_ROUTE_NAMES:
            continue  # the admin, the SPA, health probes and the benchmark (see the table's docstring)
        if pattern.name is None and route == "^api/":
            continue  # the JSON 404 for unknown API paths
        if pattern.name is None or not hasattr(pattern.callback, "cls"):
            unreadable.append(route)
            continue
        served |= {(pattern.name, method) for method in _methods(pattern.callback)}
    return served, unreadable


def test_the_table_covers_every_route_and_method_and_nothing_else():
    served, unreadable = served_routes()
    table = {(matrix.route_name(route), method) for route, method, _ in ROWS}
    assert not unreadable, f"API routes without a name or a DRF view: {unreadable}"
    missing, stale = sorted(served - table), sorted(table - served)
    assert not missing, f"routes and methods missing from the permission matrix: {missing}"
    assert not stale, f"matrix rows that no route serves: {stale}"


def test_every_target_and_body_belongs_to_a_row():
    """A TARGETS, QUERIES or BODIES entry for a route that is gone would be dead weight that hides a typo."""
    rows = {(route, method) for route, method, _ in ROWS}
    routes = {route for route, _ in rows} | {matrix.route_name(route) for route, _ in rows}
    keyed = {f"{route} {method}" for route, method in rows} | {f"{matrix.route_name(r)} {m}" for r, m in rows}
    assert sorted(key for key in matrix.TARGETS if key not in routes and key not in keyed) == []
    assert sorted(key for key in matrix.QUERIES if key not in routes) == []
    assert sorted(key for key in BODIES if key not in keyed) == []
    assert sorted(key for key in matrix.NOTES if key not in rows) == []


def _credential_free_routes() -> set[str]:
    """URL names of the views that read no credentials at all (authentication_classes = [])."""
    return {
        pattern.name
        for _, pattern in walk_urls()
        if hasattr(pattern.callback, "cls") and pattern.callback.cls.authentication_classes == []
    }


def test_the_table_keeps_the_rules_every_route_shares():
    """Typos in the table would otherwise only show as a failing request: these hold for every row."""
    credential_free = _credential_free_routes()
    broken = []
    for route, method, statuses in ROWS:
        name, row = matrix.route_name(route), f"{route} {method}"
        # Where no credentials are read, a dead token is ignored: the caller is anonymous.
        expected_bad_token = statuses[matrix.ANONYMOUS] if name in credential_free else 401
        if {statuses[matrix.EXPIRED_TOKEN], statuses[matrix.REVOKED_TOKEN]} != {expected_bad_token}:
            broken.append(f"{row}: a dead token gets {expected_bad_token}")
        if name not in credential_free and method != "GET" and statuses[matrix.READ_TOKEN] != 403:
            broken.append(f"{row}: a read token never writes (403)")
        if method == "GET" and statuses[matrix.READ_TOKEN] != statuses[matrix.SPONSOR]:
            broken.append(f"{row}: a read token reads what its owner (the sponsor) reads")
        if statuses[matrix.ANONYMOUS] == 403:
            broken.append(f"{row}: an anonymous caller is asked to sign in (401), not refused")
    assert not broken, broken
