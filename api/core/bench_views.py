"""The benchmark's ceiling: the cheapest answer Wafer can give through its whole middleware stack.

Routed only when `BENCH_ENDPOINTS` is on (bench/run.py turns it on; api.config.urls), so production
never exposes it and the OpenAPI contract does not list it. A DRF view like the real endpoints
(authentication, content negotiation, the JSON renderer), but no database, no cache, no throttle:
every other scenario's requests per second is read as a fraction of this one's (bench/README.md).
"""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


@extend_schema(exclude=True)
class CeilingView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = []  # throttles read and write the cache: not part of "the cheapest answer"

    def get(self, request):
        return Response({"status": "ok", "service": "wafer", "items": [1, 2, 3]})
