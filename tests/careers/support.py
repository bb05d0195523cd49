"""Helpers shared by the careers tests (plain functions; fixtures are in conftest)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from api.careers import services
from api.core.files.uploads import check_upload
from tests.changes.support import task
from tests.research.support import stored_files  # noqa: F401 (re-exported for the careers tests)

ME = "/api/v1/careers/me/"
PROFILES = "/api/v1/careers/profiles/"
RECRUITERS = "/api/v1/careers/recruiters/"


def pdf_bytes(text: str = "CV") -> bytes:
    return (
        b"%PDF-1.4\n% " + text.encode() + b"\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


def pdf(name="cv.pdf", text="CV"):
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


def months_from_today(months: int) -> datetime.date:
    today = timezone.localdate().replace(day=1)
    index = today.year * 12 + today.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def make_profile(student, *, degree="phd", field="Electrical Engineering", graduation=None, skills=(), share=None,
                 cv=False, **fields):  # fmt: skip
    """A profile through the services. `share`: None (off), "all", or a list of companies."""
    profile, _ = services.profile_save(
        user=student,
        degree=degree,
        field=field,
        expected_graduation=graduation or months_from_today(12),
        skills=list(skills),
        **fields,
    )
    if share == "all":
        services.consent_set(profile=profile, sharing=True, share_with_all=True)
    elif share:
        services.consent_set(profile=profile, sharing=True, companies=list(share))
    if cv:
        services.cv_upload(profile=profile, upload=check_upload(pdf(text=str(student.pk))), uploaded_by=student)
    profile.refresh_from_db()
    return profile


def make_task(*, number, university, students=(), sponsors=(), confidential=False):
    return task(number, university=university, students=students, sponsors=sponsors, confidential=confidential)


def fetch(client, url, **extra):
    """(response, bytes). A streamed response is read to the end, which makes the test client close it."""
    response = client.get(url, **extra)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content
