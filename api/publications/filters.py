import django_filters
from django import forms

from api.core.filters import IdFilter, StrictBooleanFilter, UpdatedSinceFilter, WaferFilterSet
from api.publications import search
from api.publications.models import Author, Publication, PublicationFile
from api.research.models import ResearchTask


class YearFilter(django_filters.NumberFilter):
    """A year is a whole number: `?year_to=2020.5` is a 400, as the contract says (the fuzzer found it accepted)."""

    field_class = forms.IntegerField


class PublicationFilter(WaferFilterSet):
    updated_since = UpdatedSinceFilter()
    year_from = YearFilter(field_name="year", lookup_expr="gte", label="Published in or after")
    year_to = YearFilter(field_name="year", lookup_expr="lte", label="Published in or before")
    task = IdFilter(method="filter_task", label="Linked to this research task (id)")
    program = IdFilter(method="filter_program", label="Linked to a task of this program (id)")
    author = IdFilter(method="filter_author", label="A person of Wafer among the authors (id)")
    author_name = django_filters.CharFilter(method="filter_author_name", label="An author's name contains")
    has_file = StrictBooleanFilter(method="filter_has_file", label="Has at least one file")
    q = django_filters.CharFilter(
        method="filter_q",
        label="Words, each the start of a word in the title, abstract, keywords or an author's name "
        "(case and accents ignored)",
    )

    class Meta:
        model = Publication
        fields = ["kind", "access"]

    # Subqueries on primary keys, not joins: a publication never appears twice.
    def _linked(self, queryset, tasks):
        through = Publication.tasks.through.objects.filter(researchtask__in=tasks.values("pk"))
        return queryset.filter(pk__in=through.values("publication_id"))

    def filter_task(self, queryset, name, value):
        return self._linked(queryset, ResearchTask.objects.filter(pk=value))

    def filter_program(self, queryset, name, value):
        return self._linked(queryset, ResearchTask.objects.filter(program_id=value))

    def filter_author(self, queryset, name, value):
        return queryset.filter(pk__in=Author.objects.filter(person_id=value).values("publication_id"))

    def filter_author_name(self, queryset, name, value):
        return queryset.filter(pk__in=Author.objects.filter(name__icontains=value.strip()).values("publication_id"))

    def filter_has_file(self, queryset, name, value):
        with_files = PublicationFile.objects.values("publication_id")
        return queryset.filter(pk__in=with_files) if value else queryset.exclude(pk__in=with_files)

    def filter_q(self, queryset, name, value):
        return search.matching(queryset, value)
