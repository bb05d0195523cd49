"""Content-Security-Policy: strict on the SPA's pages (nothing inline, own origin only) and on the API docs
(Swagger UI from our static files; its one inline script and style allowed by hash, nothing else inline)."""

import base64
import hashlib
import re

import pytest
from django.test import Client

from api.core.security_headers import docs_policy

INDEX = "<!doctype html><html><body><div id=app></div><script type=module src=/assets/i-Ab12.js></script></body></html>"
STRICT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: sources for name, *sources in (part.split() for part in policy.split(";"))}


def sha256(block: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(block.encode()).digest()).decode() + "'"


@pytest.fixture
def browser():
    return Client(HTTP_ACCEPT="text/html")


@pytest.fixture
def built(settings, tmp_path):
    (tmp_path / "index.html").write_text(INDEX)
    settings.SPA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize("path", ["/", "/publications/42", "/careers/profile"])
def test_the_spa_pages_carry_the_strict_policy(built, browser, path):
    response = browser.get(path)
    assert response.status_code == 200 and response.content.decode() == INDEX
    assert directives(response) == STRICT
    assert "unsafe" not in response["Content-Security-Policy"]


def test_the_not_built_page_carries_it_too(settings, tmp_path, browser):
    settings.SPA_ROOT = tmp_path / "missing"
    response = browser.get("/")
    assert response.status_code == 503 and directives(response) == STRICT


def test_configured_api_and_cors_origins_may_be_fetched(built, browser, settings):
    settings.CSP_CONNECT_SRC = ["https://api.wafer.example"]
    settings.CORS_ALLOWED_ORIGINS = ["https://app.wafer.example", "https://api.wafer.example"]
    assert directives(browser.get("/"))["connect-src"] == [
        "'self'",
        "https://api.wafer.example",
        "https://app.wafer.example",
    ]


def test_the_docs_page_allows_exactly_its_own_inline_script_and_style(browser):
    response = browser.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    styles = re.findall(r"<style>(.*?)</style>", html, re.DOTALL)
    assert scripts and styles  # Swagger UI's settings and page style: without them this test proves nothing
    policy = directives(response)
    assert policy["script-src"] == ["'self'", *[sha256(block) for block in scripts]]
    assert policy["style-src"] == ["'self'", *[sha256(block) for block in styles]]
    assert {name: sources for name, sources in policy.items() if name not in {"script-src", "style-src"}} == {
        name: sources for name, sources in STRICT.items() if name not in {"script-src", "style-src"}
    }
    assert "unsafe" not in response["Content-Security-Policy"]
    # Every asset comes from our own static files, which 'self' covers.
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(asset.startswith("/static/") for asset in assets)


def test_a_script_not_in_the_page_is_not_allowed():
    policy = docs_policy(b"<script>alert(1)</script><script src=/static/x.js></script>")
    assert sha256("alert(1)") in policy and sha256("alert(2)") not in policy
    assert policy.count("'sha256-") == 1  # the src= script is covered by 'self', not hashed


def test_json_answers_carry_no_page_policy(browser, db):
    response = browser.get("/api/v1/no-such-thing/")
    assert response["Content-Type"].startswith("application/json") and "Content-Security-Policy" not in response
