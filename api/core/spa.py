"""Serving the single-page frontend (frontend/dist) on the API's origin.

WhiteNoise serves the built files themselves (settings.WHITENOISE_ROOT, see api.core.spa_headers).
Every other page path answers index.html, so the frontend's history-mode routes work on a reload
or a deep link (`/publications/42`). The catch-all comes last in api.config.urls, after /api/,
/admin/ and the health checks, so it never hides an API 404 or the admin.
"""

from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Wafer: frontend not built</title></head>
<body><main><h1>The Wafer frontend is not built</h1>
<p>The API is running: see <a href="/api/docs/">/api/docs/</a>. To serve the web site here, build it
(Node.js 20.19 or later): <code>make run</code>, or <code>cd frontend &amp;&amp; npm ci &amp;&amp; npm run build</code>,
then reload this page.</p>
<p>Looked for: <code>{path}</code></p></main></body></html>
"""


def spa_root() -> Path:
    return Path(settings.SPA_ROOT)


def looks_like_a_file(path: str) -> bool:
    """A missing asset (`/assets/old-hash.js`, `/favicon.ico`) must be a 404, not index.html: a
    browser would otherwise run HTML as a script after a deploy replaced the hashed files."""
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return path.startswith("/assets/") or "." in last


@require_safe
def spa_index(request, path: str = ""):
    if looks_like_a_file(request.path):
        raise Http404("No such file.")
    index = spa_root() / "index.html"
    try:
        html = index.read_bytes()
    except FileNotFoundError:
        # A checkout without a build: say how to build it rather than fail with a 500.
        response = HttpResponse(NOT_BUILT.format(path=index), status=503, content_type="text/html; charset=utf-8")
        response["Retry-After"] = "60"
    else:
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
    # The page names the current hashed assets: always revalidate it (the assets are cached for good).
    response["Cache-Control"] = "no-cache"
    return response
