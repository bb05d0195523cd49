import django_filters
from django.db.models import Q

from api.accounts.models import Organisation, User
from api.core.filters import WaferFilterSet


class OrganisationFilter(WaferFilterSet):
    q = django_filters.CharFilter(method="search", label="Name or short name contains")

    class Meta:
        model = Organisation
        fields = ["kind", "membership_tier", "active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))


class PersonFilter(WaferFilterSet):
    q = django_filters.CharFilter(method="search", label="Name contains")
    organisation = django_filters.ModelChoiceFilter(queryset=Organisation.objects.all())

    class Meta:
        model = User
        fields = ["role", "organisation", "is_active"]

    def search(self, queryset, name, value):
        filters = Q()
        for word in value.split()[:5]:
            filters &= Q(given_name__icontains=word) | Q(family_name__icontains=word)
        return queryset.filter(filters)
