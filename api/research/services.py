"""Writes of programs, tasks and deliverables, and the deliverable life cycle.

    planned ──report──▶ submitted ──accept──▶ accepted
       │  ▲                │  ▲
       │  └──extend        │  └──report (a new version)
       │                   └──request_revision──▶ revision_requested ──report──▶ submitted
       └──skip──▶ skipped            (extend and skip also apply to revision_requested)

Illegal transitions raise Conflict (409) saying why.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from api.accounts.models import Organisation, User
from api.core.audit.services import audit_record, audited_update, diff, snapshot
from api.core.errors import Conflict
from api.core.files import uncommitted
from api.core.files.uploads import CheckedUpload
from api.research.models import Deliverable, DeliverableExtension, Program, ProgressReport, ResearchTask

PROGRAM_FIELDS = ("name", "code", "description", "active")
TASK_FIELDS = ("number", "title", "abstract", "program", "university", "start", "end", "status", "confidential")
TASK_PEOPLE = {  # relation: (required role or organisation kind, what to call it)
    "principal_investigators": User.Role.FACULTY,
    "students": User.Role.STUDENT,
    "liaisons": User.Role.MEMBER,
}
DELIVERABLE_FIELDS = ("title", "kind", "due_on", "status")


# --- Programs -----------------------------------------------------------------------------------


@transaction.atomic
def program_create(**fields) -> Program:
    program = Program(**{key: value for key, value in fields.items() if key in PROGRAM_FIELDS})
    program.full_clean()
    program.save()
    audit_record(action="create", target=program, changes=snapshot(program, PROGRAM_FIELDS))
    return program


@transaction.atomic
def program_update(*, program: Program, **fields) -> Program:
    program = Program.objects.select_for_update().get(pk=program.pk)
    return audited_update(program, fields, editable=PROGRAM_FIELDS)


@transaction.atomic
def program_delete(*, program: Program) -> None:
    audit_record(action="delete", target=program, changes=snapshot(program, PROGRAM_FIELDS))
    program.delete()  # ProtectedError (409) while tasks belong to it


# --- Tasks --------------------------------------------------------------------------------------


def _check_people(relations: dict) -> None:
    errors = {}
    for relation, role in TASK_PEOPLE.items():
        wrong = [person for person in relations.get(relation) or [] if person.role != role]
        if wrong:
            errors[relation] = [f"Not a {role.label.lower()}: {', '.join(str(p.pk) for p in wrong)}."]
    sponsors = relations.get("sponsors") or []
    wrong = [organisation for organisation in sponsors if organisation.kind != Organisation.Kind.MEMBER]
    if wrong:
        errors["sponsors"] = [f"Not a member company: {', '.join(str(o.pk) for o in wrong)}."]
    if errors:
        raise ValidationError(errors)


def _check_task(task: ResearchTask) -> None:
    task.full_clean()
    if task.university.kind != Organisation.Kind.UNIVERSITY:
        raise ValidationError({"university": ["Choose a university."]})


def _relations(task: ResearchTask) -> dict:
    return {
        "principal_investigators": sorted(task.principal_investigators.values_list("pk", flat=True)),
        "students": sorted(task.students.values_list("pk", flat=True)),
        "liaisons": sorted(task.liaisons.values_list("pk", flat=True)),
        "sponsors": sorted(task.sponsors.values_list("pk", flat=True)),
    }


@transaction.atomic
def task_create(**fields) -> ResearchTask:
    relations = {key: fields.pop(key) for key in (*TASK_PEOPLE, "sponsors") if key in fields}
    task = ResearchTask(**{key: value for key, value in fields.items() if key in TASK_FIELDS})
    _check_task(task)
    _check_people(relations)
    task.save()
    for relation, values in relations.items():
        getattr(task, relation).set(values)
    audit_record(action="create", target=task, changes={**snapshot(task, TASK_FIELDS), **_relations(task)})
    return task


@transaction.atomic
def task_update(*, task: ResearchTask, **fields) -> ResearchTask:
    task = ResearchTask.objects.select_for_update().get(pk=task.pk)
    relations = {key: fields.pop(key) for key in (*TASK_PEOPLE, "sponsors") if key in fields}
    before = {**snapshot(task, TASK_FIELDS), **_relations(task)}
    for key, value in fields.items():
        if key in TASK_FIELDS:
            setattr(task, key, value)
    _check_task(task)
    _check_people(relations)
    task.save()
    for relation, values in relations.items():
        getattr(task, relation).set(values)
    changes = diff(before, {**snapshot(task, TASK_FIELDS), **_relations(task)})
    if changes:
        audit_record(action="update", target=task, changes=changes)
    return task


@transaction.atomic
def task_delete(*, task: ResearchTask) -> None:
    """Only a task without deliverables can go (409 otherwise); others are cancelled instead."""
    audit_record(action="delete", target=task, changes=snapshot(task, TASK_FIELDS))
    for relation in (*TASK_PEOPLE, "sponsors"):
        getattr(task, relation).clear()
    task.delete()


# --- Deliverables -------------------------------------------------------------------------------


def _locked(deliverable: Deliverable) -> Deliverable:
    # No joins in a locking query: SQL Server puts the lock hint on the first table only.
    return Deliverable.objects.select_for_update().get(pk=deliverable.pk)


def _require_reason(reason: str | None, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: ["Give a reason."]})
    return reason


@transaction.atomic
def deliverable_create(*, task: ResearchTask, title: str, kind: str, due_on) -> Deliverable:
    deliverable = Deliverable(task=task, title=title, kind=kind, original_due_on=due_on)
    deliverable.set_due_on(due_on)
    deliverable.full_clean()
    deliverable.save()
    audit_record(action="create", target=deliverable, changes=snapshot(deliverable, ("task", *DELIVERABLE_FIELDS)))
    return deliverable


@transaction.atomic
def deliverable_update(*, deliverable: Deliverable, **fields) -> Deliverable:
    """Title and kind. The due date changes only through an extension, the status only by actions."""
    return audited_update(_locked(deliverable), fields, editable=("title", "kind"))


@transaction.atomic
def deliverable_delete(*, deliverable: Deliverable) -> None:
    if deliverable.status != Deliverable.Status.PLANNED or deliverable.reports.exists():
        raise Conflict("Only a planned deliverable without reports can be deleted; skip it instead.")
    audit_record(action="delete", target=deliverable, changes=snapshot(deliverable, DELIVERABLE_FIELDS))
    deliverable.extensions.all().delete()
    deliverable.reminders.all().delete()
    deliverable.delete()


@transaction.atomic
def report_submit(*, deliverable: Deliverable, upload: CheckedUpload, summary: str, submitted_by) -> ProgressReport:
    """A new report version; the first one fixes submitted_at and whether it came late."""
    deliverable = _locked(deliverable)
    if deliverable.status in {Deliverable.Status.ACCEPTED, Deliverable.Status.SKIPPED}:
        raise Conflict(f"The deliverable is {deliverable.get_status_display().lower()}; no more reports are taken.")
    now = timezone.now()
    version = (deliverable.reports.aggregate(last=Max("version"))["last"] or 0) + 1
    stored_name = uncommitted.save_upload("reports", upload)
    try:
        report = ProgressReport(
            deliverable=deliverable,
            version=version,
            file=stored_name,
            original_name=upload.original_name,
            content_type=upload.kind.content_type,
            size=upload.size,
            sha256=upload.sha256,
            summary=summary or "",
            submitted_by=submitted_by,
            submitted_at=now,
        )
        report.full_clean()
        report.save()
        before_status = deliverable.status
        if deliverable.submitted_at is None:
            deliverable.submitted_at = now
            deliverable.submitted_late = now >= deliverable.deadline_at
        deliverable.status = Deliverable.Status.SUBMITTED
        deliverable.save(update_fields=["status", "submitted_at", "submitted_late", "updated_at"])
        audit_record(
            action="submit_report",
            target=deliverable,
            changes={"status": [before_status, deliverable.status], "report_version": version, "sha256": upload.sha256},
        )
    except Exception:
        uncommitted.remove(stored_name)  # nothing half-written: no orphaned file either
        raise
    return report


def _transition(deliverable, *, allowed, action: str, to: str, reason: str = "", **extra) -> Deliverable:
    deliverable = _locked(deliverable)
    if deliverable.status not in allowed:
        names = " or ".join(Deliverable.Status(status).label.lower() for status in allowed)
        raise Conflict(
            f"Cannot {action.replace('_', ' ')}: the deliverable is {deliverable.get_status_display().lower()}, "
            f"not {names}.",
            code="invalid_state",
        )
    before = deliverable.status
    deliverable.status = to
    deliverable.status_reason = reason
    for key, value in extra.items():
        setattr(deliverable, key, value)
    deliverable.save()
    audit_record(action=action, target=deliverable, changes={"status": [before, to], "reason": reason})
    return deliverable


@transaction.atomic
def deliverable_accept(*, deliverable: Deliverable) -> Deliverable:
    return _transition(
        deliverable,
        allowed=(Deliverable.Status.SUBMITTED,),
        action="accept",
        to=Deliverable.Status.ACCEPTED,
        accepted_at=timezone.now(),
    )


@transaction.atomic
def deliverable_request_revision(*, deliverable: Deliverable, reason: str) -> Deliverable:
    return _transition(
        deliverable,
        allowed=(Deliverable.Status.SUBMITTED,),
        action="request_revision",
        to=Deliverable.Status.REVISION_REQUESTED,
        reason=_require_reason(reason),
    )


@transaction.atomic
def deliverable_skip(*, deliverable: Deliverable, reason: str) -> Deliverable:
    return _transition(
        deliverable,
        allowed=Deliverable.OPEN,
        action="skip",
        to=Deliverable.Status.SKIPPED,
        reason=_require_reason(reason),
    )


@transaction.atomic
def deliverable_extend(*, deliverable: Deliverable, due_on, reason: str, extended_by=None) -> Deliverable:
    """A new due date, with a reason; the original due date and every extension are kept."""
    reason = _require_reason(reason)
    deliverable = _locked(deliverable)
    if deliverable.status not in Deliverable.OPEN:
        raise Conflict(
            f"Cannot extend: the deliverable is {deliverable.get_status_display().lower()}.", code="invalid_state"
        )
    if due_on <= deliverable.due_on:
        raise ValidationError({"due_on": [f"An extension must move the due date past {deliverable.due_on}."]})
    previous = deliverable.due_on
    DeliverableExtension.objects.create(
        deliverable=deliverable, previous_due_on=previous, new_due_on=due_on, reason=reason, extended_by=extended_by
    )
    deliverable.set_due_on(due_on)
    deliverable.save()
    audit_record(action="extend", target=deliverable, changes={"due_on": [previous, due_on], "reason": reason})
    return deliverable
