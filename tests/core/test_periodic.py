"""api.core.periodic and `manage.py run_periodic`: which jobs are due when, failures stay contained.

A fake clock stands in for time: nothing here sleeps.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError

from api.core import periodic
from api.core.periodic import DAY, HOUR, MINUTE, Job, Schedule, run_due

JOBS = (Job("fast", 5 * MINUTE, ""), Job("hourly", HOUR, ""), Job("daily", DAY, ""))


class Clock:
    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def due_names(schedule: Schedule, now: float) -> list[str]:
    return [job.command for job in schedule.due(now)]


def test_every_job_is_due_when_the_scheduler_starts():
    assert due_names(Schedule(JOBS, now=1000.0), 1000.0) == ["fast", "hourly", "daily"]


def test_a_job_is_due_again_one_interval_after_its_last_start():
    clock = Clock()
    schedule = Schedule(JOBS, clock())
    assert [o.command for o in run_due(schedule, lambda name: None, clock)] == ["fast", "hourly", "daily"]
    assert due_names(schedule, clock.now) == []
    assert due_names(schedule, clock.now + 5 * MINUTE - 1) == []
    assert due_names(schedule, clock.now + 5 * MINUTE) == ["fast"]
    assert due_names(schedule, clock.now + HOUR) == ["fast", "hourly"]
    assert due_names(schedule, clock.now + DAY) == ["fast", "hourly", "daily"]
    assert schedule.seconds_to_next(clock.now + 60) == 4 * MINUTE


def test_a_slow_job_does_not_push_the_schedule_later():
    clock = Clock()
    schedule = Schedule(JOBS[:1], clock())

    def slow(name):
        clock.now += 100  # the job takes 100 s

    run_due(schedule, slow, clock)
    assert schedule.next_run["fast"] == 1000.0 + 5 * MINUTE


@pytest.mark.parametrize("failure", [RuntimeError("database gone"), CommandError("2 failed"), SystemExit(1)])
def test_a_failing_job_does_not_stop_the_others_and_is_retried_at_its_interval(failure):
    clock = Clock()
    schedule = Schedule(JOBS, clock())
    called = []

    def call(name):
        called.append(name)
        if name == "fast":
            raise failure

    outcomes = run_due(schedule, call, clock)
    assert called == ["fast", "hourly", "daily"]
    assert [(o.command, o.ok) for o in outcomes] == [("fast", False), ("hourly", True), ("daily", True)]
    assert type(failure).__name__ in outcomes[0].error
    assert due_names(schedule, clock.now + 5 * MINUTE) == ["fast"]


def test_a_stop_request_ends_the_round_after_the_running_job():
    clock = Clock()
    schedule = Schedule(JOBS, clock())
    called = []
    outcomes = run_due(schedule, called.append, clock, should_stop=lambda: bool(called))
    assert called == ["fast"]
    assert [o.command for o in outcomes] == ["fast"]
    assert due_names(schedule, clock.now) == ["hourly", "daily"]  # they run in the next round


def test_the_scheduled_jobs_are_the_commands_that_must_run_on_a_schedule():
    names = {job.command for job in periodic.JOBS}
    assert names == {
        "purge_idempotency_keys",
        "rollup_usage",
        "record_embargo_lifts",
        "expire_resume_books",
        "send_webhooks",
        "send_deliverable_reminders",
    }
    assert names <= set(get_commands())  # each exists as a management command
    assert all(job.every >= MINUTE for job in periodic.JOBS)


def test_list_prints_each_job_with_its_interval():
    out = StringIO()
    call_command("run_periodic", "--list", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split()[0] for line in lines] == [job.command for job in periodic.JOBS]
    assert "send_webhooks                every 5min" in lines[0]


@pytest.mark.django_db
def test_once_runs_every_job_against_the_database_and_touches_the_heartbeat(tmp_path: Path):
    out, beat = StringIO(), tmp_path / "beat"
    call_command("run_periodic", "--once", "--heartbeat", str(beat), stdout=out, stderr=StringIO())
    for job in periodic.JOBS:
        assert f"run_periodic: {job.command} ok" in out.getvalue()
    assert beat.exists()


@pytest.mark.django_db
def test_once_fails_when_a_job_fails_after_running_the_rest(monkeypatch):
    from django.core import management

    real = management.call_command
    ran = []

    def flaky(name, *args, **kwargs):
        ran.append(name)
        if name == "record_embargo_lifts":
            raise RuntimeError("boom")
        return real(name, *args, **kwargs)

    monkeypatch.setattr("api.core.management.commands.run_periodic.call_command", flaky)
    err = StringIO()
    with pytest.raises(CommandError, match="failed: record_embargo_lifts"):
        call_command("run_periodic", "--once", stdout=StringIO(), stderr=err)
    assert ran == [job.command for job in periodic.JOBS]
    assert "record_embargo_lifts FAILED" in err.getvalue()


def test_only_rejects_an_unknown_job():
    with pytest.raises(CommandError, match="unknown job"):
        call_command("run_periodic", "--once", "--only", "drop_everything")


@pytest.mark.parametrize(("flags", "expected"), [([], True), (["--no-periodic"], False)])
def test_the_farm_supervises_one_scheduler_unless_told_not_to(tmp_path, flags, expected):
    from api.farm.run import build_children, parse_args

    args = parse_args(
        ["--no-haproxy", "--no-memcached", "--run-dir", str(tmp_path), "--log-dir", str(tmp_path), *flags]
    )
    periodic_children = [child for child in build_children(args, {}) if child.name == "periodic"]
    assert len(periodic_children) == int(expected)
    if expected:
        assert Path(periodic_children[0].argv[-2]).name == "manage.py"
        assert periodic_children[0].argv[-1] == "run_periodic"
