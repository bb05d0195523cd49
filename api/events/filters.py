import django_filters

from api.core.filters import IdFilter, UpdatedSinceFilter, WaferFilterSet
from api.events.models import Event


class EventFilter(WaferFilterSet):
    updated_since = UpdatedSinceFilter()
    starts_from = django_filters.DateFilter(
        field_name="ends_at", lookup_expr="date__gte", label="Not over before this date"
    )
    starts_to = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__lte", label="Starting on or before this date"
    )
    task = IdFilter(method="filter_task", label="Linked to this research task (id)")

    class Meta:
        model = Event
        fields = ["kind", "audience", "status"]

    def filter_task(self, queryset, name, value):
        return queryset.filter(pk__in=Event.tasks.through.objects.filter(researchtask_id=value).values("event_id"))


# The names for the date range, `from` and `to`, are Python keywords: renamed here.
EventFilter.base_filters["from"] = EventFilter.base_filters.pop("starts_from")
EventFilter.base_filters["to"] = EventFilter.base_filters.pop("starts_to")
