"""Lint rules from sqlserver.md for model definitions; each returns a list of human-readable violations.

The rules catch DDL that mssql-django emits without complaint but SQL Server rejects at migrate
time (nvarchar(max) keys, keys over 1700 bytes), and designs that break there later.
"""

from collections import defaultdict

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import F, UniqueConstraint
from django.db.models.constants import LOOKUP_SEP

MAX_KEY_CHARS = 850  # nvarchar is 2 bytes a character; an index key holds at most 1700 bytes
MAX_KEY_BYTES = 1700
TIE_BREAKERS = {"id", "-id", "pk", "-pk"}


def _field(model, path):
    """The field a name or lookup path ("-name", "organisation__name", "changes__key") ends on."""
    path = path.lstrip("-?")
    field = None
    for part in path.split(LOOKUP_SEP):
        if field is not None and not field.is_relation:
            return field  # the rest are transforms or JSON keys on this field
        if field is not None:
            model = field.related_model
        try:
            field = model._meta.pk if part == "pk" else model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
    return field


def _names(item):
    """Field names an ordering item, index field or index expression refers to."""
    if isinstance(item, str):
        return [item]
    if isinstance(item, F):
        return [item.name]
    if hasattr(item, "flatten"):
        return [node.name for node in item.flatten() if isinstance(node, F)]
    return []


def _resolve(model, items):
    return [field for item in items for name in _names(item) if (field := _field(model, name)) is not None]


def _keys(model):
    """(where, [fields]) for every index key and unique key of the model."""
    opts = model._meta
    for field in opts.local_fields:
        if field.unique and not field.primary_key:
            yield f"{field.name} unique=True", [field]
        elif field.db_index and not field.is_relation:
            yield f"{field.name} db_index=True", [field]
    for index in opts.indexes:
        yield f"Index {index.name}", _resolve(model, [*index.fields, *index.expressions])
    for constraint in opts.constraints:
        if isinstance(constraint, UniqueConstraint):
            yield f"UniqueConstraint {constraint.name}", _resolve(model, [*constraint.fields, *constraint.expressions])
    for together in opts.unique_together:
        yield f"unique_together {together}", _resolve(model, together)


def _keys_and_ordering(model):
    yield from _keys(model)
    if model._meta.ordering:
        yield "Meta.ordering", _resolve(model, model._meta.ordering)


def _max_fields_in_keys(model_list, field_class):
    return [
        f"{model._meta.label}: {field_class.__name__} {field.name} in {where}"
        for model in model_list
        for where, fields in _keys_and_ordering(model)
        for field in fields
        if isinstance(field, field_class)
    ]


def text_field_violations(model_list):
    """TextField is nvarchar(max): never a key (error 1919) and never sorted on."""
    return _max_fields_in_keys(model_list, models.TextField)


def json_field_violations(model_list):
    """JSONField is nvarchar(max) too; index a generated column instead (research notes 1.3)."""
    return _max_fields_in_keys(model_list, models.JSONField)


def char_key_violations(model_list):
    """A unique or indexed CharField has max_length <= 850, and a whole key stays within 1700 bytes."""
    found = []
    for model in model_list:
        for where, fields in _keys(model):
            chars = [field for field in fields if isinstance(field, models.CharField)]
            for field in chars:
                if field.max_length is None or field.max_length > MAX_KEY_CHARS:
                    found.append(
                        f"{model._meta.label}: CharField {field.name} (max_length {field.max_length}) in {where}"
                    )
            key_bytes = sum(2 * (field.max_length or MAX_KEY_CHARS + 1) for field in chars)
            if len(chars) > 1 and key_bytes > MAX_KEY_BYTES:
                found.append(f"{model._meta.label}: {where} is {key_bytes} bytes of nvarchar, over {MAX_KEY_BYTES}")
    return found


def postgres_violations(model_list):
    """No PostgreSQL-only fields (ArrayField, HStoreField, ranges), indexes or constraints."""
    found = []
    for model in model_list:
        opts = model._meta
        for thing in [*opts.local_fields, *opts.local_many_to_many, *opts.indexes, *opts.constraints]:
            if type(thing).__module__.startswith("django.contrib.postgres"):
                found.append(f"{opts.label}: {type(thing).__name__} {getattr(thing, 'name', '')}")
    return found


def ordering_violations(model_list):
    """Meta.ordering ends with the primary key, so pages of equal sort keys never overlap."""
    found = []
    for model in model_list:
        ordering = model._meta.ordering
        if not ordering:
            continue
        last = ordering[-1]
        allowed = TIE_BREAKERS | {model._meta.pk.name, f"-{model._meta.pk.name}"}
        if not (isinstance(last, str) and last in allowed):
            found.append(f"{model._meta.label}: Meta.ordering {list(ordering)} does not end with the pk")
    return found


def _cascade_children(graph_models):
    """{model: [(child model, "child.field")]}: deleting model cascades to child through field."""
    children = defaultdict(list)
    for model in graph_models:
        for field in model._meta.local_fields:
            remote = field.remote_field
            if remote is not None and getattr(remote, "on_delete", None) is models.CASCADE:
                parent = field.related_model._meta.concrete_model
                children[parent].append((model, f"{model._meta.label}.{field.name}"))
    return children


def _cascade_paths(children, model, trail, found):
    """Collect every cascade path from trail's start; a path back into the trail is a cycle."""
    for child, via in children.get(model, ()):
        path = [*trail[1], via]
        if child in trail[0]:
            found["cycles"].append(" -> ".join(path))
            continue
        found["paths"][child].append(" -> ".join(path))
        _cascade_paths(children, child, ([*trail[0], child], path), found)


def cascade_violations(model_list, graph_models=None):
    """No table is reached from another by two cascade paths, and no cascade cycles (error 1785).

    Django 5.2 cascades in Python, but a graph SQL Server would reject is also one that is
    hard to reason about; keep delete graphs simple (sqlserver.md, Cascades).
    """
    graph_models = list(graph_models or model_list)
    children = _cascade_children(graph_models)
    checked = {model._meta.concrete_model for model in model_list}
    found = []
    for source in graph_models:
        result = {"cycles": [], "paths": defaultdict(list)}
        _cascade_paths(children, source, ([source], []), result)
        found += [f"cascade cycle from {source._meta.label}: {cycle}" for cycle in result["cycles"]]
        for target, paths in result["paths"].items():
            if len(paths) > 1 and target in checked:
                found.append(f"{source._meta.label} cascades to {target._meta.label} by {len(paths)} paths: {paths}")
    return sorted(set(found))
