"""A grep of our Python source for query features SQL Server lacks (sqlserver.md, Rules)."""

import io
import re
import tokenize
from pathlib import Path

import api

FORBIDDEN = {
    "__regex/__iregex (needs a CLR function; impossible on Azure SQL)": r"__i?regex\b",
    "distinct() with fields (DISTINCT ON)": r"\.distinct\(\s*[^)\s]",
    "bulk_create(ignore_conflicts=True)": r"\bignore_conflicts\s*=\s*True",
    "bulk_create(update_conflicts=True)": r"\bupdate_conflicts\s*=\s*True",
    "ArrayField or another PostgreSQL-only feature": r"\bArrayField\b|django\.contrib\.postgres",
    ".extra() (raw SQL fragments)": r"\.extra\(",
    "select_for_update(of=...) (not supported)": r"\bselect_for_update\([^)]*\bof\s*=",
}


def our_source_files():
    """Every Python file under api/, migrations excluded (they record history, not queries)."""
    root = Path(api.__file__).resolve().parent
    return sorted(path for path in root.rglob("*.py") if "migrations" not in path.relative_to(root).parts)


def _without_comments(text):
    # A comment that warns against `__regex` is not a use of it; strings stay (filter(**{"x__regex": ...})).
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    lines = text.splitlines()
    for token in tokens:
        if token.type == tokenize.COMMENT:
            row, column = token.start
            lines[row - 1] = lines[row - 1][:column]
    return lines


def source_violations(name, text):
    return [
        f"{name}:{number}: {rule}: {line.strip()}"
        for number, line in enumerate(_without_comments(text), start=1)
        for rule, pattern in FORBIDDEN.items()
        if re.search(pattern, line)
    ]
