"""Offline SQL Server: the `mssql` alias compiles T-SQL from a seeded server version, never connecting.

mssql-django caches the server version and "is Azure" per alias in class-level dicts; when they
are seeded, compiling a query or DDL needs no server (sqlserver.md, research notes 3.1).
"""

import os

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

from .offline import ALIAS, OfflineConnectionAttempt


def _in_ci():
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


try:
    # pyodbc is imported by mssql.base even with the mssql-python driver, and it needs
    # libodbc.so.2 (Debian `unixodbc`).
    from mssql.base import DatabaseWrapper
except (ImportError, ImproperlyConfigured) as exc:
    if _in_ci():
        # CI must prove SQL Server compatibility; a missing library there is a broken image.
        raise ImportError(f"mssql.base cannot be imported in CI (install unixodbc): {exc}") from exc
    DatabaseWrapper = None
    MISSING_BACKEND = f"SQL Server offline checks need mssql.base, so libodbc.so.2 (apt install unixodbc): {exc}"


@pytest.fixture(autouse=True)
def _skip_without_mssql_backend():
    # A fixture rather than a module-level skip here: pytest cannot skip from a conftest it
    # loads first (`pytest tests/sqlserver`); it would crash instead.
    if DatabaseWrapper is None:
        pytest.skip(MISSING_BACKEND)


# Production runs SQL Server 2019 or later; the compiled SQL differs between versions.
SQL_SERVER_VERSIONS = {"sql2019": 2019, "sql2022": 2022}


def _refuse_connection(*args, **kwargs):
    raise OfflineConnectionAttempt(
        "this needs a live SQL Server (introspection or a query at compile time); offline compilation cannot do it"
    )


@pytest.fixture(params=list(SQL_SERVER_VERSIONS.values()), ids=list(SQL_SERVER_VERSIONS))
def sqlserver(request, monkeypatch):
    """A fresh `mssql` connection object seeded as SQL Server <version>, restored afterwards."""
    saved_versions = dict(DatabaseWrapper._known_versions)
    saved_azures = dict(DatabaseWrapper._known_azures)
    original = connections[ALIAS]
    # A fresh wrapper per version: features are cached properties, so reusing one object would
    # carry the first version's answers into the next.
    connection = connections.create_connection(ALIAS)
    # Any attempt to connect fails loudly instead of touching the network (or hanging on DNS).
    monkeypatch.setattr(connection, "connect", _refuse_connection)
    monkeypatch.setattr(connection, "ensure_connection", _refuse_connection)
    DatabaseWrapper._known_versions[ALIAS] = request.param
    DatabaseWrapper._known_azures[ALIAS] = False
    connections[ALIAS] = connection
    try:
        yield connection
    finally:
        connections[ALIAS] = original
        DatabaseWrapper._known_versions.clear()
        DatabaseWrapper._known_versions.update(saved_versions)
        DatabaseWrapper._known_azures.clear()
        DatabaseWrapper._known_azures.update(saved_azures)
    assert connection.connection is None, "compiling opened a database connection"
