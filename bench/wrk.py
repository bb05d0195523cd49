"""Running `wrk` (Debian's package) and reading its report: requests/s, p50, p99, failures.

Only ever against 127.0.0.1, for a fixed number of seconds and connections (bench/run.py).
"""

import re
import subprocess
from dataclasses import asdict, dataclass

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}  # to milliseconds
_DURATION = re.compile(r"^\s*([\d.]+)(us|ms|s|m|h)\s*$")


@dataclass
class WrkResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx_3xx: int
    socket_errors: int  # connect + read + write + timeout
    transfer_per_sec: str

    @property
    def failed(self) -> int:
        return self.non_2xx_3xx + self.socket_errors

    def as_dict(self) -> dict:
        return {**asdict(self), "failed": self.failed}


def to_ms(text: str) -> float:
    """wrk's latency figure ('812.00us', '1.23ms', '2.01s', '1.50m') in milliseconds."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * UNITS[match.group(2)]


def parse(output: str) -> WrkResult:
    """The figures of `wrk --latency` output; a ValueError when one the benchmark needs is missing."""

    def find(pattern: str) -> re.Match:
        match = re.search(pattern, output, re.MULTILINE)
        if match is None:
            raise ValueError(f"wrk output without {pattern!r}:\n{output}")
        return match

    total = find(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h)")
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non_ok = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    transfer = re.search(r"^Transfer/sec:\s*(\S+)", output, re.MULTILINE)
    return WrkResult(
        requests=int(total.group(1)),
        seconds=to_ms(total.group(2) + total.group(3)) / 1000.0,
        rps=float(find(r"^Requests/sec:\s*([\d.]+)").group(1)),
        p50_ms=to_ms(find(r"^\s*50%\s+(\S+)").group(1)),
        p99_ms=to_ms(find(r"^\s*99%\s+(\S+)").group(1)),
        non_2xx_3xx=int(non_ok.group(1)) if non_ok else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
        transfer_per_sec=transfer.group(1) if transfer else "",
    )


def command(url: str, *, connections: int, seconds: int, threads: int = 2, script=None, headers=()) -> list[str]:
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError("the benchmark only loads 127.0.0.1")
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for header in headers:
        argv += ["-H", header]
    if script:
        argv += ["-s", str(script)]
    return [*argv, url]


def run(url: str, **kwargs) -> tuple[WrkResult, str]:
    argv = command(url, **kwargs)
    done = subprocess.run(  # noqa: S603 - wrk, argv built by command()
        argv,
        capture_output=True,
        text=True,
        timeout=kwargs["seconds"] + 30,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {done.returncode}: {done.stderr or done.stdout}")
    return parse(done.stdout), done.stdout
