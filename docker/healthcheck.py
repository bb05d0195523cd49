"""The web image's HEALTHCHECK: GET /healthz on the local gunicorn (slim images have no curl).

Django answers 400 to a Host header outside ALLOWED_HOSTS, so the probe sends the first host
ALLOWED_HOSTS names (a container's own address is rarely in it).
"""

import os
import sys
import urllib.error
import urllib.request

HEALTHZ_URL = "http://127.0.0.1:8000/healthz"


def probe_host(allowed_hosts: str) -> str:
    """A Host header that ALLOWED_HOSTS accepts: its first concrete entry, else localhost."""
    for entry in allowed_hosts.split(","):
        host = entry.strip()
        if host and "*" not in host:
            return host.lstrip(".")  # ".example.org" allows example.org itself
    return "localhost"


def main(url: str = HEALTHZ_URL) -> int:
    host = probe_host(os.environ.get("ALLOWED_HOSTS", ""))
    request = urllib.request.Request(url, headers={"Host": host})  # noqa: S310 (a fixed http:// URL)
    try:
        with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as exc:  # 4xx/5xx: a 400 here usually means ALLOWED_HOSTS
        status = exc.code
        exc.close()
    except OSError as exc:  # refused connection, timeout
        print(f"healthcheck: {url} (Host: {host}) failed: {exc}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"healthcheck: {url} (Host: {host}) answered {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
