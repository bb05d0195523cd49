"""Content-Security-Policy for Wafer's HTML answers: the SPA's index.html and the API docs page.

The SPA is built by Vite into hashed files on our own origin: no inline script, no inline style element,
so `'self'` is the whole allowance (Vue sets styles through the CSSOM, which CSP does not restrict).
The docs page (drf-spectacular's Swagger UI, assets from our static files) carries one inline script
(its settings and the CSRF token) and one inline style: each is allowed by its SHA-256 hash, computed
from the answer itself, so nothing else inline ever runs there either.

The API's JSON answers need no policy (browsers do not render them); the admin keeps Django's own pages
and is left out, as its templates use inline styles.
"""

import base64
import hashlib
import re

from django.conf import settings

HEADER = "Content-Security-Policy"
DOCS_PREFIX = "/api/docs/"
_INLINE = {
    "script-src": re.compile(rb"<script>(.*?)</script>", re.DOTALL),  # only src-less tags match
    "style-src": re.compile(rb"<style>(.*?)</style>", re.DOTALL),
}


def _policy(directives: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


def _base() -> dict[str, list[str]]:
    connect = ["'self'", *dict.fromkeys([*settings.CSP_CONNECT_SRC, *settings.CORS_ALLOWED_ORIGINS])]
    return {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": connect,
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }


def spa_policy() -> str:
    return _policy(_base())


def _sha256(content: bytes) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(content).digest()).decode() + "'"


def docs_policy(html: bytes) -> str:
    directives = _base()
    for directive, pattern in _INLINE.items():
        directives[directive] += list(dict.fromkeys(_sha256(block) for block in pattern.findall(html)))
    return _policy(directives)


def _is_html(response) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip() == "text/html"


class ContentSecurityPolicyMiddleware:
    """Adds the policy to HTML answers outside /admin/ and /api/ (the SPA's pages, including index.html
    from WhiteNoise, which this wraps), and the docs page's own policy to /api/docs/."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if HEADER in response or not _is_html(response):
            return response
        if settings.DEBUG and response.status_code >= 400:
            return response  # Django's technical error pages are styled and scripted inline
        path = request.path_info
        if path.startswith(DOCS_PREFIX) and not response.streaming:
            response[HEADER] = docs_policy(response.content)
        elif not path.startswith(("/admin/", "/api/")):
            response[HEADER] = spa_policy()
        return response
