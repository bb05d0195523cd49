"""`python manage.py run_periodic`: run Wafer's scheduled commands (api.core.periodic.JOBS) forever.

`--once` runs every job once and exits (for cron, systemd timers or Windows Task Scheduler); the exit
code is 1 if any job failed. SIGTERM or Ctrl-C stops the loop after the job that is running.
"""

import contextlib
import signal
import sys
import threading
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from api.core.periodic import JOBS, Outcome, Schedule, run_due

TICK_SECONDS = 30.0  # the loop wakes at least this often (the heartbeat, a stop request)


class Command(BaseCommand):
    help = (
        "Run the scheduled management commands (webhooks, embargo lifts, resume books, deliverable "
        "reminders, usage roll-up, idempotency keys) at their intervals, one at a time. --once runs each "
        "once and exits, for cron or Windows Task Scheduler. Run exactly one per database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every job once and exit (1 if any failed).")
        parser.add_argument("--only", action="append", metavar="COMMAND", help="Only this job (repeatable).")
        parser.add_argument(
            "--list", action="store_true", dest="list_jobs", help="Print the jobs and their intervals, then exit."
        )
        parser.add_argument("--heartbeat", type=Path, help="Touch this file on every loop (container health).")

    def handle(self, *args, once=False, only=None, list_jobs=False, heartbeat=None, **options):
        jobs = self._selected(only)
        if list_jobs:
            for job in jobs:
                self.stdout.write(f"{job.command:<28} every {_interval(job.every):<6} {job.why}")
            return
        self.stop = threading.Event()
        self.heartbeat = heartbeat
        schedule = Schedule(jobs, time.monotonic())
        if once:
            outcomes = run_due(schedule, self._call, after_each=self._report)
            failed = [o.command for o in outcomes if not o.ok]
            if failed:
                raise CommandError(f"failed: {', '.join(failed)}")
            return
        self._handle_signals()
        self.stdout.write(f"run_periodic: {len(jobs)} jobs; SIGTERM or Ctrl-C stops after the running one")
        while not self.stop.is_set():
            self._beat()
            run_due(schedule, self._call, after_each=self._report, should_stop=self.stop.is_set)
            self._beat()
            self.stop.wait(min(TICK_SECONDS, schedule.seconds_to_next(time.monotonic())))
        self.stdout.write("run_periodic: stopped")

    def _selected(self, only):
        if not only:
            return JOBS
        known = {job.command: job for job in JOBS}
        unknown = sorted(set(only) - set(known))
        if unknown:
            raise CommandError(f"unknown job(s) {', '.join(unknown)}; see --list")
        return tuple(job for job in JOBS if job.command in only)

    def _call(self, command: str) -> None:
        try:
            call_command(command, stdout=self.stdout, stderr=self.stderr)
        finally:
            # A connection the job broke (SQL Server restarted, a network blip) is not reused by the next.
            # Not inside a transaction (a caller's, or the tests'): closing would break it.
            for connection in connections.all(initialized_only=True):
                if not connection.in_atomic_block:
                    connection.close()

    def _report(self, outcome: Outcome) -> None:
        self._beat()
        if outcome.ok:
            self.stdout.write(f"run_periodic: {outcome.command} ok in {outcome.seconds:.1f}s")
        else:
            self.stderr.write(f"run_periodic: {outcome.command} FAILED in {outcome.seconds:.1f}s: {outcome.error}")

    def _beat(self) -> None:
        if self.heartbeat:
            with contextlib.suppress(OSError):
                self.heartbeat.touch()

    def _handle_signals(self) -> None:
        names = ["SIGINT", "SIGTERM"] + (["SIGBREAK"] if sys.platform == "win32" else [])
        for name in names:
            with contextlib.suppress(ValueError):  # not the main thread (tests): no handlers
                signal.signal(getattr(signal, name), lambda signum, frame: self.stop.set())


def _interval(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"
