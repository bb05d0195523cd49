import django_filters
from django.db.models import Q
from django.utils import timezone

from api.core.filters import IdFilter, StrictBooleanFilter, UpdatedSinceFilter, WaferFilterSet
from api.events.models import Event, Registration


class EventFilter(WaferFilterSet):
    updated_since = UpdatedSinceFilter()
    starts_from = django_filters.DateFilter(
        field_name="ends_at", lookup_expr="date__gte", label="Not over before this date"
    )
    starts_to = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__lte", label="Starting on or before this date"
    )
    task = IdFilter(method="filter_task", label="Linked to this research task (id)")
    # "Past" to the minute (ended before now), which the date filters above cannot say.
    past = StrictBooleanFilter(method="filter_past", label="true: ended already; false: not over yet")
    registered = StrictBooleanFilter(
        method="filter_registered", label="true: events you are registered or waitlisted for (signed in)"
    )

    class Meta:
        model = Event
        fields = ["kind", "audience", "status"]

    def filter_task(self, queryset, name, value):
        return queryset.filter(pk__in=Event.tasks.through.objects.filter(researchtask_id=value).values("event_id"))

    def filter_past(self, queryset, name, value):
        now = timezone.now()
        return queryset.filter(ends_at__lt=now) if value else queryset.filter(ends_at__gte=now)

    def filter_registered(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return queryset.none() if value else queryset
        held = Registration.objects.filter(person=user).exclude(status=Registration.Status.CANCELLED)
        held_events = held.values("event_id")
        return queryset.filter(pk__in=held_events) if value else queryset.exclude(pk__in=held_events)


class RegistrationFilter(WaferFilterSet):
    q = django_filters.CharFilter(method="search", label="Words in the person's name or email, or the company's name")
    checked_in = StrictBooleanFilter(field_name="checked_in_at", lookup_expr="isnull", exclude=True,
                                     label="true: checked in; false: not yet")  # fmt: skip

    class Meta:
        model = Registration
        fields = ["status"]

    def search(self, queryset, name, value):
        # Every word must match somewhere, so "chen west" finds Chen of Westbridge; five words at most.
        filters = Q()
        for word in value.split()[:5]:
            filters &= (
                Q(person__given_name__icontains=word)
                | Q(person__family_name__icontains=word)
                | Q(person__email__icontains=word)
                | Q(company__name__icontains=word)
            )
        return queryset.filter(filters)


# The names for the date range, `from` and `to`, are Python keywords: renamed here.
EventFilter.base_filters["from"] = EventFilter.base_filters.pop("starts_from")
EventFilter.base_filters["to"] = EventFilter.base_filters.pop("starts_to")
