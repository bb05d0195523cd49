"""Production settings: `check --deploy` passes, HTTPS is enforced (HSTS, secure cookies, redirect behind
the proxy), CORS answers only configured origins, session writes need CSRF, passwords are validated and
sign-in throttling holds across workers (its counts live in the shared memcached)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.cache import caches
from django.core.exceptions import ValidationError
from pymemcache.client.base import Client as RawMemcached
from rest_framework.test import APIClient

from api.core.throttling import LoginThrottle
from tests.core.support import MEMCACHED_SERVERS, memcached_of_our_own

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "wafer.example",
    "SECURE_COOKIES": "true",
    # Behind the TLS-terminating proxy (the farm's HAProxy sets X-Forwarded-Proto itself).
    "TRUST_X_FORWARDED_PROTO": "true",
    "SECURE_SSL_REDIRECT": "true",
    "CORS_ALLOWED_ORIGINS": "https://app.wafer.example",
    "CSRF_TRUSTED_ORIGINS": "https://app.wafer.example",
}
ENV_SETTINGS = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_COOKIES", "TRUST_X_FORWARDED_PROTO",
                "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
                "SECURE_HSTS_PRELOAD", "DJANGO_SETTINGS_MODULE")  # fmt: skip


def manage(*args: str, **overrides: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ENV_SETTINGS}
    env.update({"WAFER_NO_DOTENV": "1", "DJANGO_SETTINGS_MODULE": "api.config.settings", **overrides})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_the_deploy_check_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_fails_when_https_is_not_enforced():
    # The check above must be able to fail: without HSTS and the redirect it warns, and WARNING fails.
    plain = {**PRODUCTION, "SECURE_HSTS_SECONDS": "0", "SECURE_SSL_REDIRECT": "false"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **plain)
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


PRINT = (
    "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
)


def printed(**env: str) -> list[str]:
    result = manage("shell", "--no-imports", "-c", PRINT, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[-1].split()


def test_production_defaults_to_a_year_of_hsts_and_secure_cookies_and_plain_http_to_neither():
    production = {key: value for key, value in PRODUCTION.items() if key != "SECURE_COOKIES"}
    assert printed(**production) == ["31536000", "True", "True"]
    # The farm on 127.0.0.1 speaks plain http: no HSTS a browser would keep for a year.
    assert printed(**production, SECURE_COOKIES="false") == ["0", "False", "False"]


# --- HTTPS behind the proxy ------------------------------------------------------------------------


@pytest.fixture
def https_behind_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True


@pytest.mark.django_db
def test_plain_http_is_redirected_and_https_answers_carry_hsts(https_behind_proxy, api):
    plain = api.get("/api/v1/publications/")
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/api/v1/publications/"
    secure = api.get("/api/v1/publications/", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.django_db
def test_health_checks_stay_on_plain_http_for_load_balancers(https_behind_proxy, api):
    assert api.get("/healthz").status_code == 200


# --- CORS ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_configured_origins_get_cors_headers(settings, api):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.wafer.example"]
    listed = api.get("/api/v1/publications/", HTTP_ORIGIN="https://app.wafer.example")
    assert listed["Access-Control-Allow-Origin"] == "https://app.wafer.example"
    assert listed["Access-Control-Allow-Credentials"] == "true"
    assert "X-Request-ID" in listed["Access-Control-Expose-Headers"]  # a SPA elsewhere can quote it to support
    other = api.get("/api/v1/publications/", HTTP_ORIGIN="https://evil.example")
    assert other.status_code == 200 and "Access-Control-Allow-Origin" not in other
    preflight = api.options(
        "/api/v1/publications/", HTTP_ORIGIN="https://evil.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )
    assert "Access-Control-Allow-Origin" not in preflight


# --- CSRF and passwords ----------------------------------------------------------------------------

NEW = {"name": "Zenith Devices", "kind": "member", "membership_tier": "full"}


@pytest.mark.django_db
def test_a_session_write_needs_the_csrf_token(staff_user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(staff_user)
    refused = client.post("/api/v1/organisations/", NEW, format="json")
    assert refused.status_code == 403
    token = client.get("/api/v1/auth/csrf/").json()["csrf_token"]
    assert client.post("/api/v1/organisations/", NEW, format="json", HTTP_X_CSRFTOKEN=token).status_code == 201


@pytest.mark.parametrize("password", ["short1", "password123", "12345678901", "Ada Lovelace"])
def test_weak_passwords_are_refused(staff_user, password):
    staff_user.given_name, staff_user.family_name = "Ada", "Lovelace"
    with pytest.raises(ValidationError):
        validate_password(password, staff_user)


@pytest.mark.django_db
def test_a_long_uncommon_password_is_accepted(staff_user):
    validate_password("violet-anvil-harbour-42", staff_user)


# --- Sign-in throttling across workers ---------------------------------------------------------------


@pytest.fixture
def shared_memcached(settings):
    return memcached_of_our_own(settings)


def sign_in(client, ip):
    body = {"email": "nobody@wafer.example", "password": "wrong password"}
    return client.post("/api/v1/auth/login/", body, format="json", REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_sign_in_throttling_holds_across_workers(shared_memcached, monkeypatch, throttle_clock):
    # The test settings lift every throttle; this one gets a small budget back (THROTTLE_LOGIN).
    monkeypatch.setattr(LoginThrottle, "THROTTLE_RATES", {"login": "3/min"})
    ip = "198.51.100.77"
    first_worker = APIClient()
    assert [sign_in(first_worker, ip).status_code for _ in range(3)] == [400] * 3
    assert sign_in(first_worker, ip).status_code == 429
    # The count is in memcached itself, not in this process: a raw client sees it.
    host, port = MEMCACHED_SERVERS[0].rsplit(":", 1)
    raw = RawMemcached((host, int(port)), connect_timeout=1, timeout=1)
    window = int(throttle_clock // 60)  # api.core.throttling counts per minute window
    assert raw.get(f"{shared_memcached}:1:throttle_login_{ip}:{window}") == b"4"
    raw.close()
    # Another worker: its own connection to the same memcached, nothing shared in memory.
    caches["default"].close()
    del caches["default"]
    second_worker = APIClient()
    refused = sign_in(second_worker, ip)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    # Another client IP is counted on its own.
    assert sign_in(second_worker, "198.51.100.78").status_code == 400
