"""`python -m api.farm --workers N`: start and supervise the farm until Ctrl-C or SIGTERM."""

import argparse
import contextlib
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from api.farm.config import Backend, HAProxySettings, render
from api.farm.processes import Child, stop_all

ROOT = Path(__file__).resolve().parents[2]
LOOPBACK = "127.0.0.1"
DEV_HOSTS = "localhost,127.0.0.1,[::1]"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m api.farm", description=__doc__)
    parser.add_argument("--workers", type=int, default=2, help="WSGI worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker = its concurrency (default 4)")
    parser.add_argument("--port", type=int, default=8080, help="HAProxy's port (default 8080)")
    parser.add_argument(
        "--bind",
        default=LOOPBACK,
        help="HAProxy's address (default 127.0.0.1; 0.0.0.0 on a host behind front balancers); "
        "the workers always stay on loopback",
    )
    parser.add_argument(
        "--front-proxies",
        default="",
        help="comma-separated IPs/CIDRs of the balancers in front of this host (several hosts): their "
        "X-Forwarded-For is kept and HAProxy appends their address, which the workers trust",
    )
    parser.add_argument("--base-port", type=int, default=8100, help="first worker port (default 8100)")
    parser.add_argument(
        "--server",
        choices=["gunicorn", "waitress"],
        default="waitress" if os.name == "nt" else "gunicorn",
        help="WSGI server of each worker (gunicorn on Linux, waitress on Windows)",
    )
    parser.add_argument("--run-dir", type=Path, default=ROOT / "var" / "farm", help="generated config and state")
    parser.add_argument("--log-dir", type=Path, default=ROOT / "var" / "log" / "farm", help="one log per process")
    parser.add_argument("--no-tasks", action="store_true", help="do not run the background task worker")
    parser.add_argument(
        "--no-periodic", action="store_true", help="do not run the scheduled commands (manage.py run_periodic)"
    )
    parser.add_argument("--no-memcached", action="store_true", help="never start memcached")
    parser.add_argument("--no-haproxy", action="store_true", help="workers only (a balancer runs elsewhere)")
    parser.add_argument("--stop-timeout", type=float, default=12.0, help="seconds to stop before killing")
    args = parser.parse_args(argv)
    if args.workers < 1 or args.threads < 1:
        parser.error("--workers and --threads must be at least 1")
    return args


def _secret_key(run_dir: Path) -> str:
    """A random key kept in the run directory, so sessions survive a farm restart on this box."""
    path = run_dir / "secret_key"
    if not path.exists():
        run_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        with contextlib.suppress(OSError):
            path.chmod(0o600)
    return path.read_text().strip()


def farm_env(args, base: dict | None = None) -> tuple[dict, dict]:
    """The workers' environment: the caller's, plus dev-box defaults for what it does not say."""
    env = dict(os.environ if base is None else base)
    defaults = {
        "DJANGO_SETTINGS_MODULE": "api.config.settings",
        "DEBUG": "false",
        "ALLOWED_HOSTS": DEV_HOSTS,
        # HAProxy talks to the workers from 127.0.0.1; behind front balancers, their hop is believed too.
        "TRUSTED_PROXIES": ",".join(filter(None, [LOOPBACK, args.front_proxies])),
        "TRUST_X_FORWARDED_PROTO": "true",  # HAProxy always sets X-Forwarded-Proto itself
        "SECURE_COOKIES": "false",  # plain http on 127.0.0.1; put TLS in front to turn this on
    }
    derived = {key: value for key, value in defaults.items() if not env.get(key)}
    if not env.get("SECRET_KEY"):
        derived["SECRET_KEY"] = _secret_key(args.run_dir)
    env.update(derived)
    env["PYTHONUNBUFFERED"] = "1"
    return env, derived


def worker_argv(server: str, port: int, threads: int) -> list[str]:
    if server == "waitress":
        listen = f"--listen={LOOPBACK}:{port}"
        return [sys.executable, "-m", "waitress", listen, f"--threads={threads}", "api.config.wsgi:application"]
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "api.config.wsgi:application",
        f"--bind={LOOPBACK}:{port}",
        "--workers=1",  # one process per port: HAProxy balances, the farm supervises
        "--worker-class=gthread",
        f"--threads={threads}",
        "--timeout=60",
        "--graceful-timeout=10",
        "--access-logfile=-",
        "--error-logfile=-",
        "--config=python:api.farm.gunicorn_conf",  # the header leaves with the body (its docstring)
    ]


def _local_memcached(env: dict) -> tuple[str, int] | None:
    """The first MEMCACHED_SERVERS entry when it is on this machine, else None."""
    servers = [s.strip() for s in env.get("MEMCACHED_SERVERS", "").split(",") if s.strip()]
    if not servers:
        return None
    host, _, port = servers[0].rpartition(":")
    if host not in {"127.0.0.1", "localhost"} or not port.isdigit():
        return None
    return LOOPBACK, int(port)


def port_in_use(port: int, host: str = LOOPBACK) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def free_port_block(count: int) -> int:
    """A base port such that base .. base+count-1 are free on 127.0.0.1: where the farm tests and the
    benchmark (bench/) start a farm of their own."""
    for _ in range(200):
        base = random.randint(20000, 60000 - count)  # noqa: S311 - a port, not a secret
        if not any(port_in_use(port) for port in range(base, base + count)):
            return base
    raise RuntimeError("no free block of ports on 127.0.0.1")


def memcached_child(args, env: dict) -> Child | None:
    local = _local_memcached(env)
    binary = shutil.which("memcached")
    if args.no_memcached or local is None or binary is None or port_in_use(local[1]):
        return None  # not configured, remote, not installed, or already running
    argv = [binary, "-l", local[0], "-p", str(local[1]), "-m", "64", "-U", "0"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv += ["-u", "root"]  # memcached refuses to run as root without saying so
    return Child("memcached", argv, args.log_dir / "memcached.log", env, ROOT, port=local[1])


def haproxy_binary() -> str | None:
    return shutil.which("haproxy") or next((p for p in ("/usr/sbin/haproxy",) if Path(p).exists()), None)


def write_haproxy_config(args, backends: list[Backend]) -> Path:
    args.run_dir.mkdir(parents=True, exist_ok=True)
    path = args.run_dir / "haproxy.cfg"
    settings = HAProxySettings(
        backends=backends,
        concurrency=args.threads,
        bind=args.bind,
        port=args.port,
        # The edge replaces a client's X-Forwarded-For; behind front balancers it keeps theirs and
        # appends their address, so the workers can walk the chain back to the client (TRUSTED_PROXIES).
        forwarded_for="append" if args.front_proxies else "replace",
    )
    path.write_text(render(settings))
    return path


def build_children(args, env: dict) -> list[Child]:
    children = []
    memcached = memcached_child(args, env)
    if memcached:
        children.append(memcached)
    for index in range(args.workers):
        port = args.base_port + index
        name = f"web{index + 1}"
        argv = worker_argv(args.server, port, args.threads)
        children.append(Child(name, argv, args.log_dir / f"{name}.log", env, ROOT, port=port))
    if not args.no_tasks:
        argv = [sys.executable, str(ROOT / "manage.py"), "db_worker"]
        children.append(Child("tasks", argv, args.log_dir / "tasks.log", env, ROOT))
    if not args.no_periodic:  # one scheduler per database: pass --no-periodic where cron or another box runs it
        argv = [sys.executable, str(ROOT / "manage.py"), "run_periodic"]
        children.append(Child("periodic", argv, args.log_dir / "periodic.log", env, ROOT))
    if not args.no_haproxy:
        backends = [Backend(c.name, LOOPBACK, c.port) for c in children if c.name.startswith("web")]
        cfg = write_haproxy_config(args, backends)
        argv = [haproxy_binary(), "-f", str(cfg), "-db"]
        children.append(Child("haproxy", argv, args.log_dir / "haproxy.log", env, ROOT, port=args.port))
    return children


def write_state(args, children: list[Child]) -> None:
    """run_dir/farm.json: who runs where, for operators and the fault tests."""
    state = {
        "pid": os.getpid(),
        "port": None if args.no_haproxy else args.port,
        "children": [
            {"name": c.name, "pid": c.pid, "port": c.port, "restarts": c.restarts, "log": str(c.log_path)}
            for c in children
        ],
    }
    tmp = args.run_dir / "farm.json.tmp"
    tmp.write_text(json.dumps(state, indent=2))
    tmp.replace(args.run_dir / "farm.json")


def preflight(args, children: list[Child]) -> str | None:
    """A reason not to start, or None."""
    if not args.no_haproxy:
        if haproxy_binary() is None:
            return "HAProxy is not installed (Debian: apt-get install haproxy), or pass --no-haproxy"
        cfg = args.run_dir / "haproxy.cfg"
        check = subprocess.run([haproxy_binary(), "-c", "-q", "-f", str(cfg)], capture_output=True, text=True)  # noqa: S603
        if check.returncode != 0:
            return f"{cfg} does not pass haproxy -c:\n{check.stdout}{check.stderr}"
    busy = [c.port for c in children if c.port and c.name != "memcached" and port_in_use(c.port)]
    if busy:
        return f"ports already in use on {LOOPBACK}: {busy}"
    return None


class Stop:
    """Set by SIGINT/SIGTERM (and SIGBREAK on Windows); the supervisor loop then stops the farm."""

    def __init__(self):
        self.requested = False
        for name in ("SIGINT", "SIGTERM", "SIGBREAK"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), self._handle)

    def _handle(self, signum, frame):
        self.requested = True


def supervise(args, children: list[Child], stop: Stop) -> None:
    while not stop.requested:
        now = time.monotonic()
        changed = False
        for child in children:
            changed |= child.reap(now)
            if child.due(now) and not stop.requested:
                child.start()
                changed = True
        if changed:
            write_state(args, children)
        time.sleep(0.1)


def announce(args, children: list[Child], derived: dict) -> None:
    print(f"Wafer farm (pid {os.getpid()}): logs in {args.log_dir}, state in {args.run_dir / 'farm.json'}")
    for key, value in derived.items():
        shown = "<generated, kept in " + str(args.run_dir / "secret_key") + ">" if key == "SECRET_KEY" else value
        print(f"  default {key}={shown}")
    for child in children:
        where = f" on {LOOPBACK}:{child.port}" if child.port else ""
        print(f"  {child.name}{where}")
    if not args.no_haproxy:
        print(f"Serving http://{LOOPBACK}:{args.port}/ (Ctrl-C stops everything)", flush=True)


def main(argv=None) -> int:
    args = parse_args(argv)
    env, derived = farm_env(args)
    args.log_dir.mkdir(parents=True, exist_ok=True)
    children = build_children(args, env)
    problem = preflight(args, children)
    if problem:
        print(f"farm: {problem}", file=sys.stderr)
        return 2
    stop = Stop()
    announce(args, children, derived)
    try:
        supervise(args, children, stop)
    finally:
        print("farm: stopping", flush=True)
        stop_all(list(reversed(children)), args.stop_timeout)
        with contextlib.suppress(OSError):
            (args.run_dir / "farm.json").unlink()
    return 0
