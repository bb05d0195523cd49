"""docker/jobcheck.py: the health checks of the worker and periodic containers."""

import importlib.util
import os
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load():
    spec = importlib.util.spec_from_file_location("wafer_docker_jobcheck", ROOT / "docker" / "jobcheck.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_fresh_heartbeat_is_healthy_a_stale_or_missing_one_is_not(tmp_path):
    jobcheck, beat = load(), tmp_path / "beat"
    assert jobcheck.main(["heartbeat", str(beat), "60"]) == 1
    beat.touch()
    assert jobcheck.main(["heartbeat", str(beat), "60"]) == 0
    old = time.time() - 120
    os.utime(beat, (old, old))
    assert jobcheck.main(["heartbeat", str(beat), "60"]) == 1


@pytest.mark.django_db
def test_database_check_passes_when_django_reaches_the_database():
    assert load().main(["database"]) == 0


def test_database_check_fails_when_the_database_is_out_of_reach():
    # Outside django_db, pytest-django refuses every query, as an unreachable server would fail them.
    assert load().main(["database"]) == 1


def test_unknown_arguments_are_a_usage_error():
    assert load().main(["nonsense"]) == 2
