"""Webhooks' background jobs (Django's tasks API; see api.core.jobs and api.webhooks.sending)."""

from django_tasks import task

from api.webhooks import dispatch, sending


@task()
def dispatch_changes() -> int:
    """Create the deliveries of every committed change not dispatched yet (and queue their sending)."""
    return len(dispatch.dispatch_pending())


@task()
def send_delivery(delivery_id: int) -> None:
    """Make the next attempt of one delivery, if it is still open and due."""
    sending.attempt(delivery_id)
