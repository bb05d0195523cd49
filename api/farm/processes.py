"""Child processes of the farm: each in its own process group, one log file each, restarted on a crash.

POSIX: every child starts a new session (its own process group), so a signal to the group reaches
the child and whatever it forked (gunicorn's worker), and Ctrl-C in the terminal reaches only the
farm, which then stops its children in order. On Linux a child also gets SIGKILL if the farm itself
dies (PR_SET_PDEATHSIG), so even `kill -9` of the farm leaves no worker behind.
Windows: CREATE_NEW_PROCESS_GROUP, and terminate() (TerminateProcess) to stop.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

POSIX = os.name == "posix"
QUICK_CRASH_SECONDS = 10.0  # a child that dies sooner than this after starting is crash-looping
MAX_BACKOFF_SECONDS = 30.0


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(Exception):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def backoff_seconds(quick_crashes: int) -> float:
    """0 for the first crash (restart at once), then 1, 2, 4 ... seconds, capped."""
    if quick_crashes <= 1:
        return 0.0
    return min(MAX_BACKOFF_SECONDS, 2.0 ** (quick_crashes - 2))


@dataclass
class Child:
    name: str
    argv: list[str]
    log_path: Path
    env: dict
    cwd: Path
    port: int | None = None
    restart: bool = True
    proc: subprocess.Popen | None = None
    restarts: int = 0
    started_at: float = 0.0
    next_start: float = 0.0
    quick_crashes: int = 0
    history: list = field(default_factory=list)  # (monotonic time, event) for the state file

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def note(self, message: str) -> None:
        with open(self.log_path, "a", encoding="utf-8") as log:
            log.write(f"[farm {time.strftime('%Y-%m-%d %H:%M:%S')}] {message}\n")

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            kwargs = {"stdin": subprocess.DEVNULL, "stdout": log, "stderr": subprocess.STDOUT}
            if POSIX:
                kwargs.update(start_new_session=True, preexec_fn=_die_with_parent)
            else:
                kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
            self.proc = subprocess.Popen(self.argv, cwd=self.cwd, env=self.env, **kwargs)  # noqa: S603
        self.started_at = time.monotonic()
        self.note(f"started pid {self.proc.pid}: {' '.join(self.argv)}")

    def signal_group(self, sig: int) -> None:
        """Signal the child's whole process group (POSIX); on Windows, terminate the child."""
        if self.proc is None:
            return
        if not POSIX:
            with contextlib.suppress(OSError):
                self.proc.terminate()
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, sig)

    def reap(self, now: float) -> bool:
        """If the child has exited: clean up what it left in its group and schedule the restart."""
        if self.proc is None or self.proc.poll() is None:
            return False
        code = self.proc.returncode
        self.signal_group(getattr(signal, "SIGKILL", signal.SIGTERM))  # orphans of a crashed parent
        ran = now - self.started_at
        self.quick_crashes = self.quick_crashes + 1 if ran < QUICK_CRASH_SECONDS else 1
        delay = backoff_seconds(self.quick_crashes)
        self.note(f"pid {self.proc.pid} exited with {code} after {ran:.1f}s; restarting in {delay:.0f}s")
        self.proc = None
        self.next_start = now + delay
        self.restarts += 1
        return True

    def due(self, now: float) -> bool:
        return self.proc is None and self.restart and now >= self.next_start


def stop_all(children: list[Child], timeout: float) -> None:
    """SIGTERM every group, wait up to `timeout` seconds, then SIGKILL what is left. No orphans."""
    running = [c for c in children if c.proc is not None]
    for child in running:
        child.note(f"stopping pid {child.pid}")
        child.signal_group(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for child in running:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
    for child in running:
        if child.proc.poll() is None:
            child.note(f"pid {child.pid} did not stop within {timeout:.0f}s: killing it")
        # Always: the group may still hold a grandchild even when the leader is gone.
        child.signal_group(getattr(signal, "SIGKILL", signal.SIGTERM))
    for child in running:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.proc.wait(timeout=5)
        child.note(f"pid {child.pid} stopped ({child.proc.returncode})")
