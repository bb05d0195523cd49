"""`make bench`: issue 10's benchmark, end to end, bounded, on 127.0.0.1 only.

    python -m bench.run [--concurrency 16] [--duration 10] [--only NAME ...] [--no-memory]

1. builds or reuses the dataset (bench/dataset.py) and the run's tokens and write event (bench/prepare.py);
2. starts a private memcached and the farm (2 workers, HAProxy) on free ports (bench/farm.py);
3. per scenario (bench/scenarios.py): samples `X-Query-Count` with a few plain requests, then runs wrk
   at fixed concurrency and duration;
4. sends 10,000 mixed reads and records each worker's memory (bench/memory.py);
5. judges the targets and writes bench/results/<UTC>.json, .md and latest.md (bench/results.py).
The farm and memcached are stopped at the end, whatever happens (Ctrl-C included).
"""

import argparse
import http.client
import json
import os
import re
import secrets
import subprocess
import sys
import time
from datetime import UTC, datetime

from bench import results, wrk
from bench.dataset import COUNTS, bench_environment, database_url
from bench.farm import VAR, Farm
from bench.memory import measure
from bench.scenarios import scenarios, write_scripts

PYTHON = sys.executable


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario (default 10)")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="farm workers (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    parser.add_argument("--only", nargs="*", help="only these scenarios (the ceilings always run)")
    parser.add_argument("--no-memory", action="store_true", help="skip the 10,000-request memory phase")
    args = parser.parse_args(argv)
    if not (1 <= args.concurrency <= 64 and 1 <= args.duration <= 60):
        parser.error("keep it bounded: --concurrency 1..64, --duration 1..60")
    return args


def _django(module: str, env: dict) -> str:
    done = subprocess.run(  # noqa: S603 - our own modules, with this interpreter
        [PYTHON, "-m", module], env={**os.environ, **env}, capture_output=True, text=True, timeout=900, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"python -m {module} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def request(port: int, path: str, *, method="GET", headers=None, body=None) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers={"Host": "localhost", **(headers or {})})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def _headers(lines: list[str]) -> dict:
    return dict(line.split(": ", 1) for line in lines)


def sample_queries(port: int, scenario, fixtures: dict, nonce: str) -> dict:
    """X-Query-Count of a few requests like the scenario's, by X-Cache outcome (or 'request')."""
    out: dict[str, list[int]] = {}

    def record(status, headers, key=None):
        if status >= 400:
            raise RuntimeError(f"{scenario.name}: a sample request answered {status}")
        key = key or headers.get("x-cache", "request")
        out.setdefault(key, []).append(int(headers["x-query-count"]))

    headers = {**_headers(scenario.headers), **scenario.sample_headers}
    if scenario.name == "register_cancel":
        person, registration = fixtures["writers"][-1]
        auth = {"Authorization": f"Bearer {fixtures['staff_token']}", "Content-Type": "application/json"}
        base = f"/api/v1/events/{fixtures['event_id']}/registrations/"
        for _ in range(2):  # leaves the person cancelled, as the wrk script expects
            record(
                *request(port, base, method="POST", headers=auth, body=json.dumps({"person": person}))[:2], "register"
            )
            record(*request(port, f"{base}{registration}/cancel/", method="POST", headers=auth)[:2], "cancel")
        return out
    path = scenario.path
    for n in range(3):
        if scenario.name in {"publications_cold", "search"}:
            path = f"{scenario.path}&nocache=sample-{nonce}-{n}"
        record(*request(port, path, headers=headers)[:2])
    if scenario.list_path:
        out["list_pages"] = []
        for page in (1, 2, 5, 20):
            path = scenario.list_path.format(page=page) + f"&nocache=pages-{nonce}"
            status, got, _ = request(port, path, headers=headers)
            if status >= 400:
                raise RuntimeError(f"{scenario.name}: page {page} answered {status}")
            out["list_pages"].append(int(got["x-query-count"]))
    return out


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv=None) -> int:
    args = parse_args(argv)
    t0 = time.monotonic()
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    env = bench_environment(database_url())
    print(f"bench: dataset on {database_url()}", flush=True)
    built = _django("bench.dataset", env)
    print(built.strip(), flush=True)
    fixtures = json.loads(_django("bench.prepare", env).strip().splitlines()[-1])
    nonce = secrets.token_hex(4)
    farm = Farm(bench_env=env, workers=args.workers, threads=args.threads)
    run = {
        "started_at": started,
        "setup": {
            "workers": args.workers,
            "threads": args.threads,
            "concurrency": args.concurrency,
            "duration": args.duration,
            "wrk_threads": args.wrk_threads,
            "database": env["DATABASE_URL"].rsplit("/", 1)[-1],
            "dataset": f"{COUNTS['publications']:,} publications, {COUNTS['tasks']:,} tasks, "
            f"{COUNTS['downloads']:,} download records",
            "dataset_build": (re.search(r"built in (\d+) s", built) or re.search("(reused)", built)).group(1),
            "cpus": os.cpu_count(),
            "load_before": load(),
            "cold_cache": "a unique no-op query parameter per request (`&nocache=<run>-<thread>-<n>`; the strict "
            "filters accept unknown parameters and the cache key includes the query), RESPONSE_CACHE_SECONDS 300",
        },
        "scenarios": [],
        "notes": [],
    }
    try:
        print(
            f"bench: {time.monotonic() - t0:.0f} s: farm on 127.0.0.1:{farm.port} (logs: {farm.log_dir})",
            flush=True,
        )
        farm.start()
        _, headers, _ = request(farm.port, "/api/v1/publications/?page_size=50")
        etag = headers["etag"]
        items = scenarios(fixtures, etag=etag, nonce=nonce, wrk_threads=args.wrk_threads)
        if args.only:
            items = [s for s in items if s.name.startswith("ceiling") or s.name in args.only]
        scripts = write_scripts(items, VAR / "lua")
        ceiling_url = farm.url + "/bench/ceiling/"
        last_ceiling = None
        for index, item in enumerate(items):
            queries = sample_queries(farm.port, item, fixtures, nonce)
            before = load()
            result, _ = wrk.run(
                farm.url + item.path,
                connections=item.connections or args.concurrency,
                seconds=args.duration,
                threads=args.wrk_threads,
                script=scripts.get(item.name),
                headers=item.headers,
            )
            row = {
                "name": item.name,
                "title": item.title,
                "path": item.path.split("?")[0],
                "connections": item.connections or args.concurrency,
                "read": item.read,
                "list": item.list_path is not None,
                "queries": queries,
                "load_before": before,
                **result.as_dict(),
            }
            if item.name.startswith("ceiling"):
                last_ceiling = result.rps
            elif last_ceiling is not None:
                # The box's load drifts (other people's tests): judge each scenario against the ceiling
                # measured just before and just after it, not one from minutes earlier.
                after = items[index + 1] if index + 1 < len(items) else None
                if after is None or not after.name.startswith("ceiling"):
                    short = max(3, args.duration // 2)
                    paired, _ = wrk.run(
                        ceiling_url, connections=args.concurrency, seconds=short, threads=args.wrk_threads
                    )
                    row["ceiling_rps"] = round((last_ceiling + paired.rps) / 2, 1)
                    row["ceiling_failed"] = paired.failed
                    last_ceiling = paired.rps
                else:
                    row["pending_ceiling"] = last_ceiling
            if index and run["scenarios"] and "pending_ceiling" in run["scenarios"][-1]:
                previous = run["scenarios"][-1]
                previous["ceiling_rps"] = round((previous.pop("pending_ceiling") + result.rps) / 2, 1)
            run["scenarios"].append(row)
            print(
                f"  {item.name:<18} {result.rps:>8.0f} req/s  p50 {result.p50_ms:6.1f} ms  p99 {result.p99_ms:6.1f} ms"
                f"  queries {queries}  failed {result.failed}  (load {before}; ceiling {row.get('ceiling_rps')})",
                flush=True,
            )
        if not args.no_memory:
            member = {"Authorization": f"Bearer {fixtures['member_token']}"}
            # The read scenarios' requests; the member's task list (seconds per request on a busy box)
            # only every 20th time, so the phase stays bounded; pages 1-20 fill the cache, then hit it.
            cheap = [
                ("/api/v1/publications/?page_size=50", {}),
                ("/api/v1/publications/?page_size=50", {"If-None-Match": etag}),
                ("/api/v1/publications/?page_size=50&q=resist", {}),
                ("/healthz", {}),
                ("/bench/ceiling/", {}),
            ]
            mix = [("/api/v1/tasks/?page_size=50", member)]
            for page in range(1, 20):
                mix += [*cheap[:4], (f"/api/v1/publications/?page_size=50&page={page}", {})]
            print(f"bench: {time.monotonic() - t0:.0f} s: memory phase (10,000 mixed reads)", flush=True)
            run["memory"] = measure(farm, mix)
            print(f"  {run['memory']}", flush=True)
    finally:
        farm.stop()
    print(f"bench: {time.monotonic() - t0:.0f} s: farm stopped", flush=True)
    run["setup"]["load_after"] = load()
    run["targets"] = results.judge(run)
    json_path, md_path = results.write(run)
    print(results.markdown(run))
    print(f"bench: results in {json_path} and {md_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
