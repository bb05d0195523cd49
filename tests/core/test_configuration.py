"""Configuration from the environment: database URLs, memcached, and refusing unsafe settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from api.config.env import database_from_url, env_bool, env_list, memcached_cache

ROOT = Path(__file__).resolve().parents[2]


def test_sqlite_paths_are_relative_to_the_project_or_absolute():
    assert database_from_url("sqlite:///var/wafer.sqlite3", ROOT)["NAME"] == str(ROOT / "var" / "wafer.sqlite3")
    assert database_from_url("sqlite:////srv/wafer.sqlite3", ROOT)["NAME"] == "/srv/wafer.sqlite3"


def test_postgres_url_gets_a_connect_timeout_serial_plans_and_persistent_checked_connections():
    db = database_from_url("postgres://wafer:s%40cret@db.example:5433/wafer?sslmode=require", ROOT)
    assert db == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "wafer",
        "USER": "wafer",
        "PASSWORD": "s@cret",
        "HOST": "db.example",
        "PORT": "5433",
        "CONN_MAX_AGE": 120,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"connect_timeout": 2, "sslmode": "require", "options": "-c max_parallel_workers_per_gather=0"},
    }


def test_postgres_requests_run_serial_plans_unless_the_url_says_otherwise(db):
    from django.db import connection

    if connection.vendor == "postgresql":  # the suite's own connection, from DATABASE_URL
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            assert cursor.fetchone()[0] == "0"
    url = "postgres://w@db/wafer?options=-c%20work_mem%3D64MB"
    assert database_from_url(url, ROOT)["OPTIONS"]["options"] == "-c work_mem=64MB"


def test_mssql_url_uses_mssql_python_and_fails_fast():
    db = database_from_url(
        "mssql://app:pw@sql.example:1433/wafer?TrustServerCertificate=yes&query_timeout=10&ApplicationIntent=ReadOnly",
        ROOT,
    )
    assert db["ENGINE"] == "mssql"
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"], db["PASSWORD"]) == (
        "sql.example",
        "1433",
        "wafer",
        "app",
        "pw",
    )
    assert db["OPTIONS"] == {
        "python_driver": "mssql_python",
        "connection_timeout": 5,
        "connection_retries": 1,
        "connection_retry_backoff_time": 1,
        "query_timeout": 10,
        "extra_params": "Encrypt=yes;TrustServerCertificate=yes;ApplicationIntent=ReadOnly",
    }
    assert db["CONN_HEALTH_CHECKS"] is True and db["CONN_MAX_AGE"] == 120


@pytest.mark.parametrize("url", ["mysql://x/y", "sqlite://", "oracle://a/b"])
def test_unsupported_database_urls_are_refused(url):
    with pytest.raises(ImproperlyConfigured):
        database_from_url(url, ROOT)


def test_memcached_is_configured_to_degrade_not_fail():
    cache = memcached_cache(["10.0.0.5:11211", "10.0.0.6:11211"])
    assert cache["BACKEND"] == "api.core.cache.MemcachedCache"
    assert cache["LOCATION"] == ["10.0.0.5:11211", "10.0.0.6:11211"]
    options = cache["OPTIONS"]
    assert options["ignore_exc"] is True and options["no_delay"] is True
    assert options["connect_timeout"] <= 0.5 and options["timeout"] <= 0.5


def test_env_helpers(monkeypatch):
    monkeypatch.setenv("X_FLAG", "Yes")
    monkeypatch.setenv("X_LIST", " a, b ,,c ")
    assert env_bool("X_FLAG") is True and env_bool("X_MISSING", True) is True
    assert env_list("X_LIST") == ["a", "b", "c"]
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG")


def _start(env_overrides: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update({"WAFER_NO_DOTENV": "1", "DJANGO_SETTINGS_MODULE": "api.config.settings", **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_wafer_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = _start({"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_wafer_starts_with_a_secret_key():
    result = _start({"DEBUG": "false", "SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "wafer.example"})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("samesite", "secure", "refusal"),
    [
        ("Lax", "false", None),
        ("None", "true", None),
        ("None", "false", "COOKIE_SAMESITE=None needs SECURE_COOKIES=true"),
        ("lax-ish", "true", "COOKIE_SAMESITE must be Lax, Strict or None"),
    ],
)
def test_cross_site_cookies_need_secure_cookies(samesite, secure, refusal):
    result = _start({"DEBUG": "true", "COOKIE_SAMESITE": samesite, "SECURE_COOKIES": secure})
    if refusal:
        assert result.returncode != 0
        assert refusal in result.stderr
    else:
        assert result.returncode == 0, result.stderr


def test_debug_runs_without_a_secret_key():
    assert _start({"DEBUG": "true"}).returncode == 0


def test_every_setting_read_from_the_environment_is_listed_in_env_example():
    import re

    source = (ROOT / "api" / "config" / "settings.py").read_text()
    names = set(re.findall(r'env_(?:str|bool|int|list)\("([A-Z_]+)"', source))
    names |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', source))
    names -= {"WAFER_NO_DOTENV"}  # internal: the test settings use it
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert names - listed == set()
