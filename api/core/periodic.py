"""The scheduled management commands, and the small loop that runs them (`manage.py run_periodic`).

One portable scheduler instead of one cron line per command: the same loop runs under the farm's
supervisor, as a compose service and as a Windows service; cron, systemd timers or Task Scheduler can
run `run_periodic --once` instead (docs/operations.md). Every command here is idempotent and safe to
run at any time, so a restart (which runs them all at once) or a missed run does no harm.

Run exactly one scheduler per database: two would do the work twice (harmless, but wasted).
Jobs run one after the other in this process: no two of them compete for the same rows.
"""

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

logger = logging.getLogger(__name__)

MINUTE, HOUR, DAY = 60, 60 * 60, 24 * 60 * 60


@dataclass(frozen=True)
class Job:
    command: str
    every: float  # seconds between the start of one run and the next
    why: str


JOBS = (
    Job("send_webhooks", 5 * MINUTE, "deliveries a lost job or a worker restart left waiting, and retries"),
    Job("record_embargo_lifts", HOUR, "the change feed and webhooks announce embargoes that ended"),
    Job("expire_resume_books", HOUR, "expired resume books leave storage; stalled ones are marked failed"),
    Job("send_deliverable_reminders", HOUR, "each deliverable is reminded of once per stage and due date"),
    Job("rollup_usage", HOUR, "complete months roll up into the usage report's counts"),
    Job("purge_idempotency_keys", DAY, "expired Idempotency-Key records"),
)


class Schedule:
    """When each job is next due, on a monotonic clock. Every job is due at once when it starts."""

    def __init__(self, jobs: Iterable[Job], now: float):
        self.jobs = tuple(jobs)
        self.next_run = {job.command: now for job in self.jobs}

    def due(self, now: float) -> list[Job]:
        return [job for job in self.jobs if self.next_run[job.command] <= now]

    def ran(self, job: Job, started: float) -> None:
        # From the start of the run: a job that takes long does not drift later each time.
        self.next_run[job.command] = started + job.every

    def seconds_to_next(self, now: float) -> float:
        return max(0.0, min(self.next_run.values()) - now)


@dataclass(frozen=True)
class Outcome:
    command: str
    ok: bool
    seconds: float
    error: str = ""


def run_job(job: Job, call: Callable[[str], object], clock: Callable[[], float] = time.monotonic) -> Outcome:
    """Run one command; a failure (an exception, CommandError, SystemExit) is reported, never raised."""
    started = clock()
    try:
        call(job.command)
    except (Exception, SystemExit) as exc:  # one broken job must not stop the others
        logger.exception("periodic: %s failed", job.command)
        return Outcome(job.command, False, clock() - started, f"{type(exc).__name__}: {exc}")
    return Outcome(job.command, True, clock() - started)


def run_due(
    schedule: Schedule,
    call: Callable[[str], object],
    clock: Callable[[], float] = time.monotonic,
    after_each: Callable[[Outcome], None] = lambda outcome: None,
    should_stop: Callable[[], bool] = lambda: False,
) -> list[Outcome]:
    """Run every job due now, in the schedule's order; each failed job is still rescheduled."""
    outcomes = []
    for job in schedule.due(clock()):
        if should_stop():
            break
        started = clock()
        outcome = run_job(job, call, clock)
        schedule.ran(job, started)
        outcomes.append(outcome)
        after_each(outcome)
    return outcomes
