"""The farm under test: a private memcached and `python -m api.farm` on free 127.0.0.1 ports.

Its own run and log directories (var/bench/), so a developer's `make farm` on this box is untouched.
Both run in their own sessions and are stopped (TERM, then KILL after a bound) by `stop()`, which
bench/run.py calls in a finally: Ctrl-C and errors leave nothing behind.
"""

import contextlib
import http.client
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from api.farm.run import free_port_block

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
START_TIMEOUT = 90.0
STOP_TIMEOUT = 20.0
# Throttles must never answer 429 here, yet still run as in production: one counter per client and
# window in memcached (api.core.throttling), whose cost does not depend on the rate.
GENEROUS = "100000/s"


def worker_environment(bench_env: dict, memcached_port: int) -> dict:
    env = dict(os.environ)
    env.update(bench_env)
    env.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "localhost,127.0.0.1",
            "MEMCACHED_SERVERS": f"127.0.0.1:{memcached_port}",
            "THROTTLE_ANON": GENEROUS,
            "THROTTLE_USER": GENEROUS,
            "THROTTLE_TOKEN": GENEROUS,
            "QUERY_COUNT_HEADER": "true",
            "BENCH_ENDPOINTS": "true",
            "FILE_DELIVERY": "stream",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


class Farm:
    def __init__(self, *, bench_env: dict, workers: int = 2, threads: int = 4):
        self.workers, self.threads = workers, threads
        base = free_port_block(workers + 2)
        self.port, self.memcached_port, self.base_port = base, base + 1, base + 2
        self.env = worker_environment(bench_env, self.memcached_port)
        self.run_dir, self.log_dir = VAR / "farm", VAR / "log"
        self.processes: list[subprocess.Popen] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        memcached = shutil.which("memcached")
        if memcached is None:
            raise RuntimeError("memcached is not installed (apt-get install memcached)")
        argv = [memcached, "-l", "127.0.0.1", "-p", str(self.memcached_port), "-U", "0", "-m", "256"]
        if os.geteuid() == 0:
            argv += ["-u", "root"]
        self._spawn(argv, "memcached.log")
        farm = [
            sys.executable, "-m", "api.farm", "--workers", str(self.workers), "--threads", str(self.threads),
            "--port", str(self.port), "--base-port", str(self.base_port), "--no-tasks", "--no-periodic",
            "--no-memcached", "--run-dir", str(self.run_dir), "--log-dir", str(self.log_dir),
        ]  # fmt: skip
        self._spawn(farm, "farm.log")
        self._wait_ready()

    def _spawn(self, argv: list[str], log: str) -> None:
        with (self.log_dir / log).open("ab") as out:
            proc = subprocess.Popen(  # noqa: S603 - memcached and the farm, argv built here
                argv, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.processes.append(proc)

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self.processes):
                raise RuntimeError(f"the farm or memcached exited at start; see {self.log_dir}")
            if all(self._answers(port) for port in self.worker_ports()) and self._answers(self.port):
                return
            time.sleep(0.5)
        raise RuntimeError(f"the farm did not answer /healthz within {START_TIMEOUT:.0f} s; see {self.log_dir}")

    def worker_ports(self) -> list[int]:
        return [self.base_port + n for n in range(self.workers)]

    @staticmethod
    def _answers(port: int) -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/healthz", headers={"Host": "localhost"})
            return conn.getresponse().status == 200
        except OSError:
            return False
        finally:
            conn.close()

    def worker_pids(self) -> list[tuple[str, int]]:
        """(name, pid) of each gunicorn worker process: the master's child, which serves the requests."""
        state = json.loads((self.run_dir / "farm.json").read_text())
        out = []
        for child in state["children"]:
            if child["name"].startswith("web") and child["pid"]:
                kids = _children(child["pid"])
                out.append((child["name"], kids[0] if kids else child["pid"]))
        return out

    def stop(self) -> None:
        for proc in reversed(self.processes):  # the farm first: it stops its children itself
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


def _children(pid: int) -> list[int]:
    kids = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            kids += [int(n) for n in task.read_text().split()]
    return sorted(kids)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    raise RuntimeError(f"no VmRSS for pid {pid}")
