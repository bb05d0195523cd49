"""Do the workers stop growing? 10,000 mixed reads through HAProxy, VmRSS of each worker after every 2,000.

Python clients (exact request counts, which wrk cannot give), 8 threads on keep-alive connections; the
mix is the read scenarios' requests (bench/scenarios.py). "Stopped growing": over the last 4,000
requests each worker's resident memory grew by less than 2 MB.
"""

import http.client
import threading

from bench.farm import rss_mb

STEP = 2000
THREADS = 8
FLAT_OVER = 4000
FLAT_MB = 2.0


def _client(port: int, requests: list[tuple[str, dict]], count: int, offset: int, failures: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        for n in range(count):
            path, headers = requests[(offset + n) % len(requests)]
            conn.request("GET", path, headers={"Host": "localhost", **headers})
            response = conn.getresponse()
            response.read()
            if response.status >= 400:
                failures.append(response.status)
    finally:
        conn.close()


def measure(farm, requests: list[tuple[str, dict]], total: int = 10_000) -> dict:
    workers = farm.worker_pids()
    samples = {name: [rss_mb(pid)] for name, pid in workers}
    failures: list = []
    for _ in range(total // STEP):
        per = STEP // THREADS
        threads = [
            threading.Thread(target=_client, args=(farm.port, requests, per, t * 7, failures)) for t in range(THREADS)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for name, pid in workers:
            samples[name].append(rss_mb(pid))
    back = FLAT_OVER // STEP
    rows = []
    for name, pid in workers:
        mb = [round(x, 1) for x in samples[name]]
        rows.append({"name": name, "pid": pid, "rss_mb": mb, "growth_last_mb": round(mb[-1] - mb[-1 - back], 1)})
    return {
        "requests": total,
        "step": STEP,
        "failed": len(failures),
        "workers": rows,
        "stopped_growing": all(r["growth_last_mb"] < FLAT_MB for r in rows),
    }
