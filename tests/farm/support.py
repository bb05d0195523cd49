"""Helpers for the farm fault tests: start a real farm (python -m api.farm) on free 127.0.0.1 ports.

Every wait is bounded and every process is killed in a finally: the farm runs in its own session and
its children die with it (PR_SET_PDEATHSIG), and whatever its state file named is killed as well.
"""

import contextlib
import http.client
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from api.farm.run import free_port_block as free_ports
from api.farm.run import haproxy_binary

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0
STOP_TIMEOUT = 25.0

needs_haproxy = pytest.mark.skipif(
    haproxy_binary() is None or sys.platform != "linux",
    reason="the farm fault tests need Linux and haproxy (apt-get install haproxy; CI installs it)",
)


def get(
    port: int,
    path: str,
    headers: dict | None = None,
    method: str = "GET",
    body=None,
    timeout: float = 5.0,
    source: str | None = None,
):
    """One request to 127.0.0.1:port; `source` is the address it comes from (any 127.x.y.z: several
    "hosts" on one loopback)."""
    source_address = (source, 0) if source else None
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=source_address)
    try:
        payload = json.dumps(body) if body is not None else None
        all_headers = {"Host": "localhost", **(headers or {})}
        if payload is not None:
            all_headers["Content-Type"] = "application/json"
        conn.request(method, path, body=payload, headers=all_headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def answers(port: int, path: str = "/healthz") -> bool:
    try:
        return get(port, path, timeout=1.0)[0] == 200
    except OSError:
        return False


def alive(pid: int) -> bool:
    """Running (a zombie or a vanished PID counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in {"Z", "X"}


def descendants(pid: int) -> set[int]:
    """Every process below pid, from /proc (children start their own sessions, so groups do not help)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


class Farm:
    def __init__(self, tmp: Path, env: dict, workers: int, extra_args: tuple[str, ...] = ()):
        self.tmp, self.env, self.workers, self.extra_args = tmp, env, workers, extra_args
        base = free_ports(workers + 1)
        self.port, self.base_port = base, base + 1
        self.run_dir, self.log_dir = tmp / "run", tmp / "log"
        self.proc = None

    @property
    def state(self) -> dict:
        return json.loads((self.run_dir / "farm.json").read_text())

    def child(self, name: str) -> dict:
        return next(c for c in self.state["children"] if c["name"] == name)

    def start(self):
        argv = [sys.executable, "-m", "api.farm", "--workers", str(self.workers), "--threads", "4"]
        argv += ["--port", str(self.port), "--base-port", str(self.base_port), "--no-memcached"]
        argv += ["--run-dir", str(self.run_dir), "--log-dir", str(self.log_dir), "--stop-timeout", "10"]
        argv += list(self.extra_args)
        with open(self.tmp / "farm.out", "ab") as out:
            self.proc = subprocess.Popen(
                argv, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"the farm exited: {(self.tmp / 'farm.out').read_text()}")
            if self._ready():
                return self
            time.sleep(0.2)
        raise AssertionError(f"the farm was not ready in {START_TIMEOUT:.0f}s: {(self.tmp / 'farm.out').read_text()}")

    def _ready(self) -> bool:
        if not (self.run_dir / "farm.json").exists():
            return False
        ports = [self.base_port + i for i in range(self.workers)]
        # Through HAProxy a few times in a row, so both servers are in rotation.
        return all(answers(p) for p in ports) and all(answers(self.port) for _ in range(2 * self.workers))

    def stop(self) -> float:
        """SIGTERM the farm; the seconds it took to exit."""
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=STOP_TIMEOUT)
        return time.monotonic() - started

    def kill_everything(self):
        pids = set()
        with contextlib.suppress(OSError, ValueError, KeyError):
            pids = {c["pid"] for c in self.state["children"] if c["pid"]}
        if self.proc is not None:
            pids |= descendants(self.proc.pid)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=10)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)


def manage(env: dict, *args: str, timeout: float = 180.0) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


SETUP_SCRIPT = """
from api.accounts.models import User
from api.core.tokens.services import token_create
user = User.objects.create_superuser(
    "farm@wafer.example", password="farm-test-password-2026", given_name="Farm", family_name="Test"
)
print(token_create(user=user, name="farm test", scopes=["read", "write"]).raw)
"""


def farm_environment(tmp: Path, database_url: str) -> dict:
    """The workers' environment: production-like settings over the given database, no throttling."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "MEMCACHED"))}
    env.update(
        WAFER_NO_DOTENV="true",
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        THROTTLE_ANON="100000/min",
        THROTTLE_TOKEN="100000/min",
        MEDIA_ROOT=str(tmp / "media"),
        LOG_LEVEL="WARNING",
    )
    return env


def migrate_with_user(env: dict) -> str:
    """Migrate the environment's database and add a superuser; that user's raw read/write token."""
    manage(env, "migrate", "--noinput")
    return manage(env, "shell", "-c", SETUP_SCRIPT).strip().splitlines()[-1]


@pytest.fixture(scope="module")
def farm_env(tmp_path_factory):
    """A migrated SQLite database in a tmp dir, a user with a write token, and the workers' environment."""
    tmp = tmp_path_factory.mktemp("farm-db")
    # SQLite: these tests are about the farm's behaviour, not the database's.
    env = farm_environment(tmp, f"sqlite:///{tmp / 'wafer.sqlite3'}")
    return env, migrate_with_user(env)


@contextlib.contextmanager
def running_farm(tmp: Path, env: dict, workers: int = 2, extra_args: tuple[str, ...] = ()):
    farm = Farm(tmp, env, workers, extra_args)
    try:
        yield farm.start()
    finally:
        farm.kill_everything()


def audited_ips(port: int, token: str) -> list[str]:
    """The client IPs of the token user's audited updates, from their personal-data export."""
    status, _, body = get(port, "/api/v1/auth/me/export/", headers={"Authorization": f"Bearer {token}"})
    assert status == 200, body[:500]
    ips = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("action") == "update" and "client_ip" in node:
                ips.append(node["client_ip"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(body))
    return ips
