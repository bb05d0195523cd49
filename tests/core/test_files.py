"""The shared file mechanics: checking uploads (api.core.files.uploads) and delivering stored files
(api.core.files.delivery), whichever domain uses them."""

import hashlib
import os
import re
from urllib.parse import unquote

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import RequestFactory
from rest_framework.exceptions import ValidationError

from api.core.files.delivery import content_disposition, deliver, record_download
from api.core.files.models import DownloadRecord
from api.core.files.uploads import KINDS, PayloadTooLarge, check_upload, generated_name, safe_filename
from api.core.middleware import ClientIPMiddleware
from api.core.request_context import acting_as, bind_request
from api.research.models import ProgressReport
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 20
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 20


def upload(name="report.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- Checking uploads ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["report.pdf", "report.png", "no extension", "setup.exe", "../../x.html", "..\\x.svg"])
def test_a_pdf_is_a_pdf_whatever_its_name(name):
    checked = check_upload(upload(name, content_type="text/html"))
    assert checked.kind is KINDS["pdf"]
    assert checked.kind.content_type == "application/pdf"  # not the client's Content-Type
    assert checked.original_name.endswith(".pdf")
    assert "/" not in checked.original_name


@pytest.mark.parametrize(
    "content",
    [PNG, ZIP, HTML, EXE, b"%PD", b" %PDF-1.4\n", b"\xef\xbb\xbf%PDF-1.4\n", b"hello %PDF-1.4"],
    ids=["png", "zip", "html", "exe", "truncated-magic", "leading-space", "bom", "magic-later"],
)
def test_other_content_under_a_pdf_name_is_refused_naming_the_field(content):
    with pytest.raises(ValidationError) as raised:
        check_upload(upload("report.pdf", content), field="report")
    assert raised.value.detail == {"report": ["The file's content is not a PDF (whatever its name says)."]}


def test_the_allowed_kinds_are_the_callers_choice():
    assert check_upload(upload("photo.pdf", PNG), kinds=("pdf", "png")).original_name == "photo.png"
    with pytest.raises(ValidationError) as raised:
        check_upload(upload("archive.zip", ZIP), field="attachment", kinds=("pdf", "png"))
    assert raised.value.detail == {"attachment": ["The file's content is not a PDF or PNG (whatever its name says)."]}


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as raised:
        check_upload(upload(content=b""), field="report")
    assert raised.value.detail == {"report": ["The file is empty."]}


def test_no_file_at_all_is_refused_naming_the_field():
    with pytest.raises(ValidationError) as raised:
        check_upload(None, field="report")
    assert raised.value.detail == {"report": ["No file was sent (multipart/form-data, field 'report')."]}


def test_a_file_over_the_size_limit_is_413_with_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 100
    check_upload(upload(content=PDF.ljust(100, b" ")))  # exactly the limit is fine
    with pytest.raises(PayloadTooLarge) as raised:
        check_upload(upload(content=PDF.ljust(101, b" ")), field="report")
    assert raised.value.status_code == 413
    assert raised.value.detail == "report: the file is 101 bytes; the limit is 100 bytes."
    assert raised.value.detail.code == "too_large"


def test_a_callers_own_limit_wins_over_the_setting(settings):
    settings.UPLOAD_MAX_BYTES = 10_000
    with pytest.raises(PayloadTooLarge, match="the limit is 50 bytes"):
        check_upload(upload(content=PDF.ljust(51, b" ")), max_bytes=50)


def test_the_size_is_checked_before_the_content(settings):
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(PayloadTooLarge):
        check_upload(upload(content=EXE))


def test_sha256_and_size_are_of_the_whole_file_and_it_is_rewound():
    content = PDF + os.urandom(200_000)  # several chunks
    uploaded = upload(content=content)
    checked = check_upload(uploaded)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.size == len(content)
    assert checked.file is uploaded
    assert uploaded.read() == content


# --- Safe names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\System32\\evil.pdf", "evil.pdf"),
        ("C:\\Users\\chen\\Desktop\\report.pdf", "report.pdf"),
        ("/absolute/path/report.pdf", "report.pdf"),
        ("rep\x00ort.pdf", "report.pdf"),
        ("a\x07b\r\nc\t.pdf", "abc.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.pdf"),  # right-to-left override: "invoiceexe.pdf" on screen
        ("zero\u200bwidth\u200d\u200c\ufeff.pdf", "zerowidth.pdf"),
        ('say "hi" <now>.pdf', "say _hi_ _now_.pdf"),
        ("report.exe", "report.pdf"),
        ("report", "report.pdf"),
        ("report.PDF", "report.pdf"),
        ("my.report.v2.pdf", "my.report.v2.pdf"),
        ("Résumé 日本語 Отчёт.pdf", "Résumé 日本語 Отчёт.pdf"),  # letters of any script stay
        ("\uff46\uff55\uff4c\uff4c.pdf", "full.pdf"),  # fullwidth letters, NFKC
        ("CON.pdf", "_CON.pdf"),  # a Windows device name: no file of that name can be saved there
        ("nul.tar.exe", "_nul.tar.pdf"),
        ("com\u00b9.pdf", "_com1.pdf"),  # superscript one, NFKC
        ("CONSOLE.pdf", "CONSOLE.pdf"),
        ("", "file.pdf"),
        ("   ", "file.pdf"),
        ("....", "file.pdf"),
        ("../", "file.pdf"),
        ("\u202e\u200b", "file.pdf"),
        ("\x00\x01", "file.pdf"),
        (None, "file.pdf"),
    ],
)
def test_safe_filename(original, expected):
    assert safe_filename(original, "pdf") == expected


@pytest.mark.parametrize("original", ["x" * 300 + ".pdf", "日" * 300 + ".pdf", "y" * 500])
def test_a_long_name_is_cut_but_keeps_its_extension(original):
    name = safe_filename(original, "pdf")
    assert len(name) == 120
    assert name.endswith(".pdf")
    assert name[:-4] == original[:116]


def test_a_safe_name_never_holds_a_separator_or_control_character():
    hostile = "".join(chr(code) for code in range(0, 0x300)) + "\u202a\u202b\u202c\u202d\u202e\u2066\u2069.pdf"
    name = safe_filename(hostile, "pdf")
    assert "/" not in name and "\\" not in name
    assert not re.search(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", name)
    assert name.endswith(".pdf") and len(name) <= 120


def test_generated_names_are_random_and_never_hold_the_original_name():
    checked = check_upload(upload("Secret merger plans.pdf"))
    names = {generated_name("reports", checked.kind) for _ in range(200)}
    assert len(names) == 200
    for name in names:
        assert re.fullmatch(r"reports/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", name), name
        assert "Secret" not in name and "merger" not in name


# --- Content-Disposition ------------------------------------------------------------------------


def test_content_disposition_of_a_plain_name():
    assert content_disposition("report.pdf") == "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf"


@pytest.mark.parametrize(
    "filename",
    ['say "hi".pdf', "back\\slash.pdf", 'both \\" mixed.pdf', "Résumé.pdf", "日本語の報告.pdf", "Отчёт 2026.pdf"],
)
def test_content_disposition_has_an_ascii_fallback_and_the_exact_name(filename):
    header = content_disposition(filename)
    match = re.fullmatch(r"attachment; filename=\"([^\"\\]*)\"; filename\*=UTF-8''(\S+)", header)
    assert match, header
    fallback, encoded = match.groups()
    assert fallback.isascii() and fallback
    assert encoded.isascii()
    assert unquote(encoded) == filename
    HttpResponse()["Content-Disposition"] = header  # a legal header value


def test_content_disposition_fallback_of_a_name_with_no_ascii_at_all():
    assert content_disposition("日本語").startswith('attachment; filename="download"; ')


# --- Delivery -----------------------------------------------------------------------------------


def stored(name="reports/2026/03/0123456789abcdef0123456789abcdef.pdf", content=PDF):
    """A FieldFile on default_storage (ProgressReport's FileField), as a view would hand to deliver()."""
    saved = default_storage.save(name, ContentFile(content))
    return ProgressReport(file=saved).file


@pytest.fixture
def target(db):
    return factories.OrganisationFactory(name="Target of the download")


def test_stream_sends_the_bytes_as_a_safe_attachment(settings, target):
    settings.FILE_DELIVERY = "stream"
    fieldfile = stored()
    response = deliver(fieldfile, filename="Annual report.pdf", content_type="application/pdf", target=target)
    try:
        assert response.status_code == 200
        assert response.streaming
        assert b"".join(response.streaming_content) == PDF
    finally:
        fieldfile.close()  # not response.close(): its request_finished signal would close the test's connection
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == content_disposition("Annual report.pdf")
    assert response["Content-Length"] == str(len(PDF))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    record = DownloadRecord.objects.get()
    assert (record.target_type, record.target_id, record.file_name, record.size) == (
        "accounts.organisation",
        str(target.pk),
        "Annual report.pdf",
        len(PDF),
    )


@pytest.mark.parametrize("prefix", ["/protected-files/", "/protected-files"])
def test_x_accel_redirect_names_the_internal_location(settings, target, prefix):
    settings.FILE_DELIVERY = "x-accel-redirect"
    settings.FILE_DELIVERY_PREFIX = prefix
    fieldfile = stored("reports/2026/03/a b é#?.pdf")
    response = deliver(fieldfile, filename="report.pdf", content_type="application/pdf", target=target, size=123)
    assert response["X-Accel-Redirect"] == "/protected-files/reports/2026/03/a%20b%20%C3%A9%23%3F.pdf"
    assert response.content == b""
    assert not response.streaming
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == content_disposition("report.pdf")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert "Content-Length" not in response  # nginx knows the file's length, not the empty body
    assert DownloadRecord.objects.get().size == 123


def test_x_sendfile_names_the_absolute_path(settings, target, media):
    settings.FILE_DELIVERY = "x-sendfile"
    fieldfile = stored()
    response = deliver(fieldfile, filename="report.pdf", content_type="application/pdf", target=target)
    assert response["X-Sendfile"] == str(media / fieldfile.name)
    assert os.path.isabs(response["X-Sendfile"])
    assert response.content == b""
    assert response["Content-Disposition"] == content_disposition("report.pdf")
    assert DownloadRecord.objects.get().size == len(PDF)  # from storage when not given


def test_an_unknown_delivery_mode_is_a_configuration_error(settings, target):
    settings.FILE_DELIVERY = "sendfile"
    with pytest.raises(ImproperlyConfigured, match="FILE_DELIVERY must be one of"):
        deliver(stored(), filename="report.pdf", content_type="application/pdf", target=target)
    assert not DownloadRecord.objects.exists()  # nothing was delivered


# --- Who downloaded -----------------------------------------------------------------------------


def request_from(address="203.0.113.9", path="/api/v1/deliverables/1/reports/1/file/", **meta):
    return RequestFactory().get(path, REMOTE_ADDR=address, **meta)


def test_a_download_through_a_request_records_user_organisation_and_ip(member_user, target):
    request = request_from()
    request.user = member_user

    def view(request):
        record_download(target=target, file_name="report.pdf", size=10)
        return HttpResponse()

    ClientIPMiddleware(view)(request)  # sets client_ip and binds the request, as for every request

    record = DownloadRecord.objects.get()
    assert record.user == member_user
    assert record.organisation_id == member_user.organisation_id
    assert record.organisation_name == "Aster Microdevices"
    assert record.client_ip == "203.0.113.9"
    assert record.via == "session"
    assert record.token is None


def test_a_download_with_a_token_records_the_token(member_user, make_token, target, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    token, _ = make_token(member_user)
    request = request_from("10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7, 10.0.0.1")
    request.user, request.auth = member_user, token

    ClientIPMiddleware(lambda request: record_download(target=target, file_name="r.pdf", size=1) and HttpResponse())(
        request
    )

    record = DownloadRecord.objects.get()
    assert (record.via, record.token, record.client_ip, record.user) == ("token", token, "198.51.100.7", member_user)


def test_an_anonymous_download_records_no_user(target):
    request = request_from("2001:db8::1")
    request.user = AnonymousUser()
    request.client_ip = "2001:db8::1"
    with bind_request(request):
        record = record_download(target=target, file_name="public.pdf", size=None)
    assert (record.user, record.organisation_id, record.organisation_name) == (None, None, "")
    assert (record.via, record.client_ip, record.size) == ("session", "2001:db8::1", None)


def test_a_download_by_staff_has_no_organisation_and_admin_paths_say_admin(staff_user, target):
    request = request_from(path="/admin/research/progressreport/1/file/")
    request.user = staff_user
    request.client_ip = "192.0.2.1"
    with bind_request(request):
        record = record_download(target=target, file_name="report.pdf", size=5)
    assert (record.user, record.organisation_id, record.organisation_name, record.via) == (
        staff_user,
        None,
        "",
        "admin",
    )


def test_a_download_from_a_command_or_outside_any_request(faculty_user, target):
    with acting_as(faculty_user, via="command"):
        by_command = record_download(target=target, file_name="a.pdf", size=1)
    outside = record_download(target=target, file_name="b.pdf", size=1)
    assert (by_command.user, by_command.via, by_command.client_ip) == (faculty_user, "command", None)
    assert by_command.organisation_name == faculty_user.organisation.name
    assert (outside.user, outside.via) == (None, "system")


def test_a_long_file_name_is_cut_to_fit(target):
    record = record_download(target=target, file_name="x" * 300 + ".pdf", size=1)
    record.refresh_from_db()
    assert record.file_name == "x" * 200
