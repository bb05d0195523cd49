"""The base FilterSet: filter values that make no sense are a 400, never silently ignored."""

import django_filters
from django import forms
from django.db import models


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


class WaferFilterSet(django_filters.FilterSet):
    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }
