"""`Idempotency-Key` on POST: a retry with the same key by the same user within IDEMPOTENCY_TTL_HOURS
answers the first response and does nothing again; the same key with another request answers 422.

Why a middleware and not a DRF base class: every POST of every app (viewsets, APIViews, @actions)
passes here, with nothing to remember in the views. The owner is found in `process_view`, which
Django calls after every middleware's request phase (sessions and AuthenticationMiddleware have run
wherever this class sits), with the view's own authentication classes, the way DRF will find it.
The class sits *outside* SessionMiddleware and CsrfViewMiddleware so that its response phase sees
the cookies they add: an answer that sets a cookie is not replayable.

- Keys belong to the user (session, or any of the user's tokens). Anonymous callers, and credentials
  the view will refuse (401, 403, a failed CSRF check), are served as if the header were absent;
  a malformed key (not 1 to 255 printable ASCII characters) is a 400 for every caller.
- The request runs in one transaction with storing its answer: the answer commits with the writes or
  not at all. 2xx, 3xx and 4xx answers are kept, except 401, 403, 408 and 429 (refused before
  anything ran, or "try again later"); those and 5xx are rolled back and release the key, so a retry
  runs again.
- Answers that hold a secret (`Cache-Control: no-store`, e.g. a new API token), set a cookie, stream,
  or exceed MAX_STORED_BYTES are not kept: a retry answers 409 `idempotency_not_replayable` and
  does nothing.
- Replays skip the view entirely (no write, no audit event, no job) and carry `Idempotent-Replayed: true`.
"""

import hashlib
import logging
import re
import sys
import tempfile

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.utils.http import parse_header_parameters
from rest_framework import exceptions
from rest_framework.authentication import CSRFCheck, SessionAuthentication
from rest_framework.request import Request

from api.core.errors import envelope
from api.core.files import uncommitted
from api.core.idempotency import services

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_PATTERN = re.compile(r"[\x20-\x7e]{1,255}")  # printable ASCII
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Location")
NOT_KEPT_STATUSES = {401, 403, 408, 429}
MAX_STORED_BYTES = 1024 * 1024
IN_PROGRESS_RETRY_AFTER = 1
CHUNK = 64 * 1024
PENDING = "_wafer_idempotency"
SPOOL = "_wafer_idempotency_spool"


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except BaseException:
            pending = request.__dict__.pop(PENDING, None)
            if pending is not None:
                pending.abort(sys.exc_info())
            raise
        finally:
            spool = request.__dict__.pop(SPOOL, None)
            if spool is not None:
                spool.close()
        pending = request.__dict__.pop(PENDING, None)
        return response if pending is None else pending.finish(response)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or HEADER not in request.headers:
            return None
        if getattr(view_func, "cls", None) is None or not request.path.startswith("/api/"):
            return None  # not an API view (the admin, the JSON 404)
        # A malformed key is a client's bug whoever sends it: refused before it could be ignored, so
        # the contract's "1 to 255 printable ASCII characters" holds for every caller.
        key = request.headers[HEADER].strip()
        if not KEY_PATTERN.fullmatch(key):
            return _error(400, "idempotency_key_invalid", f"{HEADER}: use 1 to 255 printable ASCII characters.")
        if not _may_be_signed_in(request):
            return None
        # Before the owner: a session's CSRF check may parse a form body, after which the raw
        # bytes can no longer be read.
        fingerprint = request_fingerprint(request)
        owner = request_owner(request, view_func)
        if fingerprint is None or owner is None:
            return None
        verdict = services.idempotency_reserve(
            owner_id=owner.pk, key=key, method=request.method, path=request.path, fingerprint=fingerprint
        )
        if verdict.kind != services.RUN:
            return _answer(verdict)
        request.__dict__[PENDING] = _Pending(verdict.record)  # opens the request's transaction: keep last
        return None


class _Pending:
    """A reserved key: the request's transaction is open until its answer is stored or dropped."""

    def __init__(self, record):
        self.record = record
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.files = uncommitted.mark()  # uploads saved by the request, removed if it rolls back

    def finish(self, response):
        try:
            kept, body = _what_to_keep(response)
            stored = kept and services.idempotency_store(
                record=self.record, status=response.status_code, headers=_kept_headers(response), body=body
            )
            if not stored:
                transaction.set_rollback(True)
        except BaseException:
            self.atomic.__exit__(*sys.exc_info())
            uncommitted.discard(since=self.files)
            raise
        try:
            self.atomic.__exit__(None, None, None)  # commits the request's writes with its answer
        except BaseException:
            uncommitted.discard(since=self.files)  # the commit failed: the rows naming them are gone
            raise
        if not stored:
            uncommitted.discard(since=self.files)  # rolled back
        if not kept:
            self._release()
            return response
        if not stored:
            # Taken over after IN_PROGRESS_TIMEOUT: the other request's answer is the one kept.
            return _in_progress()
        return response

    def abort(self, exc_info):
        self.atomic.__exit__(*exc_info)
        uncommitted.discard(since=self.files)
        self._release()

    def _release(self):
        try:
            services.idempotency_release(record=self.record)
        except DatabaseError:
            # The database is gone: the reservation ages out after IN_PROGRESS_TIMEOUT.
            logger.warning("could not release Idempotency-Key record %s", self.record.pk, exc_info=True)


def _may_be_signed_in(request) -> bool:
    """Cheap: only requests with credentials pay for the fingerprint."""
    if getattr(request, "_force_auth_user", None) is not None or "HTTP_AUTHORIZATION" in request.META:
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def request_owner(request, view_func):
    """The user DRF will authenticate for this view, or None (anonymous, or credentials it will refuse)."""
    forced = getattr(request, "_force_auth_user", None)
    if forced is not None:  # APIClient.force_authenticate in tests: DRF takes this user, and so do we
        return forced if forced.is_authenticated else None
    initkwargs = getattr(view_func, "initkwargs", None) or {}
    classes = initkwargs.get("authentication_classes", view_func.cls.authentication_classes)
    drf_request = Request(request)
    for auth_class in classes:
        try:
            if issubclass(auth_class, SessionAuthentication):
                found = _session_user(request)
            else:
                found = auth_class().authenticate(drf_request)
        except exceptions.APIException:
            return None  # the view answers 401 or 403 itself
        if found is not None:
            user = found[0]
            return user if user is not None and user.is_authenticated else None
    return None


def _session_user(request):
    """DRF's SessionAuthentication on the plain HttpRequest: its CSRF check reads request.POST, which on
    a DRF Request would parse the body here, outside the view and with no parsers."""
    user = getattr(request, "user", None)
    if not user or not user.is_active:
        return None
    check = CSRFCheck(lambda _request: None)
    check.process_request(request)
    reason = check.process_view(request, None, (), {})
    if reason:
        raise exceptions.PermissionDenied(f"CSRF Failed: {reason}")
    return user, None


def _length_prefixed(value: str) -> bytes:
    data = value.encode("utf-8", "backslashreplace")
    return f"{len(data)}:".encode() + data


def request_fingerprint(request) -> str | None:
    """SHA-256 of method, path, query string, content type and body; None when the body was already
    consumed elsewhere. A multipart boundary is random per attempt, so it is left out of both."""
    media_type, params = parse_header_parameters(request.META.get("CONTENT_TYPE", ""))
    boundary = params.pop("boundary", None) if media_type == "multipart/form-data" else None
    content_type = ";".join([media_type, *(f"{name}={params[name]}" for name in sorted(params))])
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.META.get("QUERY_STRING", ""), content_type):
        digest.update(_length_prefixed(part))
    body = _BoundaryFree(digest, boundary)
    try:
        for chunk in _body_chunks(request):
            body.feed(chunk)
    except RawPostDataException:
        logger.warning("%s ignored: the body of %s was read before the middleware", HEADER, request.path)
        return None
    body.close()
    return digest.hexdigest()


def _body_chunks(request):
    """The raw body, leaving it readable for the view: small bodies through request.body (Django keeps
    it), large ones (uploads) copied to a spooled file that becomes the request's stream."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None or length <= limit or hasattr(request, "_body"):
        yield request.body
        return
    spool = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)  # noqa: SIM115 (outlives this function: the view reads it; __call__ closes it)
    request.__dict__[SPOOL] = spool
    while chunk := request.read(CHUNK):
        spool.write(chunk)
        yield chunk
    spool.seek(0)
    # Django reads the body from _stream (request.read, request.POST, DRF's parsers), and refuses a
    # second read once _read_started is set: hand it the copy, unread.
    request._stream = spool
    request._read_started = False


class _BoundaryFree:
    """Feeds body chunks to a digest with every `--boundary` replaced by one fixed marker; a marker cut
    in two by a chunk border is held back until the next chunk completes it."""

    def __init__(self, digest, boundary: str | None):
        self.digest = digest
        self.marker = b"--" + boundary.encode("latin-1", "replace") if boundary else None
        self.tail = b""

    def feed(self, chunk: bytes) -> None:
        if self.marker is None:
            self.digest.update(chunk)
            return
        buffer = self.tail + chunk
        cut = len(buffer) - (len(self.marker) - 1)  # a match starting at or after this is incomplete
        start = 0
        while (found := buffer.find(self.marker, start)) != -1:
            self.digest.update(buffer[start:found] + b"--<boundary>")
            start = found + len(self.marker)
        keep_from = max(start, cut)
        self.digest.update(buffer[start:keep_from])
        self.tail = buffer[keep_from:]

    def close(self) -> None:
        self.digest.update(self.tail)
        self.tail = b""


def _what_to_keep(response) -> tuple[bool, bytes | None]:
    """(keep the answer at all, the body to replay or None)."""
    status = response.status_code
    if status < 200 or status >= 500 or status in NOT_KEPT_STATUSES:
        return False, None
    if response.streaming or response.cookies or "no-store" in response.get("Cache-Control", "").lower():
        return True, None
    content = response.content
    return True, (bytes(content) if len(content) <= MAX_STORED_BYTES else None)


def _kept_headers(response) -> dict:
    return {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}


def _error(status: int, code: str, detail: str, headers: dict | None = None) -> JsonResponse:
    return JsonResponse(envelope(status, code, detail), status=status, headers=headers)


def _in_progress() -> JsonResponse:
    return _error(
        409,
        "idempotency_in_progress",
        f"A request with this {HEADER} is still in progress; retry shortly.",
        {"Retry-After": str(IN_PROGRESS_RETRY_AFTER)},
    )


def _answer(verdict: services.Verdict) -> HttpResponse:
    record = verdict.record
    if verdict.kind == services.REPLAY:
        response = HttpResponse(bytes(record.response_body or b""), status=record.response_status)
        if "Content-Type" not in record.response_headers:
            del response["Content-Type"]
        for name, value in record.response_headers.items():
            response[name] = value
        response[REPLAYED_HEADER] = "true"
        return response
    if verdict.kind == services.REUSED:
        return _error(
            422,
            "idempotency_key_reused",
            f"{HEADER}: this key was already used for a different request (method, path, query or body); "
            "use a new key for a new request.",
        )
    if verdict.kind == services.NOT_REPLAYABLE:
        location = record.response_headers.get("Location")
        return _error(
            409,
            "idempotency_not_replayable",
            f"The request with this {HEADER} was done (status {record.response_status}) and will not run again, "
            "but its answer was not kept (it held a secret or a cookie, streamed, or was too large).",
            {"Location": location} if location else None,
        )
    return _in_progress()
