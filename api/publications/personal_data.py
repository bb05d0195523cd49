"""Publications data about a person, for the personal-data export (the contract: api/core/personal_data.py)."""

from api.core.personal_data import capped
from api.publications.models import Author, PublicationFile, PublicationView

COVERS = [
    "publications.Author.person",
    "publications.PublicationFile.uploaded_by",
    "publications.PublicationView.user",
]
NOT_PERSONAL = {}


def export(user) -> dict:
    authorships = (
        Author.objects.filter(person=user)
        .order_by("-publication__year", "publication_id", "position", "id")
        .values(
            "publication_id",
            "publication__title",
            "publication__year",
            "publication__kind",
            "publication__doi",
            "position",
            "name",
            "orcid",
        )
    )
    files = (
        PublicationFile.objects.filter(uploaded_by=user)
        .order_by("-uploaded_at", "-id")
        .values(
            "id",
            "publication_id",
            "publication__title",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
        )
    )
    views = (
        PublicationView.objects.filter(user=user)
        .order_by("-at", "-id")
        .values("at", "publication_id", "publication__title", "organisation_id")
    )
    return {
        "authorships": list(authorships),
        "publication_files_uploaded": [
            {**row, "download_url": f"/api/v1/publications/{row['publication_id']}/files/{row['id']}/download/"}
            for row in files
        ],
        "publication_views": capped(views, what="publication views"),
    }
