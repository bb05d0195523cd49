import django_filters
from django.db.models import Q
from django.utils import timezone

from api.accounts.models import Organisation
from api.core.filters import IdFilter, StrictBooleanFilter, UpdatedSinceFilter, WaferFilterSet
from api.research.models import Deliverable, Program, ResearchTask


class ProgramFilter(WaferFilterSet):
    class Meta:
        model = Program
        fields = ["active"]


class TaskFilter(WaferFilterSet):
    updated_since = UpdatedSinceFilter()
    program = django_filters.ModelChoiceFilter(queryset=Program.objects.all())
    university = django_filters.ModelChoiceFilter(queryset=Organisation.objects.filter(kind="university"))
    pi = IdFilter(method="filter_pi", label="Principal investigator (a person's id)")
    sponsor = IdFilter(method="filter_sponsor", label="Sponsoring company (an organisation's id)")
    active_on = django_filters.DateFilter(method="filter_active_on", label="Running on this date")
    q = django_filters.CharFilter(method="search", label="Number, title or abstract contains")

    class Meta:
        model = ResearchTask
        fields = ["program", "university", "status", "confidential"]

    # Subqueries, not joins: a task never appears twice (see api.research.access).
    def filter_pi(self, queryset, name, value):
        through = ResearchTask.principal_investigators.through.objects.filter(user_id=value)
        return queryset.filter(pk__in=through.values("researchtask_id"))

    def filter_sponsor(self, queryset, name, value):
        through = ResearchTask.sponsors.through.objects.filter(organisation_id=value)
        return queryset.filter(pk__in=through.values("researchtask_id"))

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(start__lte=value, end__gte=value)

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value) | Q(abstract__icontains=value))


class DeliverableFilter(WaferFilterSet):
    updated_since = UpdatedSinceFilter()
    task = django_filters.ModelChoiceFilter(queryset=ResearchTask.objects.all())
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", label="Due on or before")
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", label="Due on or after")
    late = StrictBooleanFilter(method="filter_late", label="Submitted late, or overdue")
    overdue = StrictBooleanFilter(method="filter_overdue", label="Past the deadline and not submitted")
    sponsor = IdFilter(method="filter_sponsor", label="Of tasks this company (an organisation's id) sponsors")

    class Meta:
        model = Deliverable
        fields = ["task", "status", "kind"]

    def filter_late(self, queryset, name, value):
        late = Q(submitted_late=True) | Q(
            status__in=Deliverable.OPEN, submitted_at__isnull=True, deadline_at__lte=timezone.now()
        )
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_overdue(self, queryset, name, value):
        overdue = Q(status__in=Deliverable.OPEN, submitted_at__isnull=True, deadline_at__lte=timezone.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_sponsor(self, queryset, name, value):
        # A subquery, like TaskFilter.sponsor: narrows what the caller already sees, never widens it.
        through = ResearchTask.sponsors.through.objects.filter(organisation_id=value)
        return queryset.filter(task__in=through.values("researchtask_id"))
