"""Our source uses no query feature SQL Server lacks; each pattern is shown to catch a bad line."""

import re

import pytest

from .source_lint import FORBIDDEN, our_source_files, source_violations


def test_our_source_is_found():
    assert any(path.name == "models.py" for path in our_source_files())


def test_our_source_avoids_sql_server_gaps():
    found = [hit for path in our_source_files() for hit in source_violations(str(path), path.read_text())]
    assert found == []


BAD_LINES = {
    "__regex": 'Thing.objects.filter(name__regex=r"^a")',
    "__iregex": 'Thing.objects.filter(**{"name__iregex": pattern})',
    "distinct-on": 'Thing.objects.order_by("kind").distinct("kind")',
    "ignore-conflicts": "Thing.objects.bulk_create(rows, ignore_conflicts=True)",
    "update-conflicts": 'Thing.objects.bulk_create(rows, update_conflicts=True, unique_fields=["code"])',
    "array-field": "tags = ArrayField(models.CharField(max_length=20))",
    "postgres-import": "from django.contrib.postgres.search import SearchVector",
    "extra": 'Thing.objects.extra(where=["1=1"])',
    "select-for-update-of": 'Thing.objects.select_for_update(of=("self",))',
}


def test_every_rule_has_a_bad_example():
    matched = {rule for line in BAD_LINES.values() for rule, pattern in FORBIDDEN.items() if re.search(pattern, line)}
    assert matched == set(FORBIDDEN)


@pytest.mark.parametrize("line", BAD_LINES.values(), ids=BAD_LINES.keys())
def test_source_rule_catches(line):
    assert source_violations("bad.py", line + "\n")


@pytest.mark.parametrize(
    "line",
    [
        "Thing.objects.distinct()",
        "Thing.objects.distinct( )",
        "# never filter with __regex here: SQL Server has no regex",
        "Thing.objects.select_for_update().get(pk=1)",
        "Thing.objects.bulk_create(rows, batch_size=500)",
    ],
)
def test_source_rule_allows(line):
    assert source_violations("good.py", line + "\n") == []
