"""Reading Wafer's configuration from the environment (and an optional .env file).

Every setting an operator may change is read here, so `.env.example` can list them all.
"""

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from api.core.memcached_hashing import RendezvousHashSkippedForOneServer

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Query-string keys of an mssql:// URL that are mssql-django OPTIONS rather than ODBC keywords.
MSSQL_OPTION_KEYS = {
    "connection_timeout": int,
    "connection_retries": int,
    "connection_retry_backoff_time": int,
    "query_timeout": int,
    "python_driver": str,
    "driver": str,
    "isolation_level": str,
}


def database_from_url(url: str, base_dir: Path) -> dict:
    """Turn DATABASE_URL into a Django DATABASES entry.

    sqlite:///relative/path.sqlite3 (relative to the project), sqlite:////absolute/path,
    postgres://user:pass@host:5432/name?sslmode=require,
    mssql://user:pass@host:1433/name?Encrypt=yes&TrustServerCertificate=yes&query_timeout=30
    (unknown query keys of an mssql URL become ODBC `extra_params`).
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    if scheme == "sqlite":
        return _sqlite(parts, base_dir)
    if scheme in {"postgres", "postgresql", "pgsql"}:
        return _postgres(parts, query)
    if scheme in {"mssql", "sqlserver"}:
        return _mssql(parts, query)
    raise ImproperlyConfigured(f"DATABASE_URL scheme {scheme!r} is not supported (use sqlite, postgres or mssql)")


def _common(parts) -> dict:
    return {
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        # Persistent connections, checked before reuse, so a restarted database is noticed.
        "CONN_MAX_AGE": 120,
        "CONN_HEALTH_CHECKS": True,
    }


def _sqlite(parts, base_dir: Path) -> dict:
    path = unquote(parts.path)
    if path in {"", "/"}:
        raise ImproperlyConfigured("DATABASE_URL for sqlite needs a file: sqlite:///var/wafer.sqlite3")
    # sqlite:///var/x.sqlite3 is relative to the project; sqlite:////srv/x.sqlite3 is absolute.
    name = Path(path[1:])
    if not name.is_absolute():
        name = base_dir / name
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(name),
        # SQLite waits this long for a writer's lock instead of failing at once.
        "OPTIONS": {"timeout": 10, "transaction_mode": "IMMEDIATE"},
        "CONN_MAX_AGE": 0,
    }


# A worker serves many requests at once, and each of the server's cores is someone's request: a
# parallel plan only takes cores from the others. The bench's first searches ran 3 processes each and
# search p99 fell 362 -> 185-222 ms without (bench/). A URL's own `options=-c ...` replaces this.
SERIAL_PLANS = "-c max_parallel_workers_per_gather=0"


def _postgres(parts, query: dict) -> dict:
    options = {"connect_timeout": 2, "options": SERIAL_PLANS}  # a dead database answers 503 within 2 s (tests/farm)
    options.update(query)
    if "connect_timeout" in query:
        options["connect_timeout"] = int(query["connect_timeout"])
    return {"ENGINE": "django.db.backends.postgresql", **_common(parts), "OPTIONS": options}


def _mssql(parts, query: dict) -> dict:
    # Fail fast (sqlserver.md): the backend's defaults retry for half a minute per request.
    options = {
        "python_driver": "mssql_python",
        "connection_timeout": 5,
        "connection_retries": 1,
        "connection_retry_backoff_time": 1,
        "query_timeout": 30,
    }
    extra = {"Encrypt": "yes"}
    for key, value in query.items():
        if key in MSSQL_OPTION_KEYS:
            options[key] = MSSQL_OPTION_KEYS[key](value)
        else:
            extra[key] = value
    options["extra_params"] = ";".join(f"{key}={value}" for key, value in extra.items())
    settings = {"ENGINE": "mssql", **_common(parts), "OPTIONS": options}
    # Test databases get the production collation: case-insensitive, as sqlserver.md assumes.
    settings["TEST"] = {"COLLATION": "SQL_Latin1_General_CP1_CI_AS"}
    return settings


def memcached_cache(servers: list[str]) -> dict:
    """Memcached through pymemcache, tuned so an outage slows Wafer down but never breaks it."""
    return {
        "BACKEND": "api.core.cache.MemcachedCache",  # PyMemcacheCache, with a faster key check
        "LOCATION": servers,
        "KEY_PREFIX": "wafer",
        "OPTIONS": {
            "ignore_exc": True,  # a dead server reads as a miss and a write is dropped
            "connect_timeout": 0.2,
            "timeout": 0.2,
            "no_delay": True,
            "use_pooling": True,
            "max_pool_size": 8,
            "hasher": RendezvousHashSkippedForOneServer,
        },
    }
