"""A failure in the middle of a multi-row write leaves nothing half-written (issue 11).

Each test makes one real write fail part-way (the Nth save, create, audit event or change-feed entry
raises InjectedFault, after the earlier steps did their work) and checks with `sec_nothing_written`
that every table, the file storage and the after-commit queue are as they were. Through the API the
answer is the JSON 500 envelope; background work (a resume book's build, the webhook fan-out) is run
directly, as its worker would.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from api.careers import resume_books
from api.careers.models import ResumeBook, ResumeBookEntry
from api.changes import sequencer
from api.core.tokens.services import token_create
from api.events.models import Event, Registration
from api.feedback import services as feedback_services
from api.publications import services as publication_services
from api.research import services as research_services
from api.webhooks import services as webhook_services
from api.webhooks.dispatch import dispatch_pending
from api.webhooks.events import EVENT_TYPES
from api.webhooks.models import Delivery, DispatchState
from tests.careers.support import make_profile
from tests.careers.support import pdf as cv_pdf
from tests.changes.support import deliverable
from tests.events.api_support import add_material, make_event, pdf_upload, register, with_agenda
from tests.publications.support import attach
from tests.publications.test_import import HEADER
from tests.research.support import PDF, submit
from tests.security.support import InjectedFault, assert_server_error, fail_on_call, failing_client, stored_files

pytestmark = pytest.mark.django_db

IDEMPOTENT = {"HTTP_IDEMPOTENCY_KEY": "mid-write-failure-1"}


@pytest.fixture
def sec_publication(sec_task, staff_user):
    publication = publication_services.publication_create(
        title="Resist outgassing", kind="paper", year=2025, access="public",
        authors=[{"name": "A. Writer"}, {"name": "B. Writer"}], tasks=[sec_task],
    )  # fmt: skip
    attach(publication, staff_user)
    return publication


# --- Publications --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "n"),
    [
        ("api.publications.services.audit_record", 1),  # after the row, its authors and tasks
        ("api.changes.recorder.record", 1),  # the change feed, inside the same transaction
    ],
)
def test_publication_create(staff_user, sec_task, sec_nothing_written, target, n):
    payload = {
        "title": "Etching", "kind": "paper", "year": 2025, "access": "public",
        "authors": [{"name": "A. Writer"}, {"name": "B. Writer"}], "tasks": [sec_task.pk],
    }  # fmt: skip
    with sec_nothing_written(), fail_on_call(target, n):
        assert_server_error(failing_client(staff_user).post("/api/v1/publications/", payload, format="json"))


def test_publication_update_replacing_authors(staff_user, sec_publication, sec_nothing_written):
    payload = {"title": "Renamed", "authors": [{"name": "C. Writer"}], "tasks": []}
    with sec_nothing_written(), fail_on_call("api.publications.services.audit_record"):
        response = failing_client(staff_user).patch(f"/api/v1/publications/{sec_publication.pk}/", payload, "json")
    assert_server_error(response)


def test_publication_delete_keeps_its_files(staff_user, sec_publication, sec_nothing_written):
    # The audit event and the change are written, the tasks unlinked; then the delete itself fails.
    with sec_nothing_written(), fail_on_call("api.publications.models.Publication.delete"):
        assert_server_error(failing_client(staff_user).delete(f"/api/v1/publications/{sec_publication.pk}/"))


def test_publication_import_fails_on_its_third_row(staff_user, sec_nothing_written):
    rows = "".join(f"\nPaper {n},paper,2020,,A. Writer,,,,,public,," for n in range(1, 5))
    upload = SimpleUploadedFile("pubs.csv", (HEADER + rows + "\n").encode(), content_type="text/csv")
    with sec_nothing_written(), fail_on_call("api.publications.services.publication_create", 3):
        response = failing_client(staff_user).post("/api/v1/publications/import/", {"file": upload}, format="multipart")
    assert_server_error(response)


# Where an upload fails: inside the service (its own `except` removes the file), or in the answer after
# the service returned, which only a request-wide transaction (Idempotency-Key) can roll back: then
# api.core.files.uncommitted removes the file.
UPLOAD_FAULTS = {
    "in-service": ("service", {}),
    "in-service-idempotency-key": ("service", IDEMPOTENT),
    "after-the-service-idempotency-key": ("answer", IDEMPOTENT),
}


@pytest.mark.parametrize(("where", "extra"), list(UPLOAD_FAULTS.values()), ids=list(UPLOAD_FAULTS))
def test_publication_file_add(staff_user, sec_publication, sec_nothing_written, where, extra):
    target = {
        "service": "api.publications.services.audit_record",
        "answer": "api.publications.views.publications.PublicationViewSet.read_response",
    }[where]
    upload = SimpleUploadedFile("paper.pdf", PDF, content_type="application/pdf")
    url = f"/api/v1/publications/{sec_publication.pk}/files/"
    with sec_nothing_written(), fail_on_call(target):
        assert_server_error(failing_client(staff_user).post(url, {"file": upload}, format="multipart", **extra))


# --- Research ------------------------------------------------------------------------------------


def test_task_create_with_its_people(staff_user, university, faculty_user, member_company, sec_nothing_written):
    program = research_services.program_create(name="Etch", code="ETCH", description="")
    payload = {
        "number": "3170.001", "title": "Plasma etch", "abstract": "", "program": program.pk,
        "university": university.pk, "start": "2025-09-01", "end": "2028-08-31", "status": "active",
        "confidential": False, "principal_investigators": [faculty_user.pk], "sponsors": [member_company.pk],
    }  # fmt: skip
    with sec_nothing_written(), fail_on_call("api.research.services.audit_record"):
        assert_server_error(failing_client(staff_user).post("/api/v1/tasks/", payload, format="json"))


def test_task_delete_cascade(staff_user, sec_task, sec_nothing_written):
    # People and sponsors are unlinked first, then the row's delete fails.
    with sec_nothing_written(), fail_on_call("api.research.models.ResearchTask.delete"):
        assert_server_error(failing_client(staff_user).delete(f"/api/v1/tasks/{sec_task.pk}/"))


def test_a_sponsor_change_and_the_access_changes_it_cascades_to(staff_user, sec_task, sec_publication,
                                                               sec_deliverable, sec_nothing_written):  # fmt: skip
    """The task's change, then one "access" change per deliverable and linked publication: the third
    entry fails, and the task keeps its sponsors."""
    deliverable(sec_task, "Q2 report")
    payload = {"sponsors": [], "confidential": True}
    with sec_nothing_written(), fail_on_call("api.changes.recorder.record", 3):
        response = failing_client(staff_user).patch(f"/api/v1/tasks/{sec_task.pk}/", payload, format="json")
    assert_server_error(response)


@pytest.mark.parametrize(("where", "extra"), list(UPLOAD_FAULTS.values()), ids=list(UPLOAD_FAULTS))
def test_report_submit(faculty_user, sec_deliverable, sec_nothing_written, where, extra):
    # In the service: the file is stored and the report row written, then the deliverable's save fails.
    target = {
        "service": "api.research.models.Deliverable.save",
        "answer": "api.research.views.deliverables.DeliverableViewSet.read_response",
    }[where]
    upload = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
    url = f"/api/v1/deliverables/{sec_deliverable.pk}/reports/"
    with sec_nothing_written(), fail_on_call(target):
        response = failing_client(faculty_user).post(url, {"file": upload, "summary": "Done."}, "multipart", **extra)
    assert_server_error(response)


@pytest.mark.parametrize(
    ("submitted", "action", "payload", "target"),
    [
        (False, "extend", {"due_on": "2099-01-01", "reason": "Tool down."}, "api.research.services.audit_record"),
        (True, "accept", {}, "api.changes.recorder.record"),
        (True, "request-revision", {"reason": "Add error bars."}, "api.research.services.audit_record"),
    ],
)
def test_deliverable_review(staff_user, faculty_user, sec_deliverable, sec_nothing_written, submitted, action,
                            payload, target):  # fmt: skip
    if submitted:
        submit(sec_deliverable, faculty_user)
    url = f"/api/v1/deliverables/{sec_deliverable.pk}/{action}/"
    with sec_nothing_written(), fail_on_call(target):
        assert_server_error(failing_client(staff_user).post(url, payload, format="json"))


# --- Feedback ------------------------------------------------------------------------------------


@pytest.fixture
def sec_feedback(member_user, sec_task):
    feedback = feedback_services.feedback_create(
        author=member_user, task=sec_task, relevance=4, quality=3, progress=5, comment="Useful work."
    )
    feedback_services.feedback_reply(feedback=feedback, author=sec_task.principal_investigators.get(), text="First.")
    return feedback


def test_feedback_reply(faculty_user, sec_feedback, sec_nothing_written):
    # A second reply: its row is written, then its audit event fails.
    url = f"/api/v1/feedback/{sec_feedback.pk}/replies/"
    with sec_nothing_written(), fail_on_call("api.feedback.services.audit_record"):
        assert_server_error(failing_client(faculty_user).post(url, {"text": "Second."}, format="json"))


def test_feedback_delete_with_its_replies(staff_user, sec_feedback, sec_nothing_written):
    with sec_nothing_written(), fail_on_call("api.feedback.models.Feedback.delete"):
        assert_server_error(failing_client(staff_user).delete(f"/api/v1/feedback/{sec_feedback.pk}/"))


# --- Events --------------------------------------------------------------------------------------


@pytest.fixture
def sec_full_event(member_user, colleague, other_member):
    """Capacity 1: member_user confirmed, colleague and other_member waiting (in that order)."""
    event = make_event(capacity=1, audience=Event.Audience.PUBLIC)
    for person in (member_user, colleague, other_member):
        register(event, person)
    return event


def test_cancelling_with_a_waitlist_promotion(member_user, sec_full_event, sec_nothing_written):
    # The cancel, the waitlist's gap closed and the promotion are written; the promotion's audit fails.
    registration = Registration.objects.get(event=sec_full_event, person=member_user)
    url = f"/api/v1/events/{sec_full_event.pk}/registrations/{registration.pk}/cancel/"
    with sec_nothing_written(), fail_on_call("api.events.services.audit_record", 2):
        assert_server_error(failing_client(member_user).post(url))


def test_cancelling_an_event_cascades_to_every_registration(staff_user, sec_full_event, sec_nothing_written):
    with sec_nothing_written(), fail_on_call("api.events.models.Registration.save", 2):
        assert_server_error(failing_client(staff_user).post(f"/api/v1/events/{sec_full_event.pk}/cancel/"))


def test_more_seats_promote_the_waitlist_together(staff_user, sec_full_event, sec_nothing_written):
    # Capacity 1 -> 3: the event is saved, the first waiting person confirmed and the list closed up;
    # confirming the second fails.
    url = f"/api/v1/events/{sec_full_event.pk}/"
    with sec_nothing_written(), fail_on_call("api.events.models.Registration.save", 2):
        assert_server_error(failing_client(staff_user).patch(url, {"capacity": 3}, format="json"))


@pytest.mark.parametrize("extra", [{}, IDEMPOTENT], ids=["plain", "idempotency-key"])
def test_session_material_add(staff_user, sec_nothing_written, extra):
    event = with_agenda(make_event(audience=Event.Audience.PUBLIC))
    session = event.sessions.order_by("starts_at").first()
    add_material(session, staff_user)
    url = f"/api/v1/events/{event.pk}/sessions/{session.pk}/materials/"
    with sec_nothing_written(), fail_on_call("api.events.services.audit_record"):
        assert_server_error(failing_client(staff_user).post(url, {"file": pdf_upload()}, format="multipart", **extra))


# --- Careers -------------------------------------------------------------------------------------


@pytest.fixture
def sec_profile(student_user, member_company):
    return make_profile(student_user, share=[member_company], cv=True)


def test_cv_replacement_keeps_the_old_cv(student_user, sec_profile, sec_nothing_written):
    with sec_nothing_written(), fail_on_call("api.careers.services.audit_record"):
        response = failing_client(student_user).put(
            "/api/v1/careers/me/cv/", {"file": cv_pdf(text="new")}, format="multipart"
        )
    assert_server_error(response)


def test_consent_withdrawal(student_user, sec_profile, sec_nothing_written):
    # Shared companies removed, the profile saved and the consent record written; then the audit fails.
    with sec_nothing_written(), fail_on_call("api.careers.services.audit_record"):
        response = failing_client(student_user).put("/api/v1/careers/me/consent/", {"sharing": False}, "json")
    assert_server_error(response)


@pytest.fixture
def sec_book(recruiter, sec_profile):
    """A built (ready) resume book holding sec_profile's CV."""
    book = resume_books.resume_book_request(requester=recruiter, filters={})
    resume_books.build(book_id=book.pk)
    book.refresh_from_db()
    assert book.status == ResumeBook.Status.READY and book.file
    return book


def test_delete_my_data(student_user, sec_book, sec_nothing_written):
    # The view log and download log anonymised, the book withdrawn, the entries cut loose, the audit
    # event and change written; then the profile's delete fails: the CV and the book's ZIP stay.
    with sec_nothing_written(), fail_on_call("api.careers.models.StudentProfile.delete"):
        assert_server_error(failing_client(student_user).delete("/api/v1/careers/me/"))


def test_resume_book_request(recruiter, sec_profile, sec_nothing_written):
    # No book row, and no build job queued for it.
    with sec_nothing_written(), fail_on_call("api.careers.resume_books.audit_record"):
        assert_server_error(failing_client(recruiter).post("/api/v1/careers/resume-books/", {}, format="json"))


def test_a_resume_book_build_that_fails_at_the_end_leaves_no_file(recruiter, sec_profile, settings):
    book = resume_books.resume_book_request(requester=recruiter, filters={})
    files = stored_files(settings.MEDIA_ROOT)
    # The ZIP is written and stored; recording the finished book fails.
    with fail_on_call("api.careers.resume_books.audit_record"), pytest.raises(InjectedFault):
        resume_books.build(book_id=book.pk)
    book.refresh_from_db()
    assert (book.status, book.file.name) == (ResumeBook.Status.FAILED, "")
    assert not ResumeBookEntry.objects.filter(book=book).exists()
    assert stored_files(settings.MEDIA_ROOT) == files


# --- Tokens and webhooks -------------------------------------------------------------------------


def test_token_revocation(member_user, sec_nothing_written):
    token = token_create(user=member_user, name="CI", scopes=["read"]).token
    with sec_nothing_written(), fail_on_call("api.core.tokens.services.audit_record"):
        assert_server_error(failing_client(member_user).delete(f"/api/v1/auth/tokens/{token.pk}/"))


def test_webhook_fan_out(settings, staff_user, sec_nothing_written):
    """Two endpoints, two changes: the batch's deliveries and its watermark go in together or not at all."""
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = settings.WEBHOOK_ALLOW_HTTP = True
    for path in ("a", "b"):
        webhook_services.endpoint_create(
            company=None, url=f"http://127.0.0.1:8009/{path}", event_types=list(EVENT_TYPES)
        )
    for title in ("One", "Two"):
        publication_services.publication_create(title=title, kind="paper", year=2025, access="public")
    sequencer.assign_pending()  # committed on its own before any batch, by design
    with (
        sec_nothing_written(),
        fail_on_call("api.webhooks.dispatch.enqueue_on_commit", 3),
        pytest.raises(InjectedFault),
    ):
        dispatch_pending()
    assert not Delivery.objects.exists()
    assert not DispatchState.objects.filter(last_seq__gt=0).exists()


def test_a_committed_idempotent_upload_keeps_its_file(staff_user, sec_publication, settings,
                                                      django_capture_on_commit_callbacks):  # fmt: skip
    """The other side of the cleanup: what commits stays, and a later rolled-back request in the same
    connection removes only its own file."""
    before = stored_files(settings.MEDIA_ROOT)
    url = f"/api/v1/publications/{sec_publication.pk}/files/"
    client = failing_client(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        upload = SimpleUploadedFile("kept.pdf", PDF, content_type="application/pdf")
        assert client.post(url, {"file": upload}, format="multipart", **IDEMPOTENT).status_code == 201
    kept = stored_files(settings.MEDIA_ROOT)
    assert len(kept) == len(before) + 1
    with fail_on_call("api.publications.views.publications.PublicationViewSet.read_response"):
        upload = SimpleUploadedFile("lost.pdf", PDF, content_type="application/pdf")
        assert_server_error(client.post(url, {"file": upload}, format="multipart", HTTP_IDEMPOTENCY_KEY="other"))
    assert stored_files(settings.MEDIA_ROOT) == kept
    assert sec_publication.files.count() == 2
