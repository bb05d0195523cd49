"""Shared helpers for compiling T-SQL with no SQL Server: which code is ours, and a syntax smoke test."""

import sqlglot
from django.apps import apps
from sqlglot import exp

ALIAS = "mssql"  # the never-connected alias of api/config/settings_test.py
OUR_APP_PREFIX = "api."


class OfflineConnectionAttempt(Exception):
    """Raised instead of opening a connection: compiling must never reach the network."""


def our_app_configs():
    """Every domain app of Wafer, including ones added later under api/<domain>/."""
    return [config for config in apps.get_app_configs() if config.name.startswith(OUR_APP_PREFIX)]


def our_models(include_auto_created=False):
    return [
        model for config in our_app_configs() for model in config.get_models(include_auto_created=include_auto_created)
    ]


def placeholders_for_sqlglot(sql):
    # Django hands the driver %s placeholders; T-SQL (and sqlglot's tsql dialect) uses ?.
    return sql.replace("%s", "?")


def parse_tsql(sql):
    """Parse with sqlglot's T-SQL dialect; a ParseError fails the caller's test.

    Returns (checked, unchecked) statement counts: sqlglot turns procedural T-SQL it does not
    model (DECLARE/WHILE, EXEC ...) into an opaque Command, which proves nothing either way.
    sqlglot is a smoke test only: it accepts some invalid T-SQL (sqlserver.md).
    """
    checked = unchecked = 0
    for statement in sqlglot.parse(placeholders_for_sqlglot(sql), read="tsql"):
        if statement is None:
            continue
        if isinstance(statement, exp.Command):
            unchecked += 1
        else:
            checked += 1
    return checked, unchecked


def offline_schema_editor(connection):
    """A collect-only schema editor that refuses to work from a catalogue query it cannot run.

    In collect mode mssql-django appends its `SELECT ... FROM sys.default_constraints` instead of
    running it and goes on as if it had no answer, producing a wrong script (AddField with a
    default drops a constraint named after the column). Treat such reads as needing a server.
    """
    editor = connection.schema_editor(collect_sql=True, atomic=False)
    collect = editor.execute

    def execute(sql, params=(), has_result=False):
        if has_result:
            raise OfflineConnectionAttempt(f"reads the live catalogue and uses the answer: {str(sql)[:80]}...")
        return collect(sql, params)

    editor.execute = execute
    return editor
