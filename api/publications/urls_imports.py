"""The import endpoint; the publications URLs include it before the router (so `import` is no id)."""

from django.urls import path

from api.publications.views.imports import PublicationImportView

import_urlpatterns = [
    path("publications/import/", PublicationImportView.as_view(), name="publication-import"),
]
