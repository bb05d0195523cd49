"""Creating, using and revoking API tokens."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from api.core.audit.services import audit_record
from api.core.tokens.models import SCOPES, ApiToken

TOKEN_PREFIX = "wafer_"
LAST_USED_RESOLUTION = timedelta(minutes=1)  # at most one write per token per minute


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    raw: str  # shown once, never stored


def _clean_scopes(scopes) -> str:
    scopes = list(scopes or [])
    if not scopes or any(scope not in SCOPES for scope in scopes):
        raise ValidationError({"scopes": [f"Choose one or more of: {', '.join(SCOPES)}."]})
    return " ".join(scope for scope in SCOPES if scope in scopes)


def _clean_expiry(expires_at: datetime | None, now: datetime, ceiling: datetime | None) -> datetime:
    if expires_at is None:
        expires_at = now + settings.API_TOKEN_DEFAULT_LIFETIME
    if expires_at <= now:
        raise ValidationError({"expires_at": ["The expiry must be in the future."]})
    longest = now + settings.API_TOKEN_MAX_LIFETIME
    if expires_at > longest:
        days = settings.API_TOKEN_MAX_LIFETIME.days
        raise ValidationError({"expires_at": [f"A token may live at most {days} days."]})
    if ceiling is not None and expires_at > ceiling:
        raise ValidationError({"expires_at": ["A token cannot outlive the token that creates it."]})
    return expires_at


@transaction.atomic
def token_create(
    *,
    user,
    name: str,
    scopes: list[str],
    expires_at: datetime | None = None,
    created_by=None,
    creating_token: ApiToken | None = None,
) -> IssuedToken:
    now = timezone.now()
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ["Give the token a name."]})
    if not user.is_active:
        raise ValidationError({"user": ["This account is deactivated."]})
    scope_text = _clean_scopes(scopes)
    expiry = _clean_expiry(expires_at, now, creating_token.expires_at if creating_token else None)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        key_hash=hash_token(raw),
        scopes=scope_text,
        created_at=now,
        created_by=created_by,
        expires_at=expiry,
    )
    token.full_clean()
    token.save()
    audit_record(
        action="create",
        target=token,
        changes={"user": user.pk, "name": name, "scopes": scope_text, "expires_at": expiry.isoformat()},
    )
    return IssuedToken(token=token, raw=raw)


@transaction.atomic
def token_rename(*, token: ApiToken, name: str) -> ApiToken:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ["Give the token a name."]})
    old = token.name
    token.name = name
    token.full_clean()
    token.save(update_fields=["name"])
    audit_record(action="update", target=token, changes={"name": [old, name]})
    return token


@transaction.atomic
def token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(action="revoke", target=token, changes={"revoked_at": token.revoked_at.isoformat()})
    return token


def token_for_raw_key(raw: str) -> ApiToken | None:
    """The usable token for a raw key, or None (unknown, revoked, expired or inactive user)."""
    token = ApiToken.objects.select_related("user__organisation").filter(key_hash=hash_token(raw)).first()
    if token is None or token.is_revoked or token.is_expired or not token.user.is_active:
        return None
    return token


def token_touch(token: ApiToken) -> None:
    """Record last use without a write on every request."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
