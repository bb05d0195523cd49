"""The SPA on the API's origin: index.html for page paths, never in place of an API or file 404."""

import pytest
from django.test import Client

from api.core.spa_headers import spa_cache_headers

INDEX = "<!doctype html><html><body><div id=app></div><script src=/assets/index-Ab12Cd34.js></script></body></html>"


@pytest.fixture
def built(settings, tmp_path):
    (tmp_path / "index.html").write_text(INDEX)
    settings.SPA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def browser():
    return Client(HTTP_ACCEPT="text/html")


@pytest.mark.parametrize("path", ["/", "/publications", "/publications/42", "/sign-in?next=/publications/7"])
def test_page_paths_answer_the_index_uncached(built, browser, path):
    response = browser.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    assert response.content.decode() == INDEX


def test_head_is_served_and_writes_are_not(built, browser):
    assert browser.head("/publications/42").status_code == 200
    assert browser.post("/publications/42").status_code == 405


@pytest.mark.django_db
def test_unknown_api_paths_still_answer_the_json_envelope(built, browser):
    response = browser.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {
        "status": 404,
        "code": "not_found",
        "detail": "No API endpoint at /api/v1/no-such-thing/.",
    }
    assert browser.get("/api").status_code != 200  # not the SPA either


@pytest.mark.parametrize("path", ["/assets/index-Old123.js", "/favicon.ico", "/static/nothing.css", "/admin"])
def test_missing_files_and_other_apps_are_not_the_index(built, browser, path):
    response = browser.get(path)
    assert response.content.decode() != INDEX
    assert response.status_code in {301, 302, 404}


def test_a_missing_build_is_a_helpful_503_not_a_500(settings, tmp_path, browser):
    settings.SPA_ROOT = tmp_path / "dist"
    response = browser.get("/publications/42")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    body = response.content.decode()
    assert "The Wafer frontend is not built" in body
    assert "npm run build" in body
    assert str(tmp_path / "dist" / "index.html") in body


def test_hashed_assets_are_cached_for_good_and_the_index_revalidated():
    asset, index, other = {}, {}, {"Cache-Control": "max-age=60, public"}
    spa_cache_headers(asset, "/x/assets/index-Ab12Cd34.js", "/assets/index-Ab12Cd34.js")
    spa_cache_headers(index, "/x/index.html", "/index.html")
    spa_cache_headers(other, "/x/robots.txt", "/robots.txt")
    assert asset == {"Cache-Control": "max-age=31536000, public, immutable"}
    assert index == {"Cache-Control": "no-cache"}
    assert other == {"Cache-Control": "max-age=60, public"}
