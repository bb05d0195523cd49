"""Everything Wafer holds about one person, gathered from every domain (the right of access).

The contract. Every `api.*` app that stores personal data has a `personal_data.py` module with:

- `export(user) -> dict`: the app's sections of the export, `{"<section>": <JSON-able value>}`.
  Section names are unique across apps (a clash is a programming error and raises). Values are
  plain lists and dicts; dates and datetimes are fine (the view encodes them). Never include a
  secret: no password hash, no token hash, no feed-token hash. Each export runs a fixed number of
  queries whatever the amount of data (`values()`, `select_related`; no per-row queries), and an
  unbounded log goes through `capped()` so one export stays one response.
- `COVERS = ["app_label.Model.field", ...]`: each foreign key, one-to-one or many-to-many to the
  user model whose rows the export includes.
- `NOT_PERSONAL = {"app_label.Model.field": "why it is not exported", ...}`: the others, each with
  its reason.

tests/accounts/test_personal_data.py walks every model and fails when a relation to the user model
is named in neither, so a new model cannot forget the person it stores. The discovery mirrors
`seed_demo`'s: core names no domain; it imports `<app>.personal_data` for every `api.*` app in
INSTALLED_APPS order (the order of the sections in the export). Core is an app like the others,
but its `personal_data` module is this one, so its own part is `core_export()` at the end.
"""

import importlib
import sys
from types import ModuleType

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ImproperlyConfigured

from api.core.audit.models import AuditEvent
from api.core.files.models import DownloadRecord
from api.core.tokens.models import ApiToken

MODULE = "personal_data"
LOG_LIMIT = 5000  # the newest rows of one log in one export; a note says when there were more


def modules() -> list[ModuleType]:
    """The `personal_data` modules of the `api.*` apps, in INSTALLED_APPS order."""
    found = []
    for app in apps.get_app_configs():
        if not app.name.startswith("api."):
            continue
        try:
            found.append(importlib.import_module(f"{app.name}.{MODULE}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{app.name}.{MODULE}":
                raise  # a broken import inside the module, not a missing module
    return found


def export(user) -> dict:
    """Every app's sections for `user`, merged in INSTALLED_APPS order."""
    data = {}
    for module in modules():
        sections = core_export(user) if module is sys.modules[__name__] else module.export(user)
        for section, value in sections.items():
            if section in data:
                raise ImproperlyConfigured(f"Two personal_data modules export the section {section!r}.")
            data[section] = value
    return data


def declared() -> tuple[set[str], dict[str, str]]:
    """(every COVERS entry, every NOT_PERSONAL entry with its reason) over all apps."""
    covers, not_personal = set(), {}
    for module in modules():
        covers.update(getattr(module, "COVERS", ()))
        not_personal.update(getattr(module, "NOT_PERSONAL", {}))
    return covers, not_personal


def capped(queryset, *, what: str = "rows") -> dict:
    """A log section: the newest LOG_LIMIT rows of an ordered `values()` queryset, the total, and a
    note when some were left out. Two queries at most (the count only when the cap is reached)."""
    limit = LOG_LIMIT
    items = list(queryset[: limit + 1])
    if len(items) <= limit:
        return {"total": len(items), "included": len(items), "note": "", "items": items}
    total = queryset.count()
    return {
        "total": total,
        "included": limit,
        "note": f"The newest {limit:,} of {total:,} {what} are included; ask consortium staff for the rest.",
        "items": items[:limit],
    }


# --- Core's own part: API tokens, the audit trail, downloads, the admin's log ---------------------

COVERS = [
    "core.ApiToken.user",
    "core.AuditEvent.actor",
    "core.DownloadRecord.user",
    "admin.LogEntry.user",
]
NOT_PERSONAL = {
    "core.ApiToken.created_by": "Who issued a token for someone else: the token is its user's (exported "
    "with theirs); the issuing is in the issuer's audit_events.",
    "core.IdempotencyRecord.owner": "A short-lived replay cache of the person's own API answers (removed once "
    "expired by purge_idempotency_keys); what those answers hold is exported from its own domain.",
}


def core_export(user) -> dict:
    tokens = ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
    audit = AuditEvent.objects.filter(actor=user).order_by("-at", "-id")
    downloads = DownloadRecord.objects.filter(user=user).order_by("-at", "-id")
    admin_log = LogEntry.objects.filter(user=user).order_by("-action_time", "-id")
    return {
        # Never key_hash: the export names a token so its owner can recognise (and revoke) it.
        "api_tokens": list(
            tokens.values("id", "name", "prefix", "scopes", "created_at", "expires_at", "revoked_at", "last_used_at")
        ),
        "audit_events": capped(
            audit.values(
                "at",
                "action",
                "target_type",
                "target_id",
                "target_repr",
                "changes",
                "via",
                "client_ip",
                "organisation_name",
                "token__prefix",
            ),
            what="audit events",
        ),
        "downloads": capped(
            downloads.values(
                "at",
                "file_name",
                "size",
                "target_type",
                "target_id",
                "via",
                "client_ip",
                "organisation_name",
                "token__prefix",
            ),
            what="downloads",
        ),
        "admin_log": capped(
            admin_log.values(
                "action_time",
                "content_type__app_label",
                "content_type__model",
                "object_id",
                "object_repr",
                "action_flag",
                "change_message",
            ),
            what="admin log entries",
        ),
    }
