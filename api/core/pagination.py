"""The paginators: page numbers with a page-size parameter, a hard maximum and a total order (every
list), and keyset pages for integrations walking a whole list."""

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination

from api.core.filters import MAX_ID
from api.core.response_cache.counts import paginator_class

TIE_BREAKERS = {"pk", "-pk", "id", "-id"}


def with_total_order(queryset):
    """Append the primary key to the ordering, so equal sort keys never swap between pages.

    SQL Server also needs an explicit ORDER BY for OFFSET/FETCH (sqlserver.md).
    """
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    if ordering and str(ordering[-1]) in TIE_BREAKERS:
        return queryset
    return queryset.order_by(*ordering, "pk")


def is_whole_number(text: str) -> bool:
    """ASCII digits only: "²" or "①" pass str.isdigit() yet int() refuses them (a 500), and "٣" is no page number."""
    return text.isascii() and text.isdigit()


def strict_page_size(request, paginator) -> int:
    """A page size that is not one positive whole number is an error, not silently the default."""
    raw = request.query_params.getlist(paginator.page_size_query_param)
    if not raw:
        return paginator.page_size
    if len(raw) > 1 or not is_whole_number(raw[0]) or int(raw[0]) < 1:
        message = f"Give one whole number from 1 to {paginator.max_page_size}."
        raise ValidationError({paginator.page_size_query_param: [message]})
    return min(int(raw[0]), paginator.max_page_size)


class WaferPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        return strict_page_size(request, self)

    def paginate_queryset(self, queryset, request, view=None):
        raw_page = request.query_params.getlist(self.page_query_param)
        valid = len(raw_page) == 1 and (
            raw_page[0] in self.last_page_strings or (is_whole_number(raw_page[0]) and int(raw_page[0]))
        )
        if raw_page and not valid:
            raise ValidationError({self.page_query_param: ["Give one page number, from 1."]})
        if hasattr(queryset, "query"):
            queryset = with_total_order(queryset)
        self.django_paginator_class = paginator_class(view, request)
        return super().paginate_queryset(queryset, request, view)


class KeysetPagination(CursorPagination):
    """For integrations walking a whole list: pages in primary-key order behind an opaque cursor,
    with no COUNT and no OFFSET, so the thousandth page costs what the first does (and compiles to
    a plain `WHERE id > %s ORDER BY id` + TOP/FETCH on SQL Server). Rows added behind the walk's
    position are not seen by it: integrations follow /api/v1/changes/ for those."""

    ordering = "pk"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_ordering(self, request, queryset, view):
        return (self.ordering,)

    def get_page_size(self, request):
        return strict_page_size(request, self)

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except NotFound as exc:  # DRF answers 404 for a damaged cursor; it is the client's input
            raise self._bad_cursor() from exc
        # DRF passes the position to the query as it finds it: a forged `p=abc` (or a number no primary key
        # reaches) would fail in the database, a 500. Ours are primary keys: whole numbers that fit a bigint.
        position = cursor.position if cursor is not None else None
        if position is not None and not (is_whole_number(position) and int(position) <= MAX_ID):
            raise self._bad_cursor()
        return cursor

    def _bad_cursor(self) -> ValidationError:
        return ValidationError({self.cursor_query_param: ["Not a cursor this list gave out."]})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }
