"""Judging a run and writing it down (bench/results.py)."""

import json

from bench import results


def scenario(name, rps, *, p50=2.0, p99=6.0, failed=0, read=True, queries=None, listing=False):
    return {
        "name": name,
        "title": name,
        "rps": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "requests": int(rps * 10),
        "failed": failed,
        "read": read,
        "list": listing,
        "queries": queries or {"request": [0]},
    }


def a_run(**overrides):
    run = {
        "started_at": "2026-11-27T13:00:00Z",
        "setup": {
            "workers": 2,
            "threads": 4,
            "concurrency": 16,
            "duration": 10,
            "wrk_threads": 2,
            "database": "wafer_bench",
            "dataset": "50,000 publications",
            "cpus": 2,
            "load_before": "1.00",
            "load_after": "2.00",
            "cold_cache": "a unique parameter",
        },
        "scenarios": [
            scenario("ceiling", 1000),
            scenario("publications_warm", 700),
            scenario("publications_304", 790),
            scenario("tasks_member", 300, p99=9.0, queries={"request": [6], "list_pages": [6, 6]}, listing=True),
            scenario("register_cancel", 50, p50=10, p99=100, read=False),
        ],
        "memory": {
            "requests": 10000,
            "step": 2000,
            "failed": 0,
            "stopped_growing": True,
            "workers": [{"name": "web1", "pid": 1, "rss_mb": [80, 90, 91, 91.5], "growth_last_mb": 1.5}],
        },
    }
    run.update(overrides)
    return run


def verdicts(run):
    return {row["target"]: (row["figure"], row["met"]) for row in results.judge(run)}


def test_ratios_are_to_the_same_runs_ceiling():
    run = a_run()
    got = verdicts(run)
    assert [s["ratio"] for s in run["scenarios"]] == [1.0, 0.7, 0.79, 0.3, 0.05]
    assert got["publications_warm: >= 70% of the ceiling"] == ("70%", True)
    assert got["publications_304: >= 80% of the ceiling"] == ("79%", False)
    assert got["tasks_member: >= 20% of the ceiling"] == ("30%", True)


def test_latency_spread_only_for_reads():
    got = verdicts(a_run())
    assert got["ceiling: p99 <= 4 x p50"] == ("3.0x", True)
    assert got["tasks_member: p99 <= 4 x p50"] == ("4.5x", False)
    assert not any(target.startswith("register_cancel: p99") for target in got)


def test_list_queries_must_be_few_on_every_page():
    got = verdicts(a_run())
    assert got["tasks_member: queries per list request <= 5 on every sampled page"] == ("6", False)
    run = a_run()
    run["scenarios"][3]["queries"]["list_pages"] = [1, 5]  # a page with its rows cached, one without
    assert verdicts(run)["tasks_member: queries per list request <= 5 on every sampled page"] == ("1/5", True)
    run["scenarios"][3]["queries"]["list_pages"] = [5, 6]
    assert verdicts(run)["tasks_member: queries per list request <= 5 on every sampled page"] == ("5/6", False)
    run["scenarios"][3]["queries"]["list_pages"] = [4, 4]
    assert verdicts(run)["tasks_member: queries per list request <= 5 on every sampled page"] == ("4", True)


def test_any_failure_fails_the_run():
    assert verdicts(a_run())["zero failed requests"] == ("0", True)
    run = a_run()
    run["scenarios"][4]["failed"] = 2
    run["memory"]["failed"] = 1
    assert verdicts(run)["zero failed requests"] == ("3", False)


def test_memory_growth():
    assert verdicts(a_run())["worker memory stops growing (last 4,000 requests: < 2 MB)"] == ("web1 +1.5 MB", True)
    run = a_run()
    run["memory"]["stopped_growing"] = False
    assert verdicts(run)["worker memory stops growing (last 4,000 requests: < 2 MB)"][1] is False


def test_writes_json_markdown_and_latest(tmp_path):
    run = a_run()
    run["targets"] = results.judge(run)
    json_path, md_path = results.write(run, tmp_path)
    assert json_path.name == "20261127T130000Z.json"
    assert json.loads(json_path.read_text())["scenarios"][0]["name"] == "ceiling"
    text = md_path.read_text()
    assert (tmp_path / "latest.md").read_text() == text
    assert "| publications_304 | 790 | - | 79% | 2.0 | 6.0 | request 0 | 7900 | 0 |" in text
    assert "| publications_304: >= 80% of the ceiling | 79% | **no** |" in text
    assert "- web1 (pid 1): 80.0 → 90.0 → 91.0 → 91.5" in text


def test_keeps_only_the_newest_runs(tmp_path):
    for minute in range(results.KEEP + 3):
        run = a_run(started_at=f"2026-11-27T13:{minute:02d}:00Z")
        run["targets"] = results.judge(run)
        results.write(run, tmp_path)
    kept = sorted(p.name for p in tmp_path.glob("*.json"))
    assert len(kept) == results.KEEP
    assert kept[0] == "20261127T130300Z.json"
    assert len(list(tmp_path.glob("*.md"))) == results.KEEP + 1  # and latest.md


def test_two_ceilings_are_averaged():
    run = a_run()
    run["scenarios"].append(scenario("ceiling_end", 600))
    got = verdicts(run)
    assert run["ceiling_rps"] == 800.0
    assert got["publications_warm: >= 70% of the ceiling"] == ("88%", True)


def test_a_scenario_is_judged_against_the_ceilings_beside_it():
    run = a_run()
    run["scenarios"][1]["ceiling_rps"] = 875.0  # the box got busier while it ran
    run["scenarios"][1]["ceiling_failed"] = 1
    got = verdicts(run)
    assert got["publications_warm: >= 70% of the ceiling"] == ("80%", True)
    assert got["zero failed requests"] == ("1", False)
    run["targets"] = results.judge(run)
    assert "| publications_warm | 700 | 875.0 | 80% |" in results.markdown(run)
