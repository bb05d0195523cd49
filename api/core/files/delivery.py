"""The one way a stored file leaves Wafer: after the view has decided the caller may read it.

Modes (settings.FILE_DELIVERY):
- `stream`: Django streams the bytes (FileResponse); works everywhere, the default.
- `x-accel-redirect`: nginx serves the file from an internal location (FILE_DELIVERY_PREFIX).
- `x-sendfile`: Apache mod_xsendfile (or lighttpd, Caddy with a plugin) serves the file from its
  absolute path. IIS has no built-in X-Sendfile: on Windows keep `stream` (docs/windows.md).
Either way the response is an attachment with a safe name and `nosniff`, and never cached
by shared caches.
"""

import unicodedata
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import FileResponse, HttpResponse

from api.core.files.models import DownloadRecord
from api.core.request_context import current_actor

MODES = {"stream", "x-accel-redirect", "x-sendfile"}


def content_disposition(filename: str) -> str:
    """An attachment header every browser reads: an ASCII fallback and the exact UTF-8 name (RFC 6266)."""
    filename = "".join(ch for ch in filename if unicodedata.category(ch)[0] != "C") or "download"
    folded = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    folded = folded.replace('"', "").replace("\\", "").replace("/", "_").strip()
    stem, dot, extension = folded.rpartition(".")
    if not folded or (dot and not stem.strip(" ._")):
        folded = f"download.{extension}" if dot else "download"
    return f"attachment; filename=\"{folded}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _headers(response, *, filename: str, content_type: str, size: int | None):
    response["Content-Type"] = content_type
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if size is not None:
        response["Content-Length"] = str(size)
    return response


def record_download(*, target, file_name: str, size: int | None) -> DownloadRecord:
    actor = current_actor()
    user = actor.user
    organisation = getattr(user, "organisation", None) if user is not None else None
    return DownloadRecord.objects.create(
        user=user,
        organisation_id=getattr(organisation, "pk", None),
        organisation_name=str(organisation or "")[:200],
        via=actor.via,
        token=actor.token,
        client_ip=actor.client_ip,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        file_name=file_name[:200],
        size=size,
    )


def deliver(stored_file, *, filename: str, content_type: str, target, size: int | None = None) -> HttpResponse:
    """Send `stored_file` (a FieldFile) to a caller already allowed to read it, and record it."""
    mode = settings.FILE_DELIVERY
    if mode not in MODES:
        raise ImproperlyConfigured(f"FILE_DELIVERY must be one of {sorted(MODES)}, not {mode!r}")
    size = size if size is not None else stored_file.size
    record_download(target=target, file_name=filename, size=size)
    if mode == "stream":
        response = FileResponse(stored_file.open("rb"))
        return _headers(response, filename=filename, content_type=content_type, size=size)
    response = HttpResponse()
    if mode == "x-accel-redirect":
        response["X-Accel-Redirect"] = settings.FILE_DELIVERY_PREFIX.rstrip("/") + "/" + quote(stored_file.name)
    else:
        response["X-Sendfile"] = stored_file.path
    response = _headers(response, filename=filename, content_type=content_type, size=None)
    return response
