"""Helpers for the webhook tests: an independent signature check, endpoints through the service."""

import hashlib
import hmac
import json
import time

from api.webhooks import services
from api.webhooks.events import EVENT_TYPES

ENDPOINTS = "/api/v1/webhooks/endpoints/"
TOLERANCE = 300


def verify(secret: str, headers: dict, body: bytes, *, now: float | None = None) -> int:
    """Check `Wafer-Signature` as a receiver would, from the documented recipe only (not Wafer's
    signer): `t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>`, within 5 minutes of `now`.
    Returns t; raises AssertionError when the request must be refused."""
    raw = headers["Wafer-Signature"]
    fields = [part.split("=", 1) for part in raw.split(",")]
    timestamps = [value for key, value in fields if key == "t"]
    candidates = [value for key, value in fields if key == "v1"]
    assert len(timestamps) == 1 and timestamps[0].isdigit(), raw
    timestamp = int(timestamps[0])
    expected = hmac.new(secret.encode("utf-8"), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    assert any(hmac.compare_digest(expected, candidate) for candidate in candidates), "signature mismatch"
    assert abs((time.time() if now is None else now) - timestamp) <= TOLERANCE, "stale timestamp"
    return timestamp


def signature_valid(secret: str, request: dict, **kwargs) -> bool:
    try:
        verify(secret, request["headers"], request["body"], **kwargs)
    except AssertionError:
        return False
    return True


def endpoint(url, *, company=None, events=EVENT_TYPES, **fields):
    return services.endpoint_create(company=company, url=url, event_types=list(events), **fields)


def notices(receiver) -> list[dict]:
    return [json.loads(body) for body in receiver.bodies()]


def brief(receiver) -> list[tuple]:
    return [(notice["event"], notice["resource"], notice["id"]) for notice in notices(receiver)]
