"""Research tasks and deliverables in the change feed (api.changes.registry), with the rules of
api.research.access restated over stored audiences: `summary` for tasks, `full` for deliverables."""

from api.changes.registry import Caller, Resource, register
from api.research.models import Deliverable, ResearchTask

TEAM = ("principal_investigators", "students", "liaisons")


def task_audience(task: ResearchTask) -> dict:
    team = set()
    for relation in TEAM:
        team.update(
            getattr(ResearchTask, relation).through.objects.filter(researchtask=task).values_list("user_id", flat=True)
        )
    sponsors = ResearchTask.sponsors.through.objects.filter(researchtask=task).values_list("organisation_id", flat=True)
    return {"confidential": task.confidential, "sponsors": sorted(sponsors), "team": sorted(team)}


def task_allows(audience: dict, caller: Caller) -> bool:
    if caller.staff or not audience["confidential"]:
        return True
    if not caller.standing:
        return False
    return caller.user in audience["team"] or caller.company in audience["sponsors"]


def deliverable_allows(audience: dict, caller: Caller) -> bool:
    if caller.staff:
        return True
    if not caller.standing:
        return False
    if caller.user in audience["team"]:
        return True
    return caller.company is not None and (not audience["confidential"] or caller.company in audience["sponsors"])


def _task_dependents(task: ResearchTask, verb: str):
    # Who sees a task's deliverables and linked publications follows the task's sponsors and team.
    from api.publications.models import Publication

    if verb == "delete":
        return  # a task with deliverables cannot be deleted; its publication links go with it below
    for deliverable in Deliverable.objects.filter(task=task).select_related("task"):
        yield DELIVERABLES, deliverable, "access"
    publications = registry_publications()
    if publications is not None:
        for publication in Publication.objects.filter(tasks=task):
            yield publications, publication, "access"


def registry_publications():
    from api.changes.registry import RESOURCES

    return RESOURCES.get("publication")


def _task_event(verb, before, after) -> str | None:
    return {"create": "task.created", "delete": "task.deleted"}.get(verb, "task.updated")


def _deliverable_event(verb, before, after) -> str | None:
    named = {"create": "deliverable.created", "delete": "deliverable.deleted", "submit_report": "deliverable.submitted",
             "accept": "deliverable.accepted"}  # fmt: skip
    return named.get(verb, "deliverable.updated")


TASKS = register(
    Resource(
        name="task",
        model=ResearchTask,
        audience=task_audience,
        allows=task_allows,
        dependents=_task_dependents,
        event_type=_task_event,
    )
)
DELIVERABLES = register(
    Resource(
        name="deliverable",
        model=Deliverable,
        audience=lambda deliverable: task_audience(deliverable.task),
        allows=deliverable_allows,
        event_type=_deliverable_event,
    )
)
