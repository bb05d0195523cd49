"""Cache headers for the built SPA's files, which WhiteNoise serves from WHITENOISE_ROOT.

Kept apart from api.core.spa (the views) because settings import it: it must not import Django.
"""

FOREVER = 60 * 60 * 24 * 365


def spa_cache_headers(headers, path: str, url: str) -> None:
    """WHITENOISE_ADD_HEADERS_FUNCTION. Vite names every built asset by its content hash
    (`/assets/index-B4x9kQ.js`), so those are cached for good; index.html names the current
    assets, so browsers must revalidate it on every visit or they would run an old build."""
    if url.startswith("/assets/"):
        headers["Cache-Control"] = f"max-age={FOREVER}, public, immutable"
    elif url == "/index.html":
        headers["Cache-Control"] = "no-cache"
