"""Helpers shared by the security tests (plain functions; fixtures are in conftest)."""

import contextlib
import itertools
import pkgutil
from unittest import mock

from django.apps import apps

from tests.conftest import client_for
from tests.research.support import stored_files  # noqa: F401 (re-exported for the security tests)


class InjectedFault(RuntimeError):
    """The failure a test injects part-way through a write (never raised by Wafer itself)."""


@contextlib.contextmanager
def fail_on_call(target: str, n: int = 1):
    """Patch `target` ("module.function" or "module.Class.method") so that its `n`th call raises
    InjectedFault; the calls before it do the real work, so the write is half done when it fails."""
    original = pkgutil.resolve_name(target)
    calls = itertools.count(1)

    def maybe_fail(*args, **kwargs):
        if next(calls) == n:
            raise InjectedFault(f"injected at call {n} of {target}")
        return original(*args, **kwargs)

    with mock.patch(target, autospec=True, side_effect=maybe_fail) as patched:
        yield patched
    assert patched.call_count >= n, f"{target} was called {patched.call_count} times: the fault never fired"


def failing_client(user):
    """A client whose requests answer what a real server would (a 500) instead of raising."""
    client = client_for(user)
    client.raise_request_exception = False
    return client


def database_state() -> dict:
    """Every row of every Wafer table (ordered by primary key): equal before and after means nothing,
    not even a changed column, was written."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model.__module__.startswith("api.")
    }


def assert_server_error(response):
    assert response.status_code == 500, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"status": 500, "code": "server_error", "detail": "Internal server error."}
