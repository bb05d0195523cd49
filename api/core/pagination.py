"""The one paginator: page numbers, a page-size parameter with a hard maximum, a total order."""

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

    def paginate_queryset(self, queryset, request, view=None):
        if hasattr(queryset, "query"):
            queryset = with_total_order(queryset)
        return super().paginate_queryset(queryset, request, view)
