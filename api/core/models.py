"""Models of the shared mechanics; each lives beside the code that uses it."""

from api.core.audit.models import AuditEvent
from api.core.files.models import DownloadRecord
from api.core.idempotency.models import IdempotencyRecord
from api.core.tokens.models import ApiToken

__all__ = ["ApiToken", "AuditEvent", "DownloadRecord", "IdempotencyRecord"]
