"""Liveness and readiness for the load balancer and for operators."""

import uuid

from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from api.core import replica
from api.core.errors import is_database_unavailable


@never_cache
@require_safe
def healthz(request):
    """Alive: no database, no cache, no auth. Cheap enough to poll every second."""
    return JsonResponse({"status": "ok"})


def _database_ok(alias: str = "default") -> bool:
    try:
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True
    except Exception as exc:  # any failure means not ready
        if not is_database_unavailable(exc):
            raise
        return False


def _cache_ok() -> bool:
    # With ignore_exc a dead memcached reads as a miss, so write and read back a probe.
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    ok = cache.get(key) == "1"
    cache.delete(key)
    return ok


@never_cache
@require_safe
def readyz(request):
    checks = {"database": "ok" if _database_ok() else "down", "cache": "ok" if _cache_ok() else "down"}
    if replica.configured():
        # Most reads go there: a worker without it cannot serve (api.core.db_routers).
        checks["replica"] = "ok" if _database_ok(replica.REPLICA) else "down"
    down = [name for name, state in checks.items() if state != "ok"]
    if down:
        body = {"status": 503, "code": "not_ready", "detail": f"Not ready: {', '.join(down)} down.", "checks": checks}
        response = JsonResponse(body, status=503)
        response["Retry-After"] = "5"
        return response
    return JsonResponse({"status": "ok", "checks": checks})
