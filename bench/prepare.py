"""Per-run fixtures on the bench database, printed as one JSON line for bench/run.py.

    python -m bench.prepare   (in the bench environment: bench.dataset.bench_environment)

Fresh API tokens (a member's, read; a staff person's, read and write), the id of the 5 MB file, and
the write scenario's event: one published public event with unlimited capacity, open for
registration, and a cancelled registration for each of `WRITERS` member people, so every POST of
the scenario succeeds (see bench/scenarios.py, `register_cancel`). Tokens of earlier runs are revoked.
"""

import datetime
import json
import os
import sys

from bench.dataset import BIG_FILE, _setup_django, database_url

WRITERS = 2000  # people the write scenario cycles through (more than its requests in flight, by far)
EVENT_TITLE = "Benchmark registration event"
TOKEN_NAME = "bench"


def prepare() -> dict:
    from django.utils import timezone

    from api.accounts.models import User
    from api.core.tokens.models import ApiToken
    from api.core.tokens.services import token_create
    from api.events.models import Event, Registration
    from api.publications.models import PublicationFile

    now = timezone.now()
    ApiToken.objects.filter(name=TOKEN_NAME, revoked_at__isnull=True).update(revoked_at=now)
    member = User.objects.get(email="member0@mc00.example.com")
    staff = User.objects.filter(role="staff").order_by("id").first()
    member_token = token_create(user=member, name=TOKEN_NAME, scopes=["read"]).raw
    staff_token = token_create(user=staff, name=TOKEN_NAME, scopes=["read", "write"]).raw

    event, _ = Event.objects.update_or_create(
        title=EVENT_TITLE,
        defaults={
            "kind": "webinar",
            "starts_at": now + datetime.timedelta(days=365),
            "ends_at": now + datetime.timedelta(days=365, hours=2),
            "audience": "public",
            "capacity": None,
            "company_cap": None,
            "registration_opens_at": None,
            "registration_closes_at": None,
            "status": "published",
        },
    )
    people = list(User.objects.filter(role="member", is_active=True).order_by("id").values_list("id", flat=True))
    people = people[:WRITERS]
    existing = set(Registration.objects.filter(event=event).values_list("person_id", flat=True))
    Registration.objects.bulk_create(
        [
            Registration(event=event, person_id=pk, status="cancelled", cancelled_at=now)
            for pk in people
            if pk not in existing
        ]
    )
    # Whatever a stopped run left registered starts cancelled again.
    Registration.objects.filter(event=event).exclude(status="cancelled").update(
        status="cancelled", position=None, cancelled_at=now
    )
    registrations = dict(Registration.objects.filter(event=event).values_list("person_id", "id"))
    big = PublicationFile.objects.get(file=BIG_FILE)
    return {
        "member_token": member_token,
        "staff_token": staff_token,
        "event_id": event.pk,
        "writers": [[pk, registrations[pk]] for pk in people],
        "big_file_id": big.pk,
        "big_file_publication_id": big.publication_id,
        "big_file_size": big.size,
    }


def main() -> int:
    _setup_django(os.environ.get("DATABASE_URL") or database_url())
    print(json.dumps(prepare()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
