"""Helpers shared by the research tests (plain functions and constants; fixtures are in conftest)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from api.core.files.uploads import check_upload
from api.research import services
from tests import factories

UTC = datetime.UTC
NOW = datetime.datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class Clock:
    """What `django.utils.timezone.now()` answers. Wafer's modules (research services, models,
    filters, deadlines, serializers; core uploads) all call it through the `timezone` module, so
    patching that module's attribute moves every one of them at once."""

    def __init__(self, at):
        self.at = at

    def __call__(self):
        return self.at

    def set(self, at):
        self.at = at


def iso(moment) -> str | None:
    """A datetime as DRF renders it."""
    return None if moment is None else moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def stored_files(media_root) -> list:
    return sorted(path for path in media_root.rglob("*") if path.is_file()) if media_root.exists() else []


def pdf(name="report.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def submit(deliverable, by, *, at=None, clock=None, summary="", name="report.pdf", content=PDF):
    """A report through the service, optionally at a given moment (moves the clock there)."""
    if at is not None:
        clock.set(at)
    return services.report_submit(
        deliverable=deliverable, upload=check_upload(pdf(name, content)), summary=summary, submitted_by=by
    )


def multipart(filename: str, content: bytes = PDF, summary: str = "", boundary: str = "wafer-boundary", **fields):
    """A multipart/form-data body written by hand, so a hostile file name reaches the server as sent
    (the test client would strip directories from it), with any other `fields`. Returns (body, content_type)."""
    lines = []
    for name, value in {"summary": summary, **fields}.items():
        disposition = f'Content-Disposition: form-data; name="{name}"'
        lines += [f"--{boundary}".encode(), disposition.encode(), b"", value.encode()]
    lines += [
        f"--{boundary}".encode(),
        b'Content-Disposition: form-data; name="file"; filename="' + filename.encode() + b'"',
        b"Content-Type: application/pdf",
        b"",
        content,
        f"--{boundary}--".encode(),
        b"",
    ]
    return b"\r\n".join(lines), f"multipart/form-data; boundary={boundary}"


def make_tasks(count, program, university, member_company, start=0):
    """`count` active tasks numbered 5000.<start>..., each with a team, a sponsor and one deliverable."""
    for index in range(start, start + count):
        pi = factories.faculty(university)
        task = services.task_create(
            number=f"5000.{index:03d}",
            title=f"Task {index}",
            program=program,
            university=university,
            start=datetime.date(2026, 1, 1),
            end=datetime.date(2026, 12, 31),
            principal_investigators=[pi],
            students=[factories.student(university)],
            liaisons=[factories.member(member_company)],
            sponsors=[member_company],
        )
        services.deliverable_create(task=task, title="Report", kind="report", due_on=datetime.date(2026, 6, 30))
