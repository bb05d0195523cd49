"""Hostile uploads through every upload endpoint (issue 11).

Every endpoint that takes a file (a publication's files, a deliverable's reports, a session's
materials, a student's CV, the publication import) gets file names built to escape a directory, split
a header, fool the eye or upset Windows, content that is not what its name says, and a file over the
limit. Wafer answers 2xx or a 400 naming the field, never a 500; what it keeps lies under a generated
name inside the private media root; every download is an attachment with a safe name and `nosniff`.
safe_filename and content_disposition themselves are unit-tested in tests/core/test_files.py.
"""

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core.files.storage import default_storage

from api.careers.models import CurriculumVitae
from api.config import settings as production
from api.events.models import Event, SessionMaterial
from api.publications import services as publication_services
from api.publications.models import PublicationFile
from api.research.models import ProgressReport
from tests.careers.support import make_profile
from tests.conftest import client_for
from tests.events.api_support import make_event, with_agenda
from tests.publications.test_import import HEADER
from tests.research.support import PDF, multipart
from tests.security.support import stored_files

pytestmark = pytest.mark.django_db

HOSTILE_NAMES = {
    "traversal": "../../etc/passwd.pdf",
    "windows-traversal": "..\\..\\win.pdf",
    "absolute": "/abs/path.pdf",
    "drive": "C:\\Users\\chen\\report.pdf",
    "nul": "nul\x00byte.pdf",
    "crlf": "crlf\r\nX-Injected: 1.pdf",
    "tab": "tab\there.pdf",
    "rtl-override": "cv\u202efdp.exe",
    "zero-width": "zero\u200bwidth\u200d\ufeff.pdf",
    "homoglyph": "\u0440\u0430ypal invoice.pdf",  # Cyrillic er and a, which look like Latin p and a
    "nfd": "Re\u0301sume\u0301.pdf",
    "dots": "....",
    "windows-device": "CON.pdf",
    "empty-stem": ".pdf",
    "quotes-and-separators": 'a "quoted"; name=evil\\x.pdf',
    "html": "<img src=x onerror=alert(1)>.pdf",
    "long-unicode": "日本語の報告" * 40 + ".pdf",  # 240 characters, 724 bytes: within Django's header limit
}
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
SAFE_FALLBACK = re.compile(r"[A-Za-z0-9_.\-() ]+")
DISPOSITION = re.compile(r"attachment; filename=\"([^\"]*)\"; filename\*=UTF-8''(\S+)")


@dataclass
class Target:
    """One upload endpoint, as its caller uses it."""

    client: object
    method: str
    url: str
    model: type
    prefix: str
    limit_setting: str
    download_url: object  # row -> URL

    def send(self, filename: str, content: bytes = PDF):
        body, content_type = multipart(filename, content)
        return getattr(self.client, self.method)(self.url, body, content_type=content_type)

    def download(self, row):
        response = self.client.get(self.download_url(row))
        content = b"".join(response.streaming_content) if response.streaming else response.content
        return response, content


def _publication_file(request):
    staff = request.getfixturevalue("staff_user")
    publication = publication_services.publication_create(title="Etching", kind="paper", year=2025, access="public")
    url = f"/api/v1/publications/{publication.pk}/files/"
    return Target(client_for(staff), "post", url, PublicationFile, "publications", "UPLOAD_MAX_BYTES",
                  lambda row: f"{url}{row.pk}/download/")  # fmt: skip


def _deliverable_report(request):
    deliverable = request.getfixturevalue("sec_deliverable")
    url = f"/api/v1/deliverables/{deliverable.pk}/reports/"
    return Target(client_for(request.getfixturevalue("faculty_user")), "post", url, ProgressReport, "reports",
                  "UPLOAD_MAX_BYTES", lambda row: f"{url}{row.pk}/download/")  # fmt: skip


def _session_material(request):
    staff = request.getfixturevalue("staff_user")
    event = with_agenda(make_event(audience=Event.Audience.PUBLIC), count=1)
    url = f"/api/v1/events/{event.pk}/sessions/{event.sessions.get().pk}/materials/"
    return Target(client_for(staff), "post", url, SessionMaterial, "events", "UPLOAD_MAX_BYTES",
                  lambda row: f"{url}{row.pk}/download/")  # fmt: skip


def _cv(request):
    student = request.getfixturevalue("student_user")
    make_profile(student)
    url = "/api/v1/careers/me/cv/"
    return Target(client_for(student), "put", url, CurriculumVitae, "careers/cv", "CAREERS_CV_MAX_BYTES",
                  lambda row: url)  # fmt: skip


TARGETS = {
    "publication-file": _publication_file,
    "deliverable-report": _deliverable_report,
    "session-material": _session_material,
    "cv": _cv,
}


@pytest.fixture(params=list(TARGETS))
def sec_target(request):
    return TARGETS[request.param](request)


def static_roots() -> list[Path]:
    roots = [production.STATIC_ROOT, *getattr(production, "STATICFILES_DIRS", ())]
    return [Path(root).resolve() for root in roots if root]


def assert_safe_display_name(name: str):
    assert name.endswith(".pdf") and 4 < len(name) <= 120, name
    assert not any(unicodedata.category(ch)[0] == "C" for ch in name), name  # controls, bidi, zero width
    assert "/" not in name and "\\" not in name and '"' not in name and not name.startswith((".", " ")), name
    assert unicodedata.is_normalized("NFC", name), name
    assert not re.match(r"(CON|PRN|AUX|NUL|COM\d|LPT\d)(\.|$)", name, re.IGNORECASE), name


def assert_stored_privately(row, prefix: str, settings):
    assert re.fullmatch(rf"{prefix}/\d{{4}}/\d{{2}}/[0-9a-f]{{32}}\.pdf", row.file.name), row.file.name
    path = Path(default_storage.path(row.file.name)).resolve()
    assert path.is_file() and path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert not any(path.is_relative_to(root) for root in static_roots())


def assert_safe_download(response, content: bytes, row):
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    match = DISPOSITION.fullmatch(response["Content-Disposition"])
    assert match, response["Content-Disposition"]
    fallback, encoded = match.groups()
    assert SAFE_FALLBACK.fullmatch(fallback) and not fallback.startswith("."), fallback
    assert unquote(encoded) == row.original_name  # the exact (sanitised) name, for browsers that read it
    assert content == PDF


@pytest.mark.parametrize("name", list(HOSTILE_NAMES.values()), ids=list(HOSTILE_NAMES))
def test_a_hostile_name_is_kept_only_as_a_safe_display_name(sec_target, name, settings):
    response = sec_target.send(name)
    assert response.status_code in (200, 201), response.content[:300]
    row = sec_target.model.objects.latest("pk")
    assert_safe_display_name(row.original_name)
    assert_stored_privately(row, sec_target.prefix, settings)
    assert_safe_download(*sec_target.download(row), row)


def test_the_visible_extension_is_what_the_content_is(sec_target):
    """The right-to-left override would show "cvexe.pdf" for "cv\u202efdp.exe"; what is kept ends in
    .pdf because the bytes are a PDF, and the override is gone."""
    assert sec_target.send("cv\u202efdp.exe").status_code in (200, 201)
    assert sec_target.model.objects.latest("pk").original_name == "cvfdp.pdf"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", ""),  # a part with an empty file name is no file at all (each endpoint words it its own way)
        ("x" * 1000 + ".pdf", "The file's name is too long"),  # past Django's 1,024 bytes of part headers
    ],
    ids=["empty", "1000-characters"],
)
def test_a_name_wafer_cannot_take_is_a_400_naming_the_field(sec_target, name, message, settings):
    files = stored_files(settings.MEDIA_ROOT)
    response = sec_target.send(name)
    assert response.status_code == 400, response.content[:300]
    assert response.json()["fields"]["file"][0].startswith(message)
    assert stored_files(settings.MEDIA_ROOT) == files and not sec_target.model.objects.exists()


@pytest.mark.parametrize(
    ("content", "name"),
    [(EXE, "report.pdf"), (HTML, "report.pdf"), (HTML, "page.html"), (b" " + PDF, "report.pdf")],
    ids=["exe-as-pdf", "html-as-pdf", "html", "pdf-behind-a-space"],
)
def test_content_that_is_not_a_pdf_is_refused_by_its_bytes(sec_target, content, name, settings):
    files = stored_files(settings.MEDIA_ROOT)
    response = sec_target.send(name, content)
    assert response.status_code == 400
    [message] = response.json()["fields"]["file"]
    assert message.startswith("The file's content is not a PDF") and message.endswith("(whatever its name says).")
    assert stored_files(settings.MEDIA_ROOT) == files and not sec_target.model.objects.exists()


def test_a_file_over_the_limit_is_a_413_naming_it(sec_target, settings):
    setattr(settings, sec_target.limit_setting, 1000)
    files = stored_files(settings.MEDIA_ROOT)
    content = PDF + b"0" * 1000
    response = sec_target.send("big.pdf", content)
    assert response.status_code == 413
    assert response.json() == {
        "status": 413,
        "code": "too_large",
        "detail": f"file: the file is {len(content)} bytes; the limit is 1000 bytes.",
    }
    assert stored_files(settings.MEDIA_ROOT) == files and not sec_target.model.objects.exists()


def test_the_media_root_lies_outside_every_static_root():
    media = Path(production.MEDIA_ROOT).resolve()
    for root in static_roots():
        assert not media.is_relative_to(root) and not root.is_relative_to(media)


# --- The publication import: text files, never stored ------------------------------------------

IMPORT_URL = "/api/v1/publications/import/"
CSV = (HEADER + "\nEtching,paper,2020,,A. Writer,,,,,public,,\n").encode()


@pytest.mark.parametrize("name", list(HOSTILE_NAMES.values()), ids=list(HOSTILE_NAMES))
def test_the_import_takes_any_name_when_told_the_format(staff_user, name, settings):
    body, content_type = multipart(name, CSV, format="csv", dry_run="true")
    response = client_for(staff_user).post(IMPORT_URL, body, content_type=content_type)
    assert response.status_code == 200, response.content[:300]
    assert response.json()["created"] == 1
    assert stored_files(settings.MEDIA_ROOT) == []  # an import keeps no file


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("../../etc/passwd.pdf", "format"),
        ("cv\u202efdp.exe", "format"),
        ("....", "format"),
        ("x" * 1000 + ".csv", "file"),
    ],
    ids=["traversal", "rtl-override", "dots", "1000-characters"],
)
def test_the_import_names_the_field_it_cannot_read(staff_user, name, field):
    """Without `format`, the import goes by the name's extension: a name that tells none is a 400 on
    `format`; one too long to read at all, on `file`."""
    body, content_type = multipart(name, CSV)
    response = client_for(staff_user).post(IMPORT_URL, body, content_type=content_type)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]


@pytest.mark.parametrize("content", [EXE, HTML, PDF])
def test_the_import_refuses_content_that_is_not_its_format(staff_user, content):
    body, content_type = multipart("pubs.csv", content)
    response = client_for(staff_user).post(IMPORT_URL, body, content_type=content_type)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["file"]
    assert response.json()["import"]["created"] == 0


def test_an_import_over_the_limit_is_a_413_naming_it(staff_user, settings):
    settings.UPLOAD_MAX_BYTES = 100
    body, content_type = multipart("pubs.csv", CSV + b"Another,paper,2021,,,,,,,,,\n" * 5)
    response = client_for(staff_user).post(IMPORT_URL, body, content_type=content_type)
    assert response.status_code == 413
    assert response.json()["detail"].endswith("the limit is 100 bytes.")


@pytest.mark.parametrize("mode", ["x-accel-redirect", "x-sendfile"])
def test_a_front_server_is_handed_the_generated_name_only(sec_target, mode, settings):
    """Behind nginx or Apache the answer carries a path for the front server: the generated one."""
    assert sec_target.send("../../etc/passwd\u202efdp.pdf").status_code in (200, 201)
    row = sec_target.model.objects.latest("pk")
    settings.FILE_DELIVERY = mode
    response, content = sec_target.download(row)
    assert response.status_code == 200 and content == b""
    assert response["X-Content-Type-Options"] == "nosniff"
    assert DISPOSITION.fullmatch(response["Content-Disposition"]).group(1) == "passwdfdp.pdf"
    handed = response["X-Accel-Redirect"] if mode == "x-accel-redirect" else response["X-Sendfile"]
    assert handed.endswith(row.file.name) and "passwd" not in handed
    if mode == "x-sendfile":
        assert Path(handed).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
