"""The base FilterSet: filter values that make no sense are a 400, never silently ignored."""

import datetime
from functools import cache, lru_cache

import django_filters
from django import forms
from django.db import models
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

from api.core.query_params import BLANK


class StrictBooleanField(forms.Field):
    def to_python(self, value):
        if value in (None, ""):
            return None
        word = str(value).strip().lower()
        if word in {"true", "1"}:
            return True
        if word in {"false", "0"}:
            return False
        raise forms.ValidationError("Use true or false.", code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    """django-filter's own BooleanFilter reads 'maybe' as 'no filter'; this one refuses it."""

    field_class = StrictBooleanField


MAX_ID = 2**63 - 1  # the largest primary key any of our databases stores (bigint)


class IdFilter(django_filters.NumberFilter):
    """A primary key: a whole number that fits a bigint (a float or a huge number is a 400, not a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
        # What the OpenAPI contract says of this parameter, description included.
        schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        if self.label:
            schema["description"] = str(self.label)
        extend_schema_field(schema)(self)


class StrictFilterForm(forms.Form):
    """A parameter given with no value is an error for anything but free text: `?due_before=`
    most likely means a client bug, and silently ignoring it would widen the result."""

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            if not isinstance(field, forms.CharField) and self.data.get(name) == "":
                self.add_error(name, BLANK)
        return cleaned


class WaferFilterSet(django_filters.FilterSet):
    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }

    def get_form_class(self):
        fields = {name: filter_.field for name, filter_ in self.filters.items()}
        return type(f"{type(self).__name__}Form", (StrictFilterForm,), fields)

    @classmethod
    def filters_named(cls, params) -> list[str] | None:
        """The filters these query parameters reach, told without building the filterset and its form;
        None when absent parameters might still filter (then every filter must be built). A filter's
        field tells it by its widget (which knows a range's `_min` and `_max`)."""
        widgets = _widgets_if_absent_means_unfiltered(cls)
        if widgets is None:
            return None
        return [name for name, widget in widgets if not widget.value_omitted_from_data(params, {}, name)]

    @classmethod
    def only(cls, names: tuple[str, ...]) -> type:
        """This filterset with only these filters: built and validated as the whole one would be for
        a request that names no other (building all of them, their form fields and the form was ~0.7 ms
        of a search's 5 ms in bench/, for one filter used)."""
        return _narrowed(cls, names)


@lru_cache(maxsize=512)  # filter combinations actually asked for; each is a small class
def _narrowed(filterset_class, names: tuple[str, ...]) -> type:
    narrowed = type(filterset_class.__name__, (filterset_class,), {"__module__": filterset_class.__module__})
    narrowed.base_filters = {name: filterset_class.base_filters[name] for name in names}
    return narrowed


# What a filterset may override that would make an absent parameter mean something (an __init__ may
# give the data defaults).
_FILTERING = ("__init__", "get_form_class", "form", "is_valid", "errors", "filter_queryset", "qs")


@cache
def _widgets_if_absent_means_unfiltered(filterset_class) -> list | None:
    """Each filter's (name, widget), when a request naming none of them is sure to be answered with the
    queryset as it is; None when it may not be. It is, when the filterset filters as WaferFilterSet does
    (its StrictFilterForm finds nothing to refuse in absent parameters), no field is required, and each
    filter lets an empty value through, as django-filter's own filters and every `method` filter do."""
    if any(getattr(filterset_class, name) is not getattr(WaferFilterSet, name) for name in _FILTERING):
        return None
    widgets = []
    for name, filter_ in filterset_class.base_filters.items():
        own_filter = filter_.method is None and not type(filter_).filter.__module__.startswith("django_filters.")
        if own_filter or filter_.extra.get("required"):
            return None
        widget = filter_.extra.get("widget") or filter_.field_class.widget
        widget = widget() if isinstance(widget, type) else widget
        if not _tells_absence(widget):
            return None
        widgets.append((name, widget))
    return widgets


def _tells_absence(widget) -> bool:
    """Whether the widget's value_omitted_from_data answers for what its value_from_datadict reads:
    Django's own widgets, and any that overrides the first wherever it overrides the second
    (django-filter's QueryArrayWidget also reads `name[]`, and does not)."""
    reads = _defined_in(type(widget), "value_from_datadict")
    tells = _defined_in(type(widget), "value_omitted_from_data")
    return reads.__module__ == "django.forms.widgets" or issubclass(tells, reads)


def _defined_in(cls: type, method: str) -> type:
    return next(klass for klass in cls.__mro__ if method in vars(klass))


class WaferFilterBackend(DjangoFilterBackend):
    """django-filter's backend, which builds only the filters a request names (WaferFilterSet.only), and
    no filterset for a list's plain pages, such as every page the benchmark's cold scenarios ask for."""

    def get_filterset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if isinstance(filterset_class, type) and issubclass(filterset_class, WaferFilterSet):
            named = filterset_class.filters_named(request.query_params)
            if named == []:
                return None  # the queryset as it is
            if named is not None:
                filterset_class = filterset_class.only(tuple(named))
        if filterset_class is None:
            return None
        return filterset_class(**self.get_filterset_kwargs(request, queryset, view))


class StrictOrderingFilter(OrderingFilter):
    """`?ordering=` naming a field the endpoint does not offer is a 400 that lists the choices;
    DRF's own filter silently falls back to the default order, hiding the client's mistake."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params is not None:
            wanted = [term.strip() for term in params.split(",")]
            valid = {name for name, _ in self.get_valid_fields(queryset, view, {"request": request})}
            bad = [term for term in wanted if term.lstrip("-") not in valid]
            if bad or not params.strip():
                choices = ", ".join(sorted(valid)) or "none"
                raise ValidationError(
                    {self.ordering_param: [f"Unknown ordering {bad or params!r}; choose from {choices}."]}
                )
        return super().get_ordering(request, queryset, view)


class MomentField(IsoDateTimeField):
    """An ISO 8601 moment that exists in UTC: `9999-12-31T23:00-05:00` is past the last moment Python can
    hold once converted to UTC (as SQLite's adapter does), which was a 500."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is not None:
            try:
                moment.astimezone(datetime.UTC)
            except OverflowError as exc:
                raise forms.ValidationError(
                    "Give a moment between the years 1 and 9999 in UTC.", code="invalid"
                ) from exc
        return moment


class MomentFilter(django_filters.IsoDateTimeFilter):
    field_class = MomentField


class UpdatedSinceFilter(MomentFilter):
    """`updated_since=<ISO 8601 date-time>`: rows changed at or after that moment, for clients that keep a
    copy (the change feed, api.changes, also reports deletions and access changes)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("field_name", "updated_at")
        kwargs.setdefault("lookup_expr", "gte")
        kwargs.setdefault("label", "Changed at or after this moment (ISO 8601, with a time zone)")
        super().__init__(*args, **kwargs)
