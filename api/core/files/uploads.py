"""Checking uploads: size from settings (413), type from the content's magic bytes, safe names.

A file's type is what its bytes say, never its name or the client's Content-Type header, and
the name it is stored under is generated: nothing a client sends reaches a storage path.
"""

import hashlib
import re
import unicodedata
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError

CHUNK = 64 * 1024
WINDOWS_DEVICES = re.compile(r"(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])\s*", re.IGNORECASE)


@dataclass(frozen=True)
class FileKind:
    name: str
    extension: str
    content_type: str
    magic: tuple[bytes, ...]


KINDS = {
    "pdf": FileKind("pdf", "pdf", "application/pdf", (b"%PDF-",)),
    "png": FileKind("png", "png", "image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpeg": FileKind("jpeg", "jpg", "image/jpeg", (b"\xff\xd8\xff",)),
    # OOXML (docx, pptx, xlsx) are zip files; the type is told by their name only after the
    # zip check, as the bytes alone cannot tell a .docx from a .pptx without unpacking it.
    "zip": FileKind("zip", "zip", "application/zip", (b"PK\x03\x04",)),
}


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = "The file is too large."


@dataclass(frozen=True)
class CheckedUpload:
    file: object  # the UploadedFile, rewound
    kind: FileKind
    original_name: str  # sanitised, for display and Content-Disposition only
    size: int
    sha256: str


def sniff(head: bytes, allowed: tuple[str, ...]) -> FileKind | None:
    for name in allowed:
        kind = KINDS[name]
        if any(head.startswith(magic) for magic in kind.magic):
            return kind
    return None


def safe_filename(original: str, extension: str, max_length: int = 120) -> str:
    """A display name with no path, no control or formatting characters, and the right extension."""
    name = unicodedata.normalize("NFKC", original or "")
    name = re.split(r"[\\/]", name)[-1]  # no directories, whichever separator
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in {"C"})  # controls, bidi tricks
    name = re.sub(r"[^\w.\- ()]+", "_", name).strip(" ._") or "file"
    stem = re.sub(r"\.[A-Za-z0-9]{1,8}$", "", name) or "file"
    if WINDOWS_DEVICES.fullmatch(stem.split(".")[0]):
        stem = f"_{stem}"  # "CON.pdf" cannot be saved on Windows (nor "con.tar.pdf"): a downloader may not rename it
    stem = stem[: max_length - len(extension) - 1].rstrip(" .") or "file"  # the cut may expose dots
    return f"{stem}.{extension}"


def check_upload(uploaded, *, field: str = "file", kinds: tuple[str, ...] = ("pdf",), max_bytes=None) -> CheckedUpload:
    if uploaded is None:
        raise ValidationError({field: ["No file was sent (multipart/form-data, field '" + field + "')."]})
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    if uploaded.size > limit:
        raise PayloadTooLarge(f"{field}: the file is {uploaded.size} bytes; the limit is {limit} bytes.")
    if uploaded.size == 0:
        raise ValidationError({field: ["The file is empty."]})
    uploaded.seek(0)
    head = uploaded.read(16)
    kind = sniff(head, kinds)
    if kind is None:
        wanted = " or ".join(KINDS[name].name.upper() for name in kinds)
        raise ValidationError({field: [f"The file's content is not a {wanted} (whatever its name says)."]})
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks(CHUNK):
        digest.update(chunk)
    uploaded.seek(0)
    return CheckedUpload(
        file=uploaded,
        kind=kind,
        original_name=safe_filename(uploaded.name, kind.extension),
        size=uploaded.size,
        sha256=digest.hexdigest(),
    )


def generated_name(prefix: str, kind: FileKind) -> str:
    """Where a file is stored: a fresh random name under a dated folder (never the client's name)."""
    now = timezone.now()
    return f"{prefix}/{now:%Y/%m}/{uuid.uuid4().hex}.{kind.extension}"
