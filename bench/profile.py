"""Where a request's time goes: pyinstrument over N in-process requests on the bench database.

    python -m bench.profile /api/v1/tasks/?page_size=50 [--user member0@mc00.example.com] [--repeat 20]
        [--cold | --miss]

The same settings as the farm's workers (DEBUG off, PostgreSQL wafer_bench; a local-memory cache unless
BENCH_PROFILE_MEMCACHED=host:port names a memcached), the request through Django's whole handler and
middleware; `--cold` turns the response cache off (RESPONSE_CACHE_SECONDS=0), so every request
computes its answer; `--miss` adds a unique no-op parameter to each request, as the bench's cold
scenarios do, so each misses the answer cache while totals and rows still come from theirs;
`--header 'If-None-Match: "..."'` adds a header. Prints the call tree (time per function, the fast
ones hidden) and the mean milliseconds per request.
"""

import argparse
import os
import sys
import time

from bench.dataset import bench_environment


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("path")
    parser.add_argument("--user", help="force-authenticate as this email (default: anonymous)")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--cold", action="store_true", help="response cache off: every request misses")
    parser.add_argument("--miss", action="store_true", help="a unique no-op parameter per request: answers miss")
    parser.add_argument("--all", action="store_true", help="show every frame (Django's and DRF's too)")
    parser.add_argument("--header", action="append", default=[], help="'Name: value', e.g. If-None-Match")
    args = parser.parse_args(argv)
    os.environ.update(bench_environment())
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "api.config.settings",
            "DEBUG": "false",
            "SECRET_KEY": "bench-profile",
            "ALLOWED_HOSTS": "testserver",
            "MEMCACHED_SERVERS": os.environ.get("BENCH_PROFILE_MEMCACHED", ""),  # e.g. 127.0.0.1:11311
            "THROTTLE_ANON": "1000000/min",
            "THROTTLE_USER": "1000000/min",
            "THROTTLE_TOKEN": "1000000/min",
        }
    )
    if args.cold:
        os.environ["RESPONSE_CACHE_SECONDS"] = "0"
    import django

    django.setup()
    from pyinstrument import Profiler
    from rest_framework.test import APIClient

    from api.accounts.models import User

    client = APIClient()
    if args.user:
        client.force_authenticate(User.objects.get(email=args.user))
    extra = {
        "HTTP_" + n.strip().upper().replace("-", "_"): v.strip() for n, v in (h.split(":", 1) for h in args.header)
    }
    separator = "&" if "?" in args.path else "?"
    nonce = f"{os.getpid()}-{time.time_ns()}"

    def path(number):
        return f"{args.path}{separator}nocache={nonce}-{number}" if args.miss else args.path

    first = client.get(path("first"), **extra)  # warm: connection, imports, URL resolver
    if first.status_code >= 400:
        print(f"{args.path} answered {first.status_code}: {first.content[:300]!r}")
        return 1
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    with profiler:
        for number in range(args.repeat):
            client.get(path(number), **extra)
    per = (time.perf_counter() - started) * 1000 / args.repeat
    print(profiler.output_text(unicode=True, color=False, show_all=args.all))
    print(f"{args.path}: {per:.1f} ms per request over {args.repeat} (load {os.getloadavg()[0]:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
