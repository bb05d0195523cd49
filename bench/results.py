"""Judging a run against issue 10's targets and writing it down: bench/results/<UTC>.json and .md, latest.md.

Every ratio is to the ceiling's requests per second *in the same run*, measured just before and just
after the scenario: the machine (and whoever else loads it) changes between runs and during one, the
ratios much less.
"""

import json
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
KEEP = 10  # runs kept in bench/results/ (the JSON and Markdown of older ones are removed)

# scenario -> the least fraction of the ceiling's requests/s it should reach (issue 10, "Targets")
RATIO_TARGETS = {
    "publications_warm": 0.70,
    "publications_304": 0.80,
    "publications_cold": 0.25,
    "search": 0.20,
    "tasks_member": 0.20,
}
P99_OVER_P50_MAX = 4.0
# Measured first and last: the ratios divide by their mean, since the box's load drifts during a run.
CEILINGS = ("ceiling", "ceiling_end")
LIST_QUERIES_MAX = 5


def ratio(scenario: dict, ceiling_rps: float) -> float | None:
    return round(scenario["rps"] / ceiling_rps, 3) if ceiling_rps else None


def judge(run: dict) -> list[dict]:
    """One row per target: what, the figure, met or not. Fills each scenario's `ratio` too."""
    scenarios = run["scenarios"]
    ceilings = [s["rps"] for s in scenarios if s["name"] in CEILINGS]
    ceiling = sum(ceilings) / len(ceilings) if ceilings else 0.0
    run["ceiling_rps"] = round(ceiling, 1)
    for s in scenarios:  # against the ceilings measured beside it when the runner paired them
        s["ratio"] = ratio(s, s.get("ceiling_rps") or ceiling)
    by_name = {s["name"]: s for s in scenarios}
    rows = []
    for name, least in RATIO_TARGETS.items():
        if name in by_name:
            got = by_name[name]["ratio"]
            rows.append({"target": f"{name}: >= {least:.0%} of the ceiling", "figure": _pct(got), "met": got >= least})
    for s in scenarios:
        if s.get("read") and s["p50_ms"] > 0:
            spread = s["p99_ms"] / s["p50_ms"]
            rows.append(
                {
                    "target": f"{s['name']}: p99 <= 4 x p50",
                    "figure": f"{spread:.1f}x",
                    "met": spread <= P99_OVER_P50_MAX,
                }
            )
    for s in scenarios:
        if s.get("list"):
            # At most 5 on every sampled page. Not one figure: a page whose rows are already cached
            # (api.core.response_cache.rows) costs 1 query, one whose rows are not 5; neither grows with the
            # page number or size (the suite pins that per endpoint, e.g. test_query_count_does_not_grow...).
            counts = sorted(set(s["queries"]["list_pages"]))
            figure = "/".join(str(n) for n in counts)
            target = f"{s['name']}: queries per list request <= {LIST_QUERIES_MAX} on every sampled page"
            rows.append({"target": target, "figure": figure, "met": counts[-1] <= LIST_QUERIES_MAX})
    failed = sum(s["failed"] + s.get("ceiling_failed", 0) for s in scenarios) + run.get("memory", {}).get("failed", 0)
    rows.append({"target": "zero failed requests", "figure": str(failed), "met": failed == 0})
    memory = run.get("memory")
    if memory:
        rows.append(
            {
                "target": "worker memory stops growing (last 4,000 requests: < 2 MB)",
                "figure": ", ".join(f"{w['name']} +{w['growth_last_mb']:.1f} MB" for w in memory["workers"]),
                "met": memory["stopped_growing"],
            }
        )
    return rows


def _pct(value) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _queries(q: dict) -> str:
    return ", ".join(f"{key} {'/'.join(str(n) for n in sorted(set(v)))}" for key, v in q.items() if v) or "-"


def markdown(run: dict) -> str:
    s = run["setup"]
    lines = [
        f"# Wafer benchmark, {run['started_at']}",
        "",
        f"{s['workers']} workers x {s['threads']} threads behind HAProxy, PostgreSQL `{s['database']}` "
        f"({s['dataset']}), memcached; `wrk -t{s['wrk_threads']} -c{s['concurrency']} -d{s['duration']}s` per scenario "
        f"on 127.0.0.1; {s['cpus']} CPUs, load average {s['load_before']} before, {s['load_after']} after. "
        f"Cold cache: {s['cold_cache']}.",
        "",
        f"Ceiling: {run.get('ceiling_rps', 0):.0f} requests/s (mean of the first and last runs); each scenario's "
        "ratio is to the mean of the ceilings measured just before and just after it (`ceiling beside`), "
        "since the box's load drifts during a run.",
        "",
        "| scenario | requests/s | ceiling beside | of ceiling | p50 ms | p99 ms | queries/request | requests "
        "| failed |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for x in run["scenarios"]:
        beside = x.get("ceiling_rps") or "-"
        lines.append(
            f"| {x['title']} | {x['rps']:.0f} | {beside} | {_pct(x.get('ratio'))} | {x['p50_ms']:.1f} "
            f"| {x['p99_ms']:.1f} | {_queries(x['queries'])} | {x['requests']} | {x['failed']} |"
        )
    lines += ["", "| target | figure | met |", "| --- | --- | --- |"]
    lines += [f"| {t['target']} | {t['figure']} | {'yes' if t['met'] else '**no**'} |" for t in run["targets"]]
    memory = run.get("memory")
    if memory:
        lines += ["", f"Memory (VmRSS, MB) after every {memory['step']} of {memory['requests']} mixed reads:", ""]
        for w in memory["workers"]:
            lines.append(f"- {w['name']} (pid {w['pid']}): " + " → ".join(f"{mb:.1f}" for mb in w["rss_mb"]))
    if run.get("notes"):
        lines += ["", *[f"- {note}" for note in run["notes"]]]
    return "\n".join(lines) + "\n"


def write(run: dict, directory: Path = RESULTS_DIR) -> tuple[Path, Path]:
    """<stamp>.json and <stamp>.md, latest.md a copy of the Markdown; only the newest KEEP runs stay."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = run["started_at"].replace(":", "").replace("-", "")
    json_path, md_path = directory / f"{stamp}.json", directory / f"{stamp}.md"
    json_path.write_text(json.dumps(run, indent=1) + "\n")
    text = markdown(run)
    md_path.write_text(text)
    (directory / "latest.md").write_text(text)
    runs = sorted(directory.glob("*.json"))
    for old in runs[:-KEEP]:
        old.unlink()
        old.with_suffix(".md").unlink(missing_ok=True)
    return json_path, md_path
