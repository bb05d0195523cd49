"""Reading wrk's report (bench/wrk.py)."""

import pytest

from bench import wrk

OUTPUT = """Running 2s test @ http://127.0.0.1:8080/healthz
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.21ms   20.12ms 250.00ms   97.00%
    Req/Sec   520.00    100.00   700.00     70.00%
  Latency Distribution
     50%  812.00us
     75%    5.00ms
     90%    7.00ms
     99%    1.50s
  2975 requests in 2.01s, 500.00KB read
  Socket errors: connect 1, read 2, write 0, timeout 4
  Non-2xx or 3xx responses: 3
Requests/sec:   1481.59
Transfer/sec:    248.76KB
"""


def test_parses_the_figures():
    result = wrk.parse(OUTPUT)
    assert result.as_dict() == {
        "requests": 2975,
        "seconds": 2.01,
        "rps": 1481.59,
        "p50_ms": 0.812,
        "p99_ms": 1500.0,
        "non_2xx_3xx": 3,
        "socket_errors": 7,
        "transfer_per_sec": "248.76KB",
        "failed": 10,
    }


def test_a_clean_run_has_no_failures():
    clean = "\n".join(line for line in OUTPUT.splitlines() if "Socket" not in line and "Non-2xx" not in line)
    assert wrk.parse(clean).failed == 0


@pytest.mark.parametrize(("text", "ms"), [("812.00us", 0.812), ("1.23ms", 1.23), ("2.01s", 2010.0), ("1.50m", 90000.0)])
def test_durations(text, ms):
    assert wrk.to_ms(text) == pytest.approx(ms)


def test_missing_figures_are_an_error():
    with pytest.raises(ValueError, match="Requests/sec"):
        wrk.parse(OUTPUT.replace("Requests/sec", "Reqs"))
    with pytest.raises(ValueError):
        wrk.to_ms("fast")


def test_only_loopback_and_bounded():
    argv = wrk.command("http://127.0.0.1:9/x", connections=16, seconds=10, script="a.lua", headers=["A: b"])
    assert argv == ["wrk", "-t2", "-c16", "-d10s", "--latency", "--timeout", "10s", "-H", "A: b", "-s", "a.lua",
                    "http://127.0.0.1:9/x"]  # fmt: skip
    with pytest.raises(ValueError):
        wrk.command("http://example.com/", connections=1, seconds=1)
