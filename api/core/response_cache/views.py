"""The list action of a viewset, answered from the shared cache or with a 304 when it can be."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers

from api.core.cache import store_without_waiting
from api.core.pagination import with_total_order
from api.core.replica import primary_reads
from api.core.response_cache import generations, page_sql, rows
from api.core.response_cache.fragments import ROWS_MARKER, PageOfRenderedRows
from api.core.response_cache.keys import answer_key, filter_names, read_by, stamp, stamp_of, utc_day
from api.core.throttling import ThrottlesReadWithTheCache, WindowThrottle

ANSWER_PREFIX = "answer:"
# The generations each list read last in this process, by its resources: the guess that lets a hit
# read them and its answer in one round trip (CachedListMixin._key_and_answer). Only ever a guess,
# checked against the generations read with the answer; races between threads only cost a guess.
_last_read: dict[tuple[str, ...], str] = {}


def _names_etag(request, etag: str) -> bool:
    sent = request.headers.get("If-None-Match", "")
    return etag in [tag.strip().removeprefix("W/") for tag in sent.split(",")]


def _any_etag(request) -> bool:
    return request.headers.get("If-None-Match", "").strip() == "*"


def _finish(response, etag: str, *, public: bool, outcome: str):
    response["ETag"] = etag
    # Revalidate every time: the ETag makes that cheap, and no client keeps an answer after a write.
    response["Cache-Control"] = f"{'public' if public else 'private'}, no-cache"
    patch_vary_headers(response, ("Accept", "Authorization", "Cookie"))
    response["X-Cache"] = outcome  # hit, miss or not-modified: for benchmarks and operators
    return response


class CachedListMixin:
    """`list` served from memcached by a key of the request and the `cached_resources` generations.

    Authentication, permissions and throttling have run (DRF's `initial`) before `list` is called;
    a hit then costs no query and no serializer, and a matching If-None-Match a 304."""

    cached_resources: tuple[str, ...] = ()
    cache_day = staticmethod(utc_day)  # the date whose change alone changes an answer
    # True where a row's representation is the same for everyone who may see it, or for everyone with
    # the same value of the `row_variant` annotation (e.g. full or summary access): rows.py.
    rows_cached = False
    row_variant: str | None = None

    def _stamp(self) -> str:
        """The request's day and generations, read once (a view instance serves one request)."""
        if not hasattr(self, "_response_cache_stamp"):
            self._response_cache_stamp = stamp(self.cached_resources, self.cache_day)
        return self._response_cache_stamp

    def check_throttles(self, request):
        """A cached list counts its caller's request in its first cache read (`_read_with_throttles`),
        not in a round trip of its own before it."""
        if settings.RESPONSE_CACHE_SECONDS and getattr(self, "action", None) == "list":
            throttles = self.get_throttles()
            if all(isinstance(throttle, WindowThrottle) for throttle in throttles):
                self._throttles = ThrottlesReadWithTheCache(throttles, request, self)
                return
        super().check_throttles(request)

    def _read_with_throttles(self, request, also: list[str]) -> tuple[str, dict]:
        """The generations and the cache keys `also`, with the throttles' counts: 429 when one is full."""
        throttles = getattr(self, "_throttles", None)
        counted = throttles.keys if throttles else []
        read, found = generations.current_and(self.cached_resources, also + counted, counted)
        if throttles is not None:
            del self._throttles  # counted once
            waits = throttles.waits(found)
            if waits:
                self.throttled(request, max(waits))
        return read, found

    def count_key(self, request) -> str | None:
        """The key of the list's total (api.core.response_cache.counts): of what the filters read only,
        so pages, page sizes, orderings and unknown parameters share it."""
        if not settings.RESPONSE_CACHE_SECONDS:
            return None
        return answer_key(request, self._stamp(), only=read_by(filter_names(self)), kind="count")

    def list(self, request, *args, **kwargs):
        if not settings.RESPONSE_CACHE_SECONDS:
            return super().list(request, *args, **kwargs)
        public = not request.user.is_authenticated
        if "If-None-Match" in request.headers:  # a 304 needs only the key: no answer is read for it
            read, _ = self._read_with_throttles(request, [])
            self._response_cache_stamp = stamp_of(self.cache_day().isoformat(), read)
            key = answer_key(request, self._response_cache_stamp)
            etag = f'"{key}"'
            if _names_etag(request, etag):  # an ETag is only ever given with a 200, so the request is valid
                return _finish(HttpResponseNotModified(), etag, public=public, outcome="not-modified")
            stored = cache.get(ANSWER_PREFIX + key)
        else:
            key, stored = self._key_and_answer(request)
            etag = f'"{key}"'
        if stored is not None:
            if _any_etag(request):  # `*`: only when a 200 is known, never for a request that is a 400
                return _finish(HttpResponseNotModified(), etag, public=public, outcome="not-modified")
            content_type, body = stored
            return _finish(HttpResponse(body, content_type=content_type), etag, public=public, outcome="hit")
        with primary_reads():  # never cache what a lagging replica says
            response = self._list_by_rows(request) if self.rows_cached else super().list(request, *args, **kwargs)

        def store(rendered):
            if rendered.status_code == 200:
                answer = (rendered["Content-Type"], rendered.content)
                store_without_waiting(cache, {ANSWER_PREFIX + key: answer}, settings.RESPONSE_CACHE_SECONDS)

        response.add_post_render_callback(store)
        return _finish(response, etag, public=public, outcome="miss")

    def _key_and_answer(self, request) -> tuple[str, tuple | None]:
        """The answer's key, and the answer when cached, in one cache round trip when it can be.

        The generations and the answer are read together, the answer under the key of the generations
        this process read last (they change only with writes). It is the answer only when the
        generations read with it are those: the same check as reading them first, one round trip
        sooner. When they changed, the answer is read again under the key of the ones just read."""
        resources = self.cached_resources
        day = self.cache_day().isoformat()
        expected = _last_read.get(resources)
        guessed_key = answer_key(request, stamp_of(day, expected)) if expected is not None else None
        read, found = self._read_with_throttles(request, [ANSWER_PREFIX + guessed_key] if guessed_key else [])
        _last_read[resources] = read
        self._response_cache_stamp = stamp_of(day, read)
        if read == expected:
            return guessed_key, found.get(ANSWER_PREFIX + guessed_key)
        key = answer_key(request, self._response_cache_stamp)
        return key, cache.get(ANSWER_PREFIX + key)

    def _page_ids(self):
        """The list's primary keys as filtered and ordered for the caller (its variants too, if any)."""
        queryset = self.filter_queryset(self.get_queryset()).prefetch_related(None)
        if self.row_variant is None:
            return with_total_order(queryset.values_list("pk", flat=True))
        return with_total_order(queryset.values_list("pk", self.row_variant))

    def _list_by_rows(self, request):
        key = page_sql.filter_set_key(self, request)
        page = self.paginate_queryset(self._page_ids() if key is None else page_sql.CompiledPages(key, self._page_ids))
        if self.row_variant is None:
            page = [(pk, "") for pk in page]

        def build(missing):
            return self.get_serializer(self.get_queryset().filter(pk__in=missing), many=True).data

        found = rows.page_rows(page, name=self.basename, stamp=self._stamp(), build=build)
        return PageOfRenderedRows(self.get_paginated_response(ROWS_MARKER), found)


def cached_list_schema(serializer):
    """The list operation's OpenAPI: If-None-Match and the 304 it may earn."""
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema

    return extend_schema(
        parameters=[
            OpenApiParameter(
                "If-None-Match",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="The ETag of an earlier answer: 304 when nothing it shows has changed.",
            )
        ],
        responses={200: serializer(many=True), 304: OpenApiResponse(description="Not modified.")},
    )
