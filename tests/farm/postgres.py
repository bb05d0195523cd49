"""A private, throw-away PostgreSQL cluster for the farm's database fault test.

The test stops and starts the database under a running farm, so it cannot use the shared server on
5432 (other tests and developers use it). This cluster lives in its own temporary directory, listens
on a free port on 127.0.0.1 and on a socket in that directory, and is removed afterwards.

PostgreSQL refuses to run as root (initdb and pg_ctl both exit with "cannot be run as root"), and CI
runs as root: then every command runs as the `postgres` OS user (Debian's packages create it), in a
directory that user owns.
"""

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

COMMAND_TIMEOUT = 60.0


def postgres_bin_dir() -> Path | None:
    """The directory with initdb and pg_ctl: on PATH, or Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(candidates[-1]).parent if candidates else None


needs_postgres_server = pytest.mark.skipif(
    postgres_bin_dir() is None,
    reason="the database fault test needs PostgreSQL's server binaries (initdb, pg_ctl): "
    "apt-get install postgresql (CI machines have them)",
)


def _as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


class PostgresCluster:
    """initdb + pg_ctl in a private directory; trust authentication for the `postgres` role on loopback."""

    def __init__(self, port: int):
        self.port = port
        self.bin = postgres_bin_dir()
        self.dir = Path(tempfile.mkdtemp(prefix="wafer-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        if _as_root():
            shutil.chown(self.dir, "postgres", "postgres")

    def _run(self, *argv: str) -> subprocess.CompletedProcess:
        command = [str(self.bin / argv[0]), *argv[1:]]
        if _as_root():
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, cwd=self.dir)
        if result.returncode != 0:
            raise AssertionError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}\n{self.log_tail()}")
        return result

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def init(self) -> "PostgresCluster":
        # --no-sync and fsync=off: a test database, thrown away afterwards; durability only costs time.
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        return self

    def start(self) -> "PostgresCluster":
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "30", "start")
        return self

    def stop(self, mode: str = "fast"):
        """fast: disconnect every client and shut down cleanly; immediate: like a crash (recovery at start)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    def running(self) -> bool:
        command = [str(self.bin / "pg_ctl"), "-D", str(self.data), "status"]
        if _as_root():
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, timeout=COMMAND_TIMEOUT).returncode == 0

    def create_database(self, name: str):
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def destroy(self):
        with contextlib.suppress(Exception):
            if self.running():
                self.stop("immediate")
        # Root may remove the postgres-owned tree; as another user it is ours anyway.
        deadline = time.monotonic() + 5
        while self.dir.exists() and time.monotonic() < deadline:
            shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.contextmanager
def private_postgres(port: int):
    cluster = PostgresCluster(port)
    try:
        yield cluster.init().start()
    finally:
        cluster.destroy()
