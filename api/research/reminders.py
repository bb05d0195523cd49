"""Deliverable reminders: email the principal investigators of active tasks about what they owe.

Two stages per deliverable and due date:
- `due_soon`: due within the next N days (counted in the deadline time zone), deadline not passed;
- `overdue`: the deadline has passed and nothing was submitted.
Only open deliverables (planned or revision requested) that were never submitted are reminded
of, the same rule as Deliverable.is_overdue.

Each (deliverable, stage, due date) is reminded of once: a ReminderSent row records it, and its
unique constraint is what makes concurrent runs safe. The row is created in a transaction before
the email is sent; if another run holds it, the insert fails (IntegrityError) and this run skips
it; if sending fails, the transaction rolls back so the next run tries again. An extension gives
a new due date, which arms both stages again.

People get one email per run for all their deliverables: deliverables are grouped by the set of
their task's principal investigators, so a task with co-PIs gets one email to all of them.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from api.accounts.models import User
from api.research import deadlines
from api.research.models import Deliverable, ReminderSent, ResearchTask

logger = logging.getLogger(__name__)

DUE_SOON = "due_soon"
OVERDUE = "overdue"
STAGES = (OVERDUE, DUE_SOON)  # the order they are listed in an email
DEFAULT_DAYS = 14


@dataclass(frozen=True)
class Reminder:
    deliverable: Deliverable
    stage: str

    @property
    def task(self) -> ResearchTask:
        return self.deliverable.task


@dataclass
class Outcome:
    """What one run did, counted in reminders (deliverable + stage) unless said otherwise."""

    sent: int = 0
    emails: int = 0
    already_sent: int = 0
    no_recipients: int = 0
    failed: int = 0
    failed_emails: int = 0
    planned: list = field(default_factory=list)  # (recipients, [Reminder]) groups, also in a dry run


# --- What is due --------------------------------------------------------------------------------


def stage_of(deliverable: Deliverable, *, now: datetime.datetime) -> str:
    return OVERDUE if now >= deliverable.deadline_at else DUE_SOON


def candidates(*, days: int) -> list[Deliverable]:
    """Open, never-submitted deliverables of active tasks that are due within `days` days or overdue."""
    if days < 0:
        raise ValueError("days must be zero or more")
    last_due_on = deadlines.today() + datetime.timedelta(days=days)
    people = User.objects.filter(is_active=True).exclude(email="").order_by("family_name", "given_name", "id")
    return list(
        Deliverable.objects.filter(
            status__in=Deliverable.OPEN,
            submitted_at__isnull=True,
            task__status=ResearchTask.Status.ACTIVE,
            deadline_at__lte=deadlines.deadline_for(last_due_on),
        )
        .select_related("task")
        .prefetch_related(Prefetch("task__principal_investigators", queryset=people))
        .order_by("id")
    )


def _already_sent(deliverables: list[Deliverable]) -> set[tuple[int, str, datetime.date]]:
    sent = set()
    ids = [deliverable.pk for deliverable in deliverables]
    for start in range(0, len(ids), 1000):  # sqlserver.md: no __in list over 2000 values
        sent.update(
            ReminderSent.objects.filter(deliverable_id__in=ids[start : start + 1000]).values_list(
                "deliverable_id", "stage", "due_on"
            )
        )
    return sent


def plan(*, days: int, now: datetime.datetime | None = None) -> Outcome:
    """What a run would send now, grouped by recipients; nothing is written."""
    now = now or timezone.now()
    outcome = Outcome()
    deliverables = candidates(days=days)
    sent = _already_sent(deliverables)
    groups = defaultdict(list)
    for deliverable in deliverables:
        stage = stage_of(deliverable, now=now)
        if (deliverable.pk, stage, deliverable.due_on) in sent:
            outcome.already_sent += 1
            continue
        recipients = tuple(deliverable.task.principal_investigators.all())
        if not recipients:
            outcome.no_recipients += 1
            logger.warning("Deliverable %s (task %s) has no PI to remind.", deliverable.pk, deliverable.task.number)
            continue
        groups[recipients].append(Reminder(deliverable, stage))
    # A fixed order (recipients, then deliverable id) so concurrent runs claim rows in one order.
    for recipients in sorted(groups, key=lambda people: [person.pk for person in people]):
        outcome.planned.append((list(recipients), groups[recipients]))
    return outcome


# --- The email ----------------------------------------------------------------------------------


def deliverable_url(deliverable: Deliverable) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/research/deliverables/{deliverable.pk}"


def _when(deliverable: Deliverable, today: datetime.date) -> str:
    days = (deliverable.due_on - today).days
    if days == 0:
        return "due today"
    if days > 0:
        return f"due in {days} day{'s' if days != 1 else ''}"
    return f"{-days} day{'s' if days != -1 else ''} overdue"


def _subject(by_stage: dict) -> str:
    total = sum(len(items) for items in by_stage.values())
    noun = "deliverable" if total == 1 else "deliverables"
    counts = {stage: len(items) for stage, items in by_stage.items() if items}
    labels = {OVERDUE: "overdue", DUE_SOON: "due soon"}
    if len(counts) == 1:
        (stage,) = counts
        return f"Wafer: {total} {noun} {labels[stage]}"
    return f"Wafer: {total} {noun} need attention ({', '.join(f'{counts[s]} {labels[s]}' for s in STAGES)})"


def compose(recipients: list, reminders: list[Reminder], *, today: datetime.date) -> EmailMessage:
    ordered = sorted(reminders, key=lambda r: (r.deliverable.due_on, r.task.number, r.deliverable.pk))
    by_stage = {stage: [r for r in ordered if r.stage == stage] for stage in STAGES}
    greeting = f"Dear {recipients[0].full_name}," if len(recipients) == 1 else "Hello,"
    lines = [greeting, "", "Wafer reminds you of deliverables of the research tasks you lead.", ""]
    headings = {OVERDUE: "Overdue (nothing submitted yet)", DUE_SOON: "Due soon"}
    for stage in STAGES:
        if not by_stage[stage]:
            continue
        lines.append(f"{headings[stage]}:")
        for reminder in by_stage[stage]:
            deliverable = reminder.deliverable
            lines += [
                f"- {deliverable.task.number} {deliverable.task.title}: {deliverable.title}",
                f"  due {deliverable.due_on:%Y-%m-%d} ({_when(deliverable, today)}), {deliverable_url(deliverable)}",
            ]
        lines.append("")
    lines += [
        f"A deliverable is due until the end of its due date ({settings.DEADLINE_TIME_ZONE} time).",
        "Submit a report from the deliverable's page, or ask the program manager for an extension.",
        "",
        "-- Wafer",
    ]
    return EmailMessage(
        subject=_subject(by_stage),
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[person.email for person in recipients],
    )


# --- Sending ------------------------------------------------------------------------------------


def _claim(reminder: Reminder, recipients: str) -> bool:
    """Record the reminder inside the caller's transaction; False if another run already has it."""
    try:
        with transaction.atomic():  # a savepoint: a lost race must not spoil the group's transaction
            ReminderSent.objects.create(
                deliverable=reminder.deliverable,
                stage=reminder.stage,
                due_on=reminder.deliverable.due_on,
                recipients=recipients,
            )
    except IntegrityError:
        return False
    return True


def _send_group(recipients: list, reminders: list[Reminder], *, today: datetime.date, outcome: Outcome) -> None:
    addresses = ", ".join(person.email for person in recipients)
    claimed = []
    try:
        with transaction.atomic():
            claimed = [reminder for reminder in reminders if _claim(reminder, addresses)]
            outcome.already_sent += len(reminders) - len(claimed)
            if claimed:
                compose(recipients, claimed, today=today).send(fail_silently=False)
    except Exception as exc:  # SMTP or database trouble: the rows roll back, so the next run retries
        outcome.failed += len(claimed) or len(reminders)
        outcome.failed_emails += 1
        logger.error("Deliverable reminder to %s failed: %s", addresses, exc, exc_info=True)
        return
    if claimed:
        outcome.sent += len(claimed)
        outcome.emails += 1
        logger.info(
            "Deliverable reminder sent to %s: %s",
            addresses,
            ", ".join(f"{r.deliverable.pk} {r.stage} {r.deliverable.due_on}" for r in claimed),
        )


def send_reminders(*, days: int = DEFAULT_DAYS, dry_run: bool = False) -> Outcome:
    """Send what is due now (or, with dry_run, only say what would be sent)."""
    now = timezone.now()
    outcome = plan(days=days, now=now)
    if dry_run:
        return outcome
    today = deadlines.today()
    for recipients, reminders in outcome.planned:
        _send_group(recipients, reminders, today=today, outcome=outcome)
    return outcome
