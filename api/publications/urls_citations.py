"""Citation export; the publications URLs include these before the router (so `export` is no id)."""

from django.urls import path

from api.publications.views.citations import PublicationCitationView, PublicationExportView

citation_urlpatterns = [
    path("publications/export/", PublicationExportView.as_view(), name="publication-export"),
    path("publications/<int:pk>/citation/", PublicationCitationView.as_view(), name="publication-citation"),
]
