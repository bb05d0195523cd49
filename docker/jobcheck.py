"""Health checks of the background containers (docker/compose.yaml), which serve no HTTP:

  python docker/jobcheck.py heartbeat FILE MAX_AGE   healthy while FILE was touched in the last MAX_AGE seconds
  python docker/jobcheck.py database                 healthy while Django reaches its database (SELECT 1)

`run_periodic --heartbeat FILE` touches its file from the scheduler loop, so a hung loop turns unhealthy.
"""

import os
import sys
import time
from pathlib import Path


def heartbeat_age(path: Path, now: float | None = None) -> float | None:
    """Seconds since the file was last touched, or None when it does not exist."""
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    return (time.time() if now is None else now) - mtime


def check_heartbeat(path: Path, max_age: float) -> int:
    age = heartbeat_age(path)
    if age is None:
        print(f"jobcheck: no heartbeat file {path}", file=sys.stderr)
        return 1
    if age > max_age:
        print(f"jobcheck: {path} last touched {age:.0f}s ago (limit {max_age:.0f}s)", file=sys.stderr)
        return 1
    return 0


def check_database() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "api.config.settings")
    import django
    from django.db import connection

    django.setup()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure: unhealthy, and say why
        print(f"jobcheck: database unreachable: {exc}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["heartbeat"] and len(argv) == 3:
        return check_heartbeat(Path(argv[1]), float(argv[2]))
    if argv == ["database"]:
        return check_database()
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
