"""Fault 3: the database (PostgreSQL) stops under a running farm, then comes back.

"/healthz stays 200, /readyz and API calls answer 503 JSON within 2 seconds (no hanging workers), and
Wafer recovers by itself when the database returns." A private PostgreSQL cluster (tests/farm/postgres.py),
migrated with the demo data, behind a real farm (HAProxy + 2 gunicorn workers) on 127.0.0.1, under a
steady GET load. Bounded: about 20 s when all goes well, 90 s at worst. Run with -s to see the figures.
"""

import http.client
import json
import threading
import time

from tests.farm.postgres import needs_postgres_server, private_postgres
from tests.farm.support import (
    farm_environment,
    free_ports,
    get,
    manage,
    migrate_with_user,
    needs_haproxy,
    running_farm,
)

pytestmark = [needs_haproxy, needs_postgres_server]

ANSWER_LIMIT = 2.0  # every request answers within this, outage or not
RECOVERY_LIMIT = 10.0  # the workers serve again this soon after the database is back
LOAD_THREADS = 4
LIST = "/api/v1/programs/"  # public, paginated: one query or more per request


class Load:
    """GETs from a few threads on keep-alive connections through HAProxy, every answer recorded."""

    PATHS = ("/healthz", LIST, LIST)

    def __init__(self, port: int):
        self.port = port
        self.results: list[tuple[float, str, int | str, float, dict | None]] = []  # started, path, status, s, body
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(LOAD_THREADS)]

    def _connection(self):
        # The timeout is longer than the limit, so a slow answer is measured rather than cut off.
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=ANSWER_LIMIT + 8)

    def _run(self, index: int):
        conn, n = self._connection(), index
        while not self.done.is_set():
            path = self.PATHS[n % len(self.PATHS)]
            n += 1
            started = time.monotonic()
            try:
                conn.request("GET", path, headers={"Host": "localhost"})
                response = conn.getresponse()
                raw = response.read()
                status, body = response.status, _json(raw)
            except OSError as exc:
                status, body = repr(exc), None
                conn.close()
                conn = self._connection()
            with self.lock:
                self.results.append((started, path, status, time.monotonic() - started, body))
        conn.close()

    def start(self) -> "Load":
        for thread in self.threads:
            thread.start()
        return self

    def stop(self):
        self.done.set()
        for thread in self.threads:
            thread.join(timeout=ANSWER_LIMIT + 10)

    def answered_before(self, moment: float) -> list:
        with self.lock:
            return [r for r in self.results if r[0] + r[3] < moment]

    def started_between(self, start: float, end: float) -> list:
        with self.lock:
            return [r for r in self.results if start <= r[0] < end]


def _json(raw: bytes):
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _is_database_503(status, body) -> bool:
    return (
        status == 503
        and isinstance(body, dict)
        and body.get("status") == 503
        and body.get("code") == "service_unavailable"
        and "database" in body.get("detail", "")
    )


def _timed(port: int, path: str, **kwargs):
    started = time.monotonic()
    status, headers, raw = get(port, path, timeout=ANSWER_LIMIT + 8, **kwargs)
    return status, headers, _json(raw), time.monotonic() - started


def _wait_for(condition, limit: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if condition():
            return time.monotonic() - started
        time.sleep(0.05)
    return None


def _lists_ok(port: int) -> bool:
    try:
        return get(port, LIST, timeout=ANSWER_LIMIT)[0] == 200
    except OSError:
        return False


def test_the_farm_answers_503_json_while_postgresql_is_down_and_recovers_by_itself(tmp_path):
    db_port = free_ports(1)
    with private_postgres(db_port) as database:
        database.create_database("wafer")
        env = farm_environment(tmp_path, database.url("wafer"))
        token = migrate_with_user(env)
        manage({**env, "DEBUG": "true"}, "seed_demo", "--force")  # a few programs for the list to show

        with running_farm(tmp_path, env) as farm:
            workers = [farm.child(f"web{i}")["port"] for i in (1, 2)]
            assert _timed(farm.port, LIST)[0] == 200
            load = Load(farm.port).start()
            try:
                time.sleep(2.0)
                stop_began = time.monotonic()
                database.stop("fast")  # disconnects every session, as a stopped or failed-over server does
                stopped = time.monotonic()

                # The probes, each within the limit.
                probes = {
                    "healthz": _timed(farm.port, "/healthz"),
                    "readyz": _timed(farm.port, "/readyz"),
                    "list": _timed(farm.port, LIST),
                    # A session cookie: the session is looked up in the database before the view runs.
                    "list with session": _timed(farm.port, LIST, headers={"Cookie": "sessionid=" + "x" * 32}),
                    # A bearer token and an Idempotency-Key: the idempotency middleware reads the
                    # token in process_view, outside any view's exception handling.
                    "post with token": _timed(
                        farm.port,
                        LIST,
                        method="POST",
                        body={"name": "Outage"},
                        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "outage-1"},
                    ),
                    "admin with session": _timed(farm.port, "/admin/", headers={"Cookie": "sessionid=" + "y" * 32}),
                }
                time.sleep(2.0)  # the load runs on through the outage

                restart_began = time.monotonic()
                database.start()
                restarted = time.monotonic()
                recovered = _wait_for(lambda: all(_lists_ok(port) for port in workers), RECOVERY_LIMIT + 5)
                recovered_at = time.monotonic()
                time.sleep(1.0)
                after = _timed(farm.port, "/readyz")
            finally:
                load.stop()

        before = load.answered_before(stop_began)
        outage = [r for r in load.started_between(0, recovered_at) if r not in before]
        tail = load.started_between(recovered_at, float("inf"))
        first_503 = min((r[0] + r[3] for r in outage if r[2] == 503), default=None)
        failed = [r for r in outage if r[2] != 200]
        odd = [(r[1], r[2], r[4]) for r in load.results if r[2] != 200 and not _is_database_503(r[2], r[4])]
        slowest = max(r[3] for r in load.results)
        print(
            f"\nPostgreSQL stopped under load: {len(load.results)} requests sent ({len(before)} before, "
            f"{len(outage)} during the outage, {len(tail)} after), {len(failed)} failed during the outage "
            f"(all 503 JSON: {not odd}); first 503 {_round(first_503 and first_503 - stop_began)} s after the stop "
            f"began (pg_ctl stop took {stopped - stop_began:.2f} s); slowest answer {slowest:.2f} s; "
            f"probes {', '.join(f'{name} {p[0]} in {p[3]:.2f} s' for name, p in probes.items())}; database restarted "
            f"in {restarted - restart_began:.2f} s, both workers listing again {_round(recovered)} s after that"
        )

        status, _, body, _ = probes["healthz"]
        assert status == 200, body
        status, headers, body, _ = probes["readyz"]
        assert status == 503 and body["code"] == "not_ready" and body["checks"]["database"] == "down", body
        assert {"status", "code", "detail"} <= body.keys() and headers.get("retry-after") == "5"
        for name in ("list", "list with session", "post with token", "admin with session"):
            status, headers, body, _ = probes[name]
            assert _is_database_503(status, body), (name, status, body)
            assert headers.get("content-type") == "application/json" and headers.get("retry-after") == "5", name
        assert all(p[3] < ANSWER_LIMIT for p in probes.values()), probes

        assert before and all(r[2] == 200 for r in before), "the load failed before the database stopped"
        assert failed, "no request noticed the outage: did the database stop?"
        assert odd == [], f"answers other than 200 or the database 503: {odd[:5]}"
        assert slowest < ANSWER_LIMIT, f"an answer took {slowest:.2f} s"
        assert recovered is not None, f"the workers did not serve again within {RECOVERY_LIMIT + 5:.0f} s"
        assert recovered < RECOVERY_LIMIT
        assert tail and all(r[2] == 200 for r in tail), [r[:3] for r in tail if r[2] != 200][:5]
        assert after[0] == 200 and after[2]["checks"]["database"] == "ok", after


def _round(value):
    return None if value is None else round(value, 2)
