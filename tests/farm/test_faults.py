"""Faults the farm survives: a real farm (HAProxy + 2 gunicorn workers) on 127.0.0.1, bounded in time and count.

Each test prints its figures (run pytest with -s to see them; CI logs show them with -rA too).
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time

import pytest

from api.farm.config import Backend, HAProxySettings, render
from api.farm.run import haproxy_binary
from tests.farm.support import (
    alive,
    answers,
    audited_ips,
    descendants,
    farm_env,  # noqa: F401 (fixture)
    free_ports,
    get,
    needs_haproxy,
    running_farm,
)

pytestmark = needs_haproxy

LOAD_SECONDS = 6.0
LOAD_THREADS = 4
RECOVERY_LIMIT = 10.0  # "the worker is back within seconds"


class Load:
    """A steady GET load from a few threads, each on its own keep-alive connection through HAProxy."""

    PATHS = ("/healthz", "/api/v1/programs/")

    def __init__(self, port: int):
        self.port = port
        self.sent = 0
        self.failed: list[str] = []
        self.lock = threading.Lock()
        self.stop_at = 0.0

    def _run(self, index: int):
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        n = 0
        while time.monotonic() < self.stop_at:
            path = self.PATHS[(index + n) % len(self.PATHS)]
            n += 1
            try:
                conn.request("GET", path, headers={"Host": "localhost"})
                response = conn.getresponse()
                response.read()
                outcome = None if response.status == 200 else f"{path}: {response.status}"
            except OSError as exc:
                outcome = f"{path}: {exc!r}"
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            with self.lock:
                self.sent += 1
                if outcome:
                    self.failed.append(outcome)
        conn.close()

    def start(self, seconds: float) -> list[threading.Thread]:
        self.stop_at = time.monotonic() + seconds
        threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(LOAD_THREADS)]
        for thread in threads:
            thread.start()
        return threads


def test_kill_9_of_a_worker_during_load_fails_no_request_and_the_worker_comes_back(farm_env, tmp_path):  # noqa: F811
    env, _token = farm_env
    with running_farm(tmp_path, env) as farm:
        victim = farm.child("web1")
        port = victim["port"]
        orphans = descendants(victim["pid"])  # gunicorn's own worker process under it
        load = Load(farm.port)
        threads = load.start(LOAD_SECONDS)
        time.sleep(2.0)
        killed_at = time.monotonic()
        os.kill(victim["pid"], signal.SIGKILL)
        respawned = recovered = None
        while time.monotonic() - killed_at < RECOVERY_LIMIT + 5:
            if respawned is None and farm.child("web1")["pid"] not in (None, victim["pid"]):
                respawned = time.monotonic() - killed_at  # the supervisor started a new worker process
            if respawned is not None and answers(port):
                recovered = time.monotonic() - killed_at  # ... and it serves again
                break
            time.sleep(0.05)
        for thread in threads:
            thread.join(timeout=LOAD_SECONDS + 15)
        print(
            f"\nkill -9 worker: {load.sent} requests sent, {len(load.failed)} failed, "
            f"restarted after {respawned if respawned is None else round(respawned, 2)} s, "
            f"serving again after {recovered if recovered is None else round(recovered, 2)} s "
            f"(new pid {farm.child('web1')['pid']}, restarts {farm.child('web1')['restarts']})"
        )
        assert load.failed == []
        assert load.sent > 50
        assert recovered is not None and recovered < RECOVERY_LIMIT
        assert not any(alive(pid) for pid in orphans), "the killed worker's own child outlived it"


def test_a_spoofed_x_forwarded_for_does_not_become_the_client_ip(farm_env, tmp_path):  # noqa: F811
    env, token = farm_env
    auth = {"Authorization": f"Bearer {token}", "X-Forwarded-For": "6.6.6.6"}
    with running_farm(tmp_path, env) as farm:
        # Through HAProxy: the client's header is replaced by the real peer.
        status, _, body = get(farm.port, "/api/v1/auth/me/", headers=auth, method="PATCH", body={"given_name": "Via"})
        assert status == 200, body[:500]
        through_haproxy = audited_ips(farm.port, token)
        # Straight to a worker from 127.0.0.1 (a trusted proxy): believed. This is why workers listen on
        # loopback only, where nothing but HAProxy can reach them.
        worker = farm.child("web2")["port"]
        status, _, body = get(worker, "/api/v1/auth/me/", headers=auth, method="PATCH", body={"given_name": "Direct"})
        assert status == 200, body[:500]
        both = audited_ips(farm.port, token)
    print(f"\nspoofed X-Forwarded-For: audit log IPs through HAProxy {through_haproxy}, then with a direct one {both}")
    assert through_haproxy == ["127.0.0.1"]
    assert sorted(both) == ["127.0.0.1", "6.6.6.6"]


def test_sigterm_stops_the_farm_and_leaves_no_child_process(farm_env, tmp_path):  # noqa: F811
    env, _token = farm_env
    with running_farm(tmp_path, env) as farm:
        pids = descendants(farm.proc.pid)
        assert len(pids) >= 6  # 2 gunicorn masters + their workers, haproxy, the task worker
        seconds = farm.stop()
        deadline = time.monotonic() + 5
        while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = sorted(pid for pid in pids if alive(pid))
        code = farm.proc.returncode
        print(f"\nSIGTERM: farm exited in {seconds:.2f} s with code {code}; {len(pids)} children, {left} left")
        assert farm.proc.returncode == 0
        assert left == []
        assert not answers(farm.port)


def test_no_worker_up_answers_a_json_503(tmp_path):
    base = free_ports(3)
    backends = [Backend("web1", "127.0.0.1", base + 1), Backend("web2", "127.0.0.1", base + 2)]  # nobody listens
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(render(HAProxySettings(backends=backends, concurrency=2, port=base)))
    with open(tmp_path / "haproxy.log", "wb") as log:
        proc = subprocess.Popen([haproxy_binary(), "-f", str(cfg), "-db"], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                started = time.monotonic()
                status, headers, body = get(base, "/api/v1/programs/", timeout=10)
                took = time.monotonic() - started
                break
            except ConnectionRefusedError:
                time.sleep(0.1)  # haproxy is not listening yet
        else:
            raise AssertionError("haproxy did not listen")
    finally:
        proc.kill()
        proc.wait(timeout=10)
    print(f"\nno worker up: {status} {headers.get('content-type')} in {took:.2f} s")
    assert status == 503
    assert headers.get("content-type") == "application/json"
    assert json.loads(body)["code"] == "service_unavailable"


def test_memcached_stopped_during_load_fails_no_request(farm_env, tmp_path):  # noqa: F811
    memcached = shutil.which("memcached")
    if memcached is None:
        pytest.skip("memcached is not installed (apt-get install memcached; CI has it)")
    env, _token = farm_env
    port = free_ports(1)
    argv = [memcached, "-l", "127.0.0.1", "-p", str(port), "-m", "16", "-U", "0"]
    if os.geteuid() == 0:
        argv += ["-u", "root"]
    cache = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # The test owns memcached (the farm sees the port taken and starts none), so it stays down once killed.
        with running_farm(tmp_path, {**env, "MEMCACHED_SERVERS": f"127.0.0.1:{port}"}) as farm:
            ready_before = get(farm.port, "/readyz")[0]
            load = Load(farm.port)  # its API calls go through the throttle, which counts in the cache
            threads = load.start(LOAD_SECONDS)
            time.sleep(2.0)
            cache.kill()
            cache.wait(timeout=10)
            for thread in threads:
                thread.join(timeout=LOAD_SECONDS + 15)
            ready_after, health_after = get(farm.port, "/readyz")[0], get(farm.port, "/healthz")[0]
    finally:
        cache.kill()
        cache.wait(timeout=10)
    print(
        f"\nmemcached killed during load: {load.sent} requests sent, {len(load.failed)} failed; "
        f"/readyz {ready_before} before, {ready_after} after; /healthz {health_after}"
    )
    assert load.failed == []
    assert load.sent > 50
    assert (ready_before, ready_after, health_after) == (200, 503, 200)


def test_slow_clients_do_not_take_the_workers_away(farm_env, tmp_path):  # noqa: F811
    env, _token = farm_env
    slow_clients = 24  # more than the farm's 2 workers x 4 threads
    with running_farm(tmp_path, env) as farm:
        socks = []
        try:
            for _ in range(slow_clients):
                sock = socket.create_connection(("127.0.0.1", farm.port), timeout=5)
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")  # ... and never the blank line
                socks.append(sock)
            sent, failed, slowest = 0, [], 0.0
            stop_at = time.monotonic() + 4.0
            while time.monotonic() < stop_at:
                for sock in socks:
                    sock.sendall(b"X-Slow: 1\r\n")  # a header now and then keeps a naive server waiting
                started = time.monotonic()
                status = get(farm.port, "/api/v1/programs/", timeout=5)[0]
                slowest = max(slowest, time.monotonic() - started)
                sent += 1
                if status != 200:
                    failed.append(status)
                time.sleep(0.2)
        finally:
            for sock in socks:
                sock.close()
    print(f"\n{slow_clients} slow clients: {sent} normal requests sent, {len(failed)} failed, slowest {slowest:.2f} s")
    assert failed == []
    assert sent > 5
