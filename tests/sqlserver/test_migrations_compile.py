"""Every migration of our apps, and the final schema, compiles to T-SQL that sqlglot can parse.

Operations that need live introspection on SQL Server (AlterField on an indexed or constrained
column, AddField with a default, ...) try to connect or read the catalogue; they are skipped here with their reason and
left to a real server, while test_final_schema_compiles still covers the schema they produce.
"""

from functools import cache

import pytest
from django.apps import apps
from django.db import models
from django.db.migrations import operations
from django.db.migrations.loader import MigrationLoader

from .offline import OfflineConnectionAttempt, offline_schema_editor, our_app_configs, our_models, parse_tsql


@cache
def _loader():
    # No connection: MigrationLoader(connection) would query django_migrations through the recorder.
    return MigrationLoader(None, ignore_no_migrations=True)


def _our_operations():
    labels = {config.label for config in our_app_configs()}
    graph = _loader().graph
    for key in sorted(key for key in graph.nodes if key[0] in labels):
        for index, operation in enumerate(graph.nodes[key].operations):
            yield pytest.param(key, index, id=f"{key[0]}.{key[1]}#{index}-{type(operation).__name__}")


OUR_OPERATIONS = list(_our_operations())

# Operations that always write DDL: an empty result for these means compilation silently failed.
MUST_EMIT = {
    operations.CreateModel: "CREATE TABLE",
    operations.AddIndex: "INDEX",
    operations.AddConstraint: "",  # a CHECK/UNIQUE constraint or a filtered unique index
    operations.DeleteModel: "DROP TABLE",
}


def _state_before(key, index):
    """The project state just before operation `index` of migration `key`."""
    loader = _loader()
    state = loader.project_state(key, at_end=False)
    for operation in loader.graph.nodes[key].operations[:index]:
        operation.state_forwards(key[0], state)
    return state


def _compile_operation(connection, key, index):
    operation = _loader().graph.nodes[key].operations[index]
    from_state = _state_before(key, index)
    to_state = from_state.clone()
    operation.state_forwards(key[0], to_state)
    if not operation.reduces_to_sql:
        pytest.skip(f"{operation.describe()}: runs Python, not SQL; exercise it on a real SQL Server")
    try:
        with offline_schema_editor(connection) as editor:
            operation.database_forwards(key[0], editor, from_state, to_state)
    except OfflineConnectionAttempt:
        pytest.skip(
            f"{operation.describe()}: mssql-django introspects the live database for this operation; "
            "test_final_schema_compiles covers the resulting schema, a real SQL Server covers the operation"
        )
    return operation, editor.collected_sql


def test_discovers_our_migrations():
    assert OUR_OPERATIONS, "no migration operations found for apps named api.*"


@pytest.mark.parametrize(("key", "index"), OUR_OPERATIONS)
def test_migration_operation_compiles(sqlserver, key, index):
    operation, statements = _compile_operation(sqlserver, key, index)
    for kind, keyword in MUST_EMIT.items():
        if isinstance(operation, kind):
            assert statements, f"{operation.describe()} compiled to no SQL"
            assert keyword in "\n".join(statements)
    for statement in statements:
        parse_tsql(statement)


def _all_tables_models():
    """Every table the database holds: our apps and the Django contrib apps they use."""
    return [model for model in apps.get_models() if model._meta.managed and not model._meta.proxy]


def test_final_schema_compiles(sqlserver):
    with offline_schema_editor(sqlserver) as editor:
        for model in _all_tables_models():
            editor.create_model(model)  # also creates auto-created many-to-many tables
    sql = "\n".join(editor.collected_sql)
    assert sql.strip()
    for model in our_models(include_auto_created=True):
        assert f"CREATE TABLE [{model._meta.db_table}]" in sql
    checked = 0
    for statement in editor.collected_sql:
        checked += parse_tsql(statement)[0]
    assert checked, "sqlglot checked none of the schema statements"


def _thing_state():
    from django.db.migrations.state import ModelState, ProjectState

    fields = [("id", models.BigAutoField(primary_key=True)), ("code", models.CharField(max_length=20, db_index=True))]
    state = ProjectState()
    state.add_model(ModelState("lintfixture", "Thing", fields))
    return state


@pytest.mark.parametrize(
    "operation",
    [
        # mssql-django must drop and recreate the index: it looks the index up in the live database.
        operations.AlterField("thing", "code", models.CharField(max_length=40, db_index=True)),
        # It must find the auto-named DEFAULT constraint to drop it (collect mode writes a wrong name).
        operations.AddField("thing", "stock", models.IntegerField(default=0)),
    ],
    ids=["alter-indexed-column", "add-field-with-default"],
)
def test_offline_compile_detects_operations_that_need_a_server(sqlserver, operation):
    """These must be reported as needing a server, never passed off as a compiled script."""
    from_state = _thing_state()
    to_state = from_state.clone()
    operation.state_forwards("lintfixture", to_state)
    with pytest.raises(OfflineConnectionAttempt):  # noqa: SIM117 (the editor must open inside raises)
        with offline_schema_editor(sqlserver) as editor:
            operation.database_forwards("lintfixture", editor, from_state, to_state)
