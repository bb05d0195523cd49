from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api.core import errors, health, spa

# Django tries the patterns in order, and each include's in turn: the busiest lists come first (each
# pattern tried costs microseconds, and a publication list passed ~20 of them before its own).
api_v1 = [
    path("", include("api.publications.urls")),
    path("", include("api.research.urls")),
    path("", include("api.core.urls")),
    path("", include("api.accounts.urls")),
    path("", include("api.feedback.urls")),
    path("", include("api.events.urls")),
    path("", include("api.careers.urls")),
    path("", include("api.changes.urls")),
    path("", include("api.webhooks.urls")),
    path("", include("api.reporting.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/", include(api_v1)),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    re_path(r"^api/", errors.api_not_found),  # unknown API paths answer JSON, also with DEBUG on
    path("admin/", admin.site.urls),
    # Last: every other page path is the SPA's (history-mode routing); see api.core.spa.
    re_path(r"^(?!(?:api|admin|static)(?:/|$))(?P<path>.*)$", spa.spa_index, name="spa"),
]

if settings.BENCH_ENDPOINTS:  # the benchmark's ceiling (bench/), never routed in production
    from api.core.bench_views import CeilingView

    urlpatterns.insert(0, path("bench/ceiling/", CeilingView.as_view(), name="bench-ceiling"))

handler400 = "api.core.errors.bad_request"
handler403 = "api.core.errors.permission_denied"
handler404 = "api.core.errors.page_not_found"
handler500 = "api.core.errors.server_error"
