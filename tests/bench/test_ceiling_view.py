"""The benchmark's ceiling (api.core.bench_views): routed only with BENCH_ENDPOINTS, absent otherwise."""

import importlib

import pytest
from django.test import override_settings
from django.urls import Resolver404, clear_url_caches, resolve

import api.config.urls

BODY = {"status": "ok", "service": "wafer", "items": [1, 2, 3]}


def _reload_urls():
    importlib.reload(api.config.urls)
    clear_url_caches()


@pytest.fixture
def bench_endpoints():
    try:
        with override_settings(BENCH_ENDPOINTS=True):
            _reload_urls()
            yield
    finally:
        _reload_urls()  # back to the default routes for every later test


def _route(path):
    try:
        return resolve(path).url_name
    except Resolver404:
        return None


def test_absent_by_default(client):
    assert _route("/bench/ceiling/") != "bench-ceiling"
    response = client.get("/bench/ceiling/")
    assert response.get("Content-Type") != "application/json" or response.json() != BODY


@pytest.mark.django_db
def test_routed_when_on_without_a_query(bench_endpoints, client, django_assert_num_queries):
    assert _route("/bench/ceiling/") == "bench-ceiling"
    with django_assert_num_queries(0):
        response = client.get("/bench/ceiling/")
    assert response.status_code == 200
    assert response.json() == BODY
    # Through the same middleware as every endpoint: e.g. the security headers are there.
    assert response["X-Content-Type-Options"] == "nosniff"
