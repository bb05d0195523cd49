"""The one error envelope: 400, 401, 403, 404, 405, 409, 429 and 503 all share its shape."""

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from api.core.errors import flatten_errors
from tests import factories

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_validation_errors_name_each_field(staff_api):
    response = staff_api.post(
        "/api/v1/organisations/", {"name": "", "kind": "galaxy", "website": "not a url"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400 and body["code"] == "invalid"
    assert set(body["fields"]) == {"name", "kind", "website"}
    assert body["fields"]["kind"] == ['"galaxy" is not a valid choice.']
    assert body["detail"].startswith(("name: ", "kind: ", "website: "))


def test_rules_checked_by_services_use_the_same_envelope(staff_api):
    response = staff_api.post(
        "/api/v1/organisations/", {"name": "Uni", "kind": "university", "membership_tier": "full"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "code": "invalid",
        "detail": "membership_tier: Only member companies have a membership tier.",
        "fields": {"membership_tier": ["Only member companies have a membership tier."]},
    }


def test_malformed_json_is_a_400(staff_api):
    response = staff_api.generic("POST", "/api/v1/organisations/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_unknown_api_paths_answer_json_404(api):
    for path in ["/api/v1/nothing-here/", "/api/v2/organisations/", "/api/"]:
        response = api.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"status": 404, "code": "not_found", "detail": f"No API endpoint at {path}."}


def test_missing_objects_answer_json_404(api):
    response = api.get("/api/v1/organisations/999999/")
    assert response.status_code == 404
    assert response.json() == {"status": 404, "code": "not_found", "detail": "Not found."}


def test_method_not_allowed_is_405_json(staff_api, member_user):
    response = staff_api.delete(f"/api/v1/people/{member_user.pk}/")
    assert response.status_code == 405
    assert response.json() == {"status": 405, "code": "method_not_allowed", "detail": 'Method "DELETE" not allowed.'}


def test_unsupported_media_type_is_415_json(staff_api):
    response = staff_api.generic("POST", "/api/v1/organisations/", "name=x", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_deleting_a_referenced_organisation_is_409(staff_api, member_user):
    response = staff_api.delete(f"/api/v1/organisations/{member_user.organisation_id}/")
    assert response.status_code == 409
    assert response.json()["code"] == "protected"


def test_throttled_requests_answer_429_with_retry_after(settings, api):
    from rest_framework.throttling import SimpleRateThrottle

    rates_before = SimpleRateThrottle.THROTTLE_RATES  # DRF reads them once, at import
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "2/min"},
    }
    from rest_framework.settings import api_settings

    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        statuses = [api.get("/api/v1/organisations/").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        response = api.get("/api/v1/organisations/")
        assert int(response["Retry-After"]) > 0
        body = response.json()
        assert body["code"] == "throttled" and body["retry_after"] == int(response["Retry-After"])
        # Another client IP has its own budget.
        assert APIClient(REMOTE_ADDR="10.9.9.9").get("/api/v1/organisations/").status_code == 200
    finally:
        # Not api_settings' rates: until the settings fixture's teardown they are still this test's.
        SimpleRateThrottle.THROTTLE_RATES = rates_before


def test_flatten_errors_gives_dotted_paths():
    nested = {"authors": [{}, {"orcid": ["Bad checksum."]}], "non_field_errors": ["Dates overlap."], "title": ["x"]}
    assert flatten_errors(nested) == {
        "authors.1.orcid": ["Bad checksum."],
        "non_field_errors": ["Dates overlap."],
        "title": ["x"],
    }


UNREACHABLE_DATABASE_SCRIPT = textwrap.dedent(
    """
    import json, os, time
    import django
    os.environ["DJANGO_SETTINGS_MODULE"] = "api.config.settings"
    django.setup()
    from django.test import Client
    client = Client()
    results = {}
    for path in ["/api/v1/organisations/", "/readyz", "/healthz"]:
        started = time.monotonic()
        response = client.get(path)
        results[path] = {
            "status": response.status_code,
            "retry_after": response.get("Retry-After"),
            "type": response.get("Content-Type"),
            "body": response.content.decode(),
            "seconds": time.monotonic() - started,
        }
    print(json.dumps(results))
    """
)


def test_an_unreachable_database_answers_503_json_quickly():
    """A real process whose database refuses connections (PostgreSQL on a closed port)."""
    import json

    env = {
        **os.environ,
        "DATABASE_URL": "postgres://wafer@127.0.0.1:9/wafer",
        "DEBUG": "false",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "testserver",
        "WAFER_NO_DOTENV": "1",
        "MEMCACHED_SERVERS": "",
    }
    started = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-c", UNREACHABLE_DATABASE_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    results = json.loads(out.stdout.strip().splitlines()[-1])
    api, ready, live = results["/api/v1/organisations/"], results["/readyz"], results["/healthz"]
    assert api["status"] == 503 and api["retry_after"] == "5" and api["type"] == "application/json"
    assert json.loads(api["body"])["code"] == "service_unavailable"
    assert api["seconds"] < 5
    assert ready["status"] == 503 and json.loads(ready["body"])["checks"]["database"] == "down"
    assert live["status"] == 200  # liveness never touches the database
    assert time.monotonic() - started < 30


def test_factories_university_kind():
    assert factories.OrganisationFactory(university=True).kind == "university"


def test_unknown_api_paths_are_404_json_for_writes_with_a_session_too(member_user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(member_user)
    response = client.put("/api/v1/people/0.5/", {"x": 1}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_csrf_failures_outside_drf_answer_json_under_api(rf):
    from api.core.errors import csrf_failure

    response = csrf_failure(rf.post("/api/v1/anything/"), reason="CSRF cookie not set.")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert csrf_failure(rf.post("/admin/login/"), reason="x")["Content-Type"].startswith("text/html")


def test_a_missing_trailing_slash_is_pointed_out(api):
    response = api.post("/api/v1/organisations", {}, format="json")
    assert response.status_code == 404
    assert response.json()["detail"] == (
        "No API endpoint at /api/v1/organisations. Did you mean /api/v1/organisations/ (with a trailing slash)?"
    )


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/organisations/99999999999999999999999/",
        "/api/v1/events/99999999999999999999999/registrations/",
        "/api/v1/events/99999999999999999999999/registrations/1/",
        "/api/v1/publications/1/files/99999999999999999999999/download/",
        "/api/v1/deliverables/1/reports/99999999999999999999999/download/",
    ],
)
def test_ids_too_large_for_the_database_are_404_not_500(staff_api, path):
    assert staff_api.get(path).status_code == 404
    assert staff_api.delete(path).status_code in {404, 405}
