"""Signing a delivery (the receiver's side of this is in the README and sending.py).

    Wafer-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>

The key is the whole secret as shown (`whsec_...`, its UTF-8 bytes); the message is the timestamp,
a dot, and the raw request body exactly as received. Signing the timestamp with the body lets a
receiver refuse an old message replayed by someone who captured it (reject `t` further than five
minutes from its clock). More `v1=` entries may appear one day (during a secret rotation):
accept the request when any of them matches.
"""

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"
HEADER = "Wafer-Signature"


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"
