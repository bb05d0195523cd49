"""Reads of publications, scoped by api.publications.access (metadata, files and exports alike)."""

from django.db.models import Prefetch, QuerySet

from api.publications import access
from api.publications.models import Author, Publication, PublicationFile
from api.research.models import ResearchTask


def publication_list(*, viewer, on=None) -> QuerySet[Publication]:
    return (
        Publication.objects.filter(access.visible(viewer, on))
        .prefetch_related(
            Prefetch("authors", queryset=Author.objects.order_by("position", "id")),
            Prefetch("files", queryset=PublicationFile.objects.order_by("id")),
            Prefetch("tasks", queryset=ResearchTask.objects.only("id", "number", "title").order_by("number", "id")),
        )
        .order_by("-year", "title", "id")
    )
