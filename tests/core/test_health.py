import pytest
from django.test import Client


def test_healthz_is_cheap_and_needs_no_database(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_checks_database_and_cache():
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


@pytest.mark.django_db
def test_readyz_names_a_dead_cache(settings):
    from api.config.env import memcached_cache

    # Nothing listens on the discard port; setting CACHES resets Django's cache handlers.
    settings.CACHES = {"default": memcached_cache(["127.0.0.1:9"])}
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "down"}
    assert response.json()["detail"] == "Not ready: cache down."
    assert response["Retry-After"] == "5"
