"""One small world for the permission matrix: every object a row of the table needs, made through the
services (so each is valid, audited and scoped as in production).

The world is built once per test module (building it takes seconds; the matrix sends over a thousand
requests) inside a transaction that is rolled back at the end; each test runs in a savepoint of its own,
so what one request changes never reaches the next. Objects are kept as primary keys and raw secrets:
tests read users again from the database, so an in-memory change (a password, a name) cannot leak.
"""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from api.careers import resume_books
from api.core.audit.models import AuditEvent
from api.core.files.uploads import check_upload
from api.core.tokens.models import ApiToken
from api.core.tokens.services import token_create, token_revoke
from api.events import services as events
from api.events.models import Event
from api.feedback import services as feedback
from api.research import services as research
from api.research.models import Program
from api.webhooks import services as webhooks
from tests import factories
from tests.careers.support import make_profile
from tests.changes.support import deliverable, event, publication, task
from tests.feedback.support import give, submit
from tests.publications.support import attach
from tests.research.support import pdf

HOOK_URL = "https://127.0.0.1:8443/wafer-hook"  # never called: deliveries wait for a commit that never comes


def _people(world):
    world.sponsor_company = factories.OrganisationFactory(name="Aster Microdevices", short_name="Aster")
    world.other_company = factories.OrganisationFactory(name="Helix Foundry", short_name="Helix")
    world.inactive_company = factories.OrganisationFactory(name="Obsidian Systems", short_name="Obsidian", active=False)
    world.spare_company = factories.OrganisationFactory(name="Quartz Labs", short_name="Quartz")  # nobody in it
    world.university = factories.OrganisationFactory(university=True, name="University of Westbridge")
    world.staff = factories.staff(email="staff@example.com")
    world.sponsor = factories.member(world.sponsor_company, email="liaison@aster.example.com")
    world.recruiter = factories.member(world.sponsor_company, email="recruiter@aster.example.com", is_recruiter=True)
    world.other_member = factories.member(world.other_company, email="liaison@helix.example.com")
    world.inactive_member = factories.member(world.inactive_company, email="liaison@obsidian.example.com")
    world.faculty = factories.faculty(world.university, email="chen@westbridge.example.edu")
    world.other_faculty = factories.faculty(world.university, email="okafor@westbridge.example.edu")
    world.student = factories.student(world.university, email="khan@westbridge.example.edu")


def _research(world):
    # The task of the matrix: confidential, so outside its team, its sponsor and staff it does not exist.
    world.task = task("3160.001", university=world.university, confidential=True,
                      sponsors=[world.sponsor_company], faculty=[world.faculty])  # fmt: skip
    world.other_task = task("3160.002", university=world.university, sponsors=[world.other_company],
                            faculty=[world.other_faculty])  # fmt: skip
    # Deletable twins (no deliverables, no reports) with the same visibility as the objects above.
    world.spare_task = task("3160.003", university=world.university, confidential=True,
                            sponsors=[world.sponsor_company], faculty=[world.faculty])  # fmt: skip
    world.program = Program.objects.get(code="LITH")
    world.spare_program = research.program_create(name="Metrology", code="METR", description="", active=True)
    world.deliverable = deliverable(world.task)
    world.spare_deliverable = deliverable(world.task, title="Spare report")
    world.report = submit(world.deliverable, world.faculty)
    world.other_deliverable = deliverable(world.other_task)
    world.other_report = submit(world.other_deliverable, world.other_faculty)


def _publications(world):
    world.public_paper = publication("An open paper", access="public")
    world.public_file = attach(world.public_paper, world.staff)
    world.sponsors_paper = publication("A sponsors' paper", access="sponsors", tasks=[world.task])
    world.sponsors_file = attach(world.sponsors_paper, world.staff)
    world.spare_paper = publication("A spare sponsors' paper", access="sponsors", tasks=[world.task])
    # Public once its embargo ends; until then for people of active member companies (and staff).
    world.embargoed_paper = publication("An embargoed paper", access="public", embargo_reason="Patent filing.",
                                        embargo_until=timezone.localdate() + datetime.timedelta(days=90))  # fmt: skip


def _events(world):
    world.event = event("Spring Review", audience=Event.Audience.MEMBERS)
    starts = world.event.starts_at
    world.event = events.event_update(
        event=world.event,
        sessions=[{"title": "Opening", "starts_at": starts, "ends_at": starts + datetime.timedelta(hours=1)}],
    )
    world.session = world.event.sessions.get()
    world.material = events.material_add(
        session=world.session, upload=check_upload(pdf("slides.pdf")), uploaded_by=world.staff
    )
    world.registration = events.registration_create(event=world.event, person=world.sponsor)
    world.open_event = event("Open House")  # public, nobody registered yet: where registering is tried
    world.draft_event = event("Next Year's Review", status=Event.Status.DRAFT)
    _, world.feed_secret = events.feed_token_create(person=world.sponsor)


def _feedback_and_careers(world):
    world.feedback = give(world.sponsor, task=world.task)
    world.hidden_feedback = feedback.feedback_hide(
        feedback=give(world.sponsor, task=world.task, comment="Names a student."),
        reason="Names a person.",
        hidden_by=world.staff,
    )
    world.profile = make_profile(world.student, share=[world.sponsor_company], cv=True)
    world.resume_book = resume_books.resume_book_request(requester=world.recruiter, filters={})
    resume_books.build(book_id=world.resume_book.pk)


def _webhooks(world):
    world.endpoint = webhooks.endpoint_create(
        company=world.sponsor_company, url=HOOK_URL, event_types=["publication.published"], created_by=world.staff
    )
    world.delivery = webhooks.endpoint_ping(endpoint=world.endpoint)


def _tokens(world):
    # Every token belongs to the sponsor's liaison: what differs is the token, not the person.
    read = token_create(user=world.sponsor, name="sync", scopes=["read"])
    world.read_token, world.sponsor_token_id = read.raw, read.token.pk
    expired = token_create(user=world.sponsor, name="old", scopes=["read", "write"])
    ApiToken.objects.filter(pk=expired.token.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    world.expired_token = expired.raw
    revoked = token_create(user=world.sponsor, name="leaked", scopes=["read", "write"])
    token_revoke(token=revoked.token)
    world.revoked_token = revoked.raw


def build_world() -> SimpleNamespace:
    world = SimpleNamespace()
    for step in (_people, _research, _publications, _events, _feedback_and_careers, _webhooks, _tokens):
        step(world)
    world.audit_event = AuditEvent.objects.order_by("-id").first()
    return world
