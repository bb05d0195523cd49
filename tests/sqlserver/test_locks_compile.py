"""The row locks our services take compile to SQL Server's lock hints, on the locked table only.

select_for_update asks the connection whether it is in autocommit, so offline it is told "no"
(as inside the service's transaction). The services lock single rows by primary key with no
joins: SQL Server puts the hint on the first table only (sqlserver.md, Locks).
"""

import pytest

from api.accounts.models import Organisation, User
from api.careers.models import ResumeBook, StudentProfile
from api.events.models import Event
from api.feedback.models import Feedback
from api.publications.models import Publication
from api.research.models import Deliverable, Program, ResearchTask

from .offline import ALIAS, parse_tsql

# Every model a service locks with select_for_update().get(pk=...): keep in step with the services.
LOCKED_MODELS = [
    Organisation, User, Program, ResearchTask, Deliverable, Feedback, Publication, Event, StudentProfile, ResumeBook,
]  # fmt: skip


@pytest.mark.parametrize("model", LOCKED_MODELS, ids=lambda model: model._meta.label)
def test_row_locks_compile_to_rowlock_updlock(sqlserver, monkeypatch, model):
    monkeypatch.setattr(sqlserver, "get_autocommit", lambda: False)
    queryset = model.objects.select_for_update().filter(pk=1)
    sql, params = queryset.query.get_compiler(using=ALIAS).as_sql()
    parse_tsql(sql.replace(" WITH (ROWLOCK, UPDLOCK)", ""))  # sqlglot does not model table hints
    table = f"[{model._meta.db_table}] WITH (ROWLOCK, UPDLOCK)"
    assert table in sql
    assert " JOIN " not in sql  # a join would go unlocked
    assert params == (1,)


def test_the_list_covers_every_service_that_locks():
    import inspect
    import re

    from api.accounts import services as accounts
    from api.careers import resume_books
    from api.careers import services as careers
    from api.events import services as events
    from api.feedback import services as feedback
    from api.publications import services as publications
    from api.research import services as research

    locked = set()
    for module in (accounts, research, feedback, publications, events, careers, resume_books):
        locked |= set(re.findall(r"(\w+)\.objects\.select_for_update\(\)", inspect.getsource(module)))
        locked |= {"Deliverable"} if "def _locked" in inspect.getsource(module) else set()
    assert locked <= {model.__name__ for model in LOCKED_MODELS}
