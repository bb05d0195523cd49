"""The one paginator: page numbers, a page-size parameter with a hard maximum, a total order."""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

TIE_BREAKERS = {"pk", "-pk", "id", "-id"}


def with_total_order(queryset):
    """Append the primary key to the ordering, so equal sort keys never swap between pages.

    SQL Server also needs an explicit ORDER BY for OFFSET/FETCH (sqlserver.md).
    """
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    if ordering and str(ordering[-1]) in TIE_BREAKERS:
        return queryset
    return queryset.order_by(*ordering, "pk")


class WaferPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        # Strict: a page size that is not a positive whole number is an error, not silently 25.
        raw = request.query_params.getlist(self.page_size_query_param)
        if not raw:
            return self.page_size
        if len(raw) > 1 or not raw[0].isdigit() or int(raw[0]) < 1:
            message = f"Give one whole number from 1 to {self.max_page_size}."
            raise ValidationError({self.page_size_query_param: [message]})
        return min(int(raw[0]), self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        raw_page = request.query_params.getlist(self.page_query_param)
        valid = len(raw_page) == 1 and (
            raw_page[0] in self.last_page_strings or (raw_page[0].isdigit() and int(raw_page[0]))
        )
        if raw_page and not valid:
            raise ValidationError({self.page_query_param: ["Give one page number, from 1."]})
        if hasattr(queryset, "query"):
            queryset = with_total_order(queryset)
        return super().paginate_queryset(queryset, request, view)
