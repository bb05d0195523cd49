"""Our models follow the SQL Server rules of sqlserver.md; each rule is shown to catch a bad model."""

import pytest
from django.apps import apps
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.test.utils import isolate_apps

from . import model_lint
from .offline import our_models

RULES = [
    model_lint.text_field_violations,
    model_lint.json_field_violations,
    model_lint.char_key_violations,
    model_lint.postgres_violations,
    model_lint.ordering_violations,
]


def test_our_models_are_found():
    assert our_models(), "no models found in apps named api.*"


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.__name__)
def test_our_models_follow_the_rule(rule):
    assert rule(our_models(include_auto_created=True)) == []


def test_no_table_is_reached_by_two_cascade_paths():
    # The graph includes Django's own models: a path through contrib tables counts too.
    every_model = apps.get_models(include_auto_created=True)
    assert model_lint.cascade_violations(our_models(include_auto_created=True), every_model) == []


# Deliberately bad models, one per rule, in a throwaway registry (nothing is migrated or saved).
fixture_registry = isolate_apps("django.contrib.contenttypes")


def _model(name, fields, **meta):
    attrs = {"__module__": __name__, "Meta": type("Meta", (), {"app_label": "lintfixture", **meta}), **fields}
    return type(name, (models.Model,), attrs)


@fixture_registry
@pytest.mark.parametrize(
    ("fields", "meta"),
    [
        ({"body": models.TextField(unique=True)}, {}),
        ({"body": models.TextField(db_index=True)}, {}),
        ({"body": models.TextField()}, {"indexes": [models.Index(fields=["body"], name="body_idx")]}),
        ({"body": models.TextField()}, {"constraints": [models.UniqueConstraint("body", name="body_uniq")]}),
        ({"body": models.TextField()}, {"ordering": ["body", "id"]}),
    ],
    ids=["unique", "db_index", "index", "unique-constraint", "ordering"],
)
def test_text_field_rule_catches(fields, meta):
    assert model_lint.text_field_violations([_model("Note", fields, **meta)])


@fixture_registry
@pytest.mark.parametrize(
    "meta",
    [{"indexes": [models.Index(fields=["data"], name="data_idx")]}, {"ordering": ["data__rank", "id"]}],
    ids=["index", "ordering-on-key"],
)
def test_json_field_rule_catches(meta):
    assert model_lint.json_field_violations([_model("Blob", {"data": models.JSONField()}, **meta)])


@fixture_registry
@pytest.mark.parametrize(
    ("fields", "meta"),
    [
        ({"code": models.CharField(max_length=851, unique=True)}, {}),
        ({"code": models.CharField(max_length=900, db_index=True)}, {}),
        (
            {"a": models.CharField(max_length=500), "b": models.CharField(max_length=500)},
            {"indexes": [models.Index(fields=["a", "b"], name="ab_idx")]},
        ),
    ],
    ids=["unique-too-long", "index-too-long", "composite-over-1700-bytes"],
)
def test_char_key_rule_catches(fields, meta):
    assert model_lint.char_key_violations([_model("Code", fields, **meta)])


@fixture_registry
def test_postgres_rule_catches():
    tags = _model("Tagged", {"tags": ArrayField(models.CharField(max_length=20), default=list)})
    assert model_lint.postgres_violations([tags])


@fixture_registry
@pytest.mark.parametrize(
    "ordering", [["name"], ["id", "name"], ["-created"]], ids=["no-pk", "pk-not-last", "descending-no-pk"]
)
def test_ordering_rule_catches(ordering):
    fields = {"name": models.CharField(max_length=20), "created": models.DateTimeField()}
    assert model_lint.ordering_violations([_model("Row", fields, ordering=ordering)])


@fixture_registry
def test_cascade_rule_catches_two_paths():
    # Project -> Task -> Comment and Project -> Comment: deleting a Project reaches Comment twice.
    project = _model("Project", {})
    task = _model("Task", {"project": models.ForeignKey(project, on_delete=models.CASCADE)})
    comment = _model(
        "Comment",
        {
            "task": models.ForeignKey(task, on_delete=models.CASCADE),
            "project": models.ForeignKey(project, on_delete=models.CASCADE),
        },
    )
    found = model_lint.cascade_violations([project, task, comment])
    assert any("Comment by 2 paths" in violation for violation in found), found


@fixture_registry
def test_cascade_rule_catches_a_cycle():
    node = _model("Node", {"parent": models.ForeignKey("self", null=True, on_delete=models.CASCADE)})
    assert any("cycle" in violation for violation in model_lint.cascade_violations([node]))


@fixture_registry
def test_cascade_rule_allows_protect_and_set_null():
    project = _model("Project", {})
    task = _model(
        "Task",
        {
            "project": models.ForeignKey(project, on_delete=models.CASCADE),
            "backup": models.ForeignKey(project, null=True, on_delete=models.SET_NULL, related_name="+"),
            "owner": models.ForeignKey(project, on_delete=models.PROTECT, related_name="+"),
        },
    )
    assert model_lint.cascade_violations([project, task]) == []
