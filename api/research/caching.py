"""What invalidates cached task lists (api.core.response_cache).

A task row shows the task, its program and university, its team and sponsors (names), and its
deliverable summary; who sees it depends on the team, the sponsors, the people and their
organisations (api.research.access). A write to any of these bumps the `tasks` generation. The
summary also moves with time (overdue, due in 30 days): deadlines fall at midnight in the deadline
time zone, so the key's day is that zone's date (api.research.deadlines.today)."""

from api.accounts.models import Organisation, User
from api.core.response_cache.generations import watch
from api.research.models import Deliverable, Program, ResearchTask

RESOURCE = "tasks"

watch(
    RESOURCE,
    ResearchTask,
    ResearchTask.principal_investigators.through,
    ResearchTask.students.through,
    ResearchTask.liaisons.through,
    ResearchTask.sponsors.through,
    Deliverable,
    Program,
    Organisation,
    User,
)
