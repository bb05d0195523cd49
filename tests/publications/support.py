"""Helpers shared by the publication tests (plain functions and constants; fixtures are in conftest)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from api.core.files.uploads import check_upload
from api.publications import services
from tests.research.support import NOW, PDF, iso  # noqa: F401 (re-exported for the publication tests)

URL = "/api/v1/publications/"
TODAY = NOW.date()  # 2026-03-15
FUTURE = datetime.date(2026, 6, 30)
PAST = datetime.date(2026, 1, 31)
CLIENT_IP = "203.0.113.9"


def pdf(name="paper.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def attach(publication, by, name="paper.pdf", content=PDF):
    """A file through the service (as the API would store it), uploaded by `by`."""
    return services.publication_file_add(
        publication=publication, upload=check_upload(pdf(name, content), kinds=("pdf",)), uploaded_by=by
    )


def download(client, file):
    """(response, bytes). A streamed response is read to the end, which makes the test client close
    it; closing it again would send request_finished a second time, closing the database connection."""
    response = client.get(f"{URL}{file.publication_id}/files/{file.pk}/download/", REMOTE_ADDR=CLIENT_IP)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content


def titles(response) -> list[str]:
    return [row["title"] for row in response.json()["results"]]
