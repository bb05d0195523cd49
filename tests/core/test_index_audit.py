"""Every column a list endpoint filters or orders on leads an index (issue 10): found by walking the
URL patterns (tests/sqlserver/endpoints.py), so a new endpoint or filter is audited without editing
this file. The migrations that create these indexes compile for SQL Server in tests/sqlserver.

A column "has an index" when it is the first column of one: the primary key, a unique field or
constraint, a foreign key (Django indexes those), `db_index=True`, or a `Meta.indexes` entry. Rows
every list reads within one scope (one event's registrations, one endpoint's deliveries) are served
by an index that starts with the scope and then the column; where a scope holds only a handful of rows
(a person's own tokens), the scope's own index is enough. The few exceptions are listed below with
the reason an index would not help."""

import django_filters
import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from tests.sqlserver.endpoints import queryset_views

# model label: (the column every list of it is filtered on, whether a scope holds only a handful of rows)
SCOPED = {
    "events.Registration": ("event", False),  # the route's event; an event has up to a few hundred
    "webhooks.Delivery": ("endpoint", False),  # the route's endpoint; thousands over time
    "core.ApiToken": ("user", True),  # a caller lists their own tokens
    "webhooks.Endpoint": ("company", True),  # a company's own endpoints (staff see all: tens)
    "careers.ResumeBook": ("company", True),  # a company's own books (staff see all: hundreds)
}
SMALL = "a consortium has tens of these rows: a scan is the fastest plan"
FLAG = "a flag nearly every row shares: no plan would use an index on it"
# (model label, column): why it has no index of its own.
NO_INDEX_NEEDED = {
    ("accounts.Organisation", "active"): SMALL,
    ("accounts.Organisation", "membership_tier"): SMALL,
    ("accounts.Organisation", "created_at"): SMALL,
    ("accounts.Organisation", "short_name"): SMALL,
    ("research.Program", "active"): SMALL,
    ("accounts.User", "is_active"): FLAG,
}


def _field(model, path: str):
    """The model field a filter or ordering path ends on, or None when it is not a plain column."""
    *hops, last = path.split("__")
    for hop in hops:
        try:
            model = model._meta.get_field(hop).related_model
        except FieldDoesNotExist:
            return None
        if model is None:
            return None
    try:
        field = model._meta.get_field(last)
    except FieldDoesNotExist:
        return None
    return field if field.concrete and not field.many_to_many else None


def _index_columns(meta) -> list[list[str]]:
    found = [[name.lstrip("-") for name in index.fields] for index in meta.indexes if index.fields]
    found += [list(c.fields) for c in meta.constraints if isinstance(c, models.UniqueConstraint) and c.fields]
    return found


def _leads_an_index(field) -> bool:
    if field.primary_key or field.unique or field.db_index or isinstance(field, models.ForeignKey):
        return True
    columns = _index_columns(field.model._meta)
    scope, few = SCOPED.get(field.model._meta.label, (None, False))
    if scope is not None and (few or [scope, field.name] in [c[:2] for c in columns]):
        return True
    return field.name in [c[0] for c in columns]


def _columns(view):
    """(how, field) for each ordering field, default order and plain filter of a list view."""
    cls = view.cls
    model = cls.queryset.model if getattr(cls, "queryset", None) is not None else None
    filterset = getattr(cls, "filterset_class", None)
    model = model or (filterset._meta.model if filterset else None)
    if model is None:
        return
    for name in getattr(cls, "ordering_fields", None) or []:
        yield f"ordering={name}", _field(model, name)
    if model._meta.ordering:
        yield "default order", _field(model, str(model._meta.ordering[0]).lstrip("-"))
    for name, filter_ in filterset.base_filters.items() if filterset else []:
        if filter_.method is not None or isinstance(filter_, django_filters.OrderingFilter):
            continue  # method filters go through subqueries on keys (indexed) or search text
        yield f"filter {name}", _field(model, filter_.field_name)


def _findings():
    missing = []
    for route, view in queryset_views().items():
        for how, field in _columns(view):
            if field is None:
                continue
            label = (field.model._meta.label, field.name)
            if label not in NO_INDEX_NEEDED and not _leads_an_index(field):
                missing.append(f"{route} {how}: {label[0]}.{label[1]}")
    return sorted(set(missing))


@pytest.mark.django_db
def test_every_filter_and_ordering_column_leads_an_index():
    assert _findings() == []


def test_the_audit_sees_the_endpoints_it_should():
    routes = queryset_views()
    assert any(route.startswith("api/v1/publications") for route in routes)
    assert any(route.startswith("api/v1/tasks") for route in routes)
