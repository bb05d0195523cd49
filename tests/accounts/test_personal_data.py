"""GET auth/me/export/: everything Wafer holds about the caller, as one JSON attachment, from every domain's
personal_data module (api/core/personal_data.py); and the check that no relation to a person is forgotten."""

import datetime
import json

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from api.accounts.services import person_update
from api.careers import services as careers_services
from api.careers.models import ProfileView
from api.core import personal_data
from api.core.audit.models import AuditEvent
from api.core.request_context import acting_as
from api.events import services as events_services
from api.events.models import FeedToken
from api.feedback.models import Feedback, FeedbackReply
from api.publications import services as publications_services
from api.research import services as research_services
from api.research.models import DeliverableExtension, ReminderSent
from tests import factories
from tests.careers.support import make_profile
from tests.conftest import bearer, client_for
from tests.events.api_support import add_material, make_event, register, session
from tests.publications.support import attach
from tests.research.support import iso, submit

URL = "/api/v1/auth/me/export/"
SECTIONS = [
    "generated_at",
    "person",
    "api_tokens",
    "audit_events",
    "downloads",
    "admin_log",
    "research_tasks",
    "progress_reports",
    "deliverable_extensions_granted",
    "deliverable_reminders_received",
    "authorships",
    "publication_files_uploaded",
    "publication_views",
    "feedback_written",
    "feedback_replies",
    "feedback_hidden",
    "event_registrations",
    "event_registrations_made_for_others",
    "event_talks",
    "event_materials_uploaded",
    "calendar_feed",
    "career_profile",
    "career_profile_views_made",
    "resume_books_requested",
]
EMPTY_LOG = {"total": 0, "included": 0, "note": "", "items": []}


def export(client):
    response = client.get(URL)
    assert response.status_code == 200, response.content
    return response, json.loads(response.content)


def person_json(user, organisation) -> dict:
    user.refresh_from_db()
    return {
        "id": user.pk,
        "email": user.email,
        "given_name": user.given_name,
        "family_name": user.family_name,
        "full_name": user.full_name,
        "title": user.title,
        "role": user.role,
        "is_active": True,
        "is_company_admin": user.is_company_admin,
        "is_recruiter": user.is_recruiter,
        "is_superuser": False,
        "date_joined": iso(user.date_joined),
        "last_login": iso(user.last_login),
        "updated_at": iso(user.updated_at),
        "organisation": None
        if organisation is None
        else {"id": organisation.pk, "name": organisation.name, "kind": organisation.kind},
        "has_usable_password": True,
    }


def make_task(number, university, **people):
    program = research_services.program_create(name=f"Program {number}", code=f"P{number}", description="")
    return research_services.task_create(
        number=number,
        title=f"Task {number}",
        abstract="",
        program=program,
        university=university,
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2028, 12, 31),
        status="active",
        confidential=False,
        **people,
    )


def make_deliverable(task, title="Annual report"):
    return research_services.deliverable_create(
        task=task, title=title, kind="report", due_on=timezone.localdate() + datetime.timedelta(days=30)
    )


def make_publication(title, **fields):
    return publications_services.publication_create(title=title, kind="paper", year=2025, access="public", **fields)


def student_world(student, university, faculty, member_company, recruiter, count=1):
    """`count` of everything a student can have, made as the student (so the audit trail is theirs)."""
    with acting_as(student, via="session"):
        made = {"tasks": [], "registrations": []}
        for n in range(count):
            made["tasks"].append(
                make_task(
                    f"{n:04d}.{student.pk % 1000:03d}",
                    university,
                    principal_investigators=[faculty],
                    students=[student],
                )
            )
            made["registrations"].append(register(make_event(days=14 + n, title=f"Review {n}"), student))
        deliverable = make_deliverable(made["tasks"][0])
        made["report"] = submit(deliverable, student, summary="First results")
        made["reminder"] = ReminderSent.objects.create(
            deliverable=deliverable, stage="due_soon", due_on=deliverable.due_on,
            recipients=f"{faculty.email}, {student.email}",
        )  # fmt: skip
        # Another person whose address contains the student's: not the student's reminder.
        ReminderSent.objects.create(
            deliverable=deliverable, stage="overdue", due_on=deliverable.due_on, recipients=f"s{student.email}"
        )
        for n in range(count):
            publication = make_publication(f"Resists {n}", authors=[{"person": student}, {"name": "A. Other"}])
            publications_services.publication_view_record(publication=publication, user=student)
        made["publication"] = publication
        made["file"] = attach(publication, by=student)
        event = made["registrations"][0].event
        events_services.event_update(
            event=event, sessions=[session(event, "Keynote", speakers=[{"person": student}, {"name": "Guest"}])]
        )
        made["checked_in"] = events_services.registration_check_in(registration=made["registrations"][0])
        made["material"] = add_material(event.sessions.get(), uploaded_by=student)
        made["feed_token"], _ = events_services.feed_token_create(person=student)
        made["profile"] = make_profile(
            student, skills=["Python", "Lithography"], links=["https://example.com/me"], share=[member_company],
            cv=True, summary="Resists.",
        )  # fmt: skip
    for kind in ("profile", "cv"):
        careers_services.view_record(profiles=[made["profile"]], kind=kind, viewer=recruiter)
    return made


@pytest.fixture
def recruiter(member_company):
    return factories.member(member_company, email="recruiter@aster.example.com", is_recruiter=True)


def test_a_students_export_holds_every_domain(
    student_user, student_api, university, faculty_user, member_company, recruiter, make_token
):
    made = student_world(student_user, university, faculty_user, member_company, recruiter)
    token, raw = make_token(student_user, ["read"], name="laptop")
    cv = made["profile"].cv
    own_cv = student_api.get("/api/v1/careers/me/cv/")  # a download of their own
    assert b"".join(own_cv.streaming_content).startswith(b"%PDF")  # read to the end: the file is closed

    response, body = export(student_api)

    today = timezone.localdate()
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="wafer-personal-data-{today:%Y-%m-%d}.json"; '
        f"filename*=UTF-8''wafer-personal-data-{today:%Y-%m-%d}.json"
    )
    assert response["Cache-Control"] == "private, no-store"
    assert list(body) == SECTIONS
    assert body["person"] == person_json(student_user, university)
    token.refresh_from_db()
    assert body["api_tokens"] == [
        {"id": token.pk, "name": "laptop", "prefix": token.prefix, "scopes": "read",
         "created_at": iso(token.created_at), "expires_at": iso(token.expires_at), "revoked_at": None,
         "last_used_at": None}
    ]  # fmt: skip
    # The audit trail: their own writes, newest first (the export itself is recorded after it is built).
    audit = body["audit_events"]
    mine = AuditEvent.objects.filter(actor=student_user).exclude(action="export_personal_data").order_by("-at", "-id")
    assert (audit["total"], audit["included"], audit["note"]) == (mine.count(), mine.count(), "")
    assert [event["action"] for event in audit["items"]] == [event.action for event in mine]
    assert {"register", "check_in", "submit_report", "add_cv", "consent_granted"} <= set(
        mine.values_list("action", flat=True)
    )
    assert [event["at"] for event in audit["items"]] == sorted((event["at"] for event in audit["items"]), reverse=True)
    assert [row["file_name"] for row in body["downloads"]["items"]] == [cv.original_name]
    assert body["downloads"]["items"][0]["target_type"] == "careers.curriculumvitae"
    assert body["admin_log"] == EMPTY_LOG

    task = made["tasks"][0]
    assert body["research_tasks"] == [
        {"id": task.pk, "number": task.number, "title": task.title, "status": "active", "start": "2025-01-01",
         "end": "2028-12-31", "program__code": task.program.code, "university__name": university.name,
         "capacities": ["student"]}
    ]  # fmt: skip
    report = made["report"]
    assert body["progress_reports"] == [
        {"id": report.pk, "deliverable_id": report.deliverable_id, "deliverable__title": "Annual report",
         "deliverable__task__number": task.number, "version": 1, "original_name": "report.pdf",
         "content_type": "application/pdf", "size": report.size, "sha256": report.sha256, "summary": "First results",
         "submitted_at": iso(report.submitted_at),
         "download_url": f"/api/v1/deliverables/{report.deliverable_id}/reports/{report.pk}/download/"}
    ]  # fmt: skip
    assert body["deliverable_extensions_granted"] == []
    reminder = made["reminder"]
    assert body["deliverable_reminders_received"] == [
        {"sent_at": iso(reminder.sent_at), "stage": "due_soon", "due_on": reminder.due_on.isoformat(),
         "deliverable_id": report.deliverable_id, "deliverable__title": "Annual report",
         "deliverable__task__number": task.number}
    ]  # fmt: skip

    publication, file = made["publication"], made["file"]
    assert body["authorships"] == [
        {"publication_id": publication.pk, "publication__title": "Resists 0", "publication__year": 2025,
         "publication__kind": "paper", "publication__doi": None, "position": 1, "name": student_user.full_name,
         "orcid": ""}
    ]  # fmt: skip
    assert body["publication_files_uploaded"] == [
        {"id": file.pk, "publication_id": publication.pk, "publication__title": "Resists 0",
         "original_name": "paper.pdf", "content_type": "application/pdf", "size": file.size, "sha256": file.sha256,
         "uploaded_at": iso(file.uploaded_at),
         "download_url": f"/api/v1/publications/{publication.pk}/files/{file.pk}/download/"}
    ]  # fmt: skip
    views = body["publication_views"]
    assert (views["total"], [row["publication_id"] for row in views["items"]]) == (1, [publication.pk])
    assert body["feedback_written"] == body["feedback_replies"] == body["feedback_hidden"] == []

    registration = made["checked_in"]
    registration.refresh_from_db()
    event = registration.event
    assert body["event_registrations"] == [
        {"id": registration.pk, "event_id": event.pk, "event__title": "Review 0",
         "event__starts_at": iso(event.starts_at), "event__status": "published", "company__name": None,
         "status": "confirmed", "position": None,
         "created_at": iso(registration.created_at), "confirmed_at": iso(registration.confirmed_at),
         "cancelled_at": None, "checked_in_at": iso(registration.checked_in_at)}
    ]  # fmt: skip
    assert registration.checked_in_at is not None
    assert body["event_registrations_made_for_others"] == []
    keynote = event.sessions.get()
    assert body["event_talks"] == [
        {"session_id": keynote.pk, "session__title": "Keynote", "session__starts_at": iso(keynote.starts_at),
         "session__event_id": event.pk, "session__event__title": "Review 0", "position": 1,
         "name": student_user.full_name}
    ]  # fmt: skip
    material = made["material"]
    assert [row["id"] for row in body["event_materials_uploaded"]] == [material.pk]
    assert body["event_materials_uploaded"][0]["download_url"] == (
        f"/api/v1/events/{event.pk}/sessions/{keynote.pk}/materials/{material.pk}/download/"
    )
    feed_token = made["feed_token"]
    assert body["calendar_feed"] == {
        "active": True, "tokens": [{"created_at": iso(feed_token.created_at), "revoked_at": None}]
    }  # fmt: skip

    profile = made["profile"]
    profile.refresh_from_db()
    consent = profile.consent_records.get()
    assert body["career_profile"] == {
        "id": profile.pk, "degree": "phd", "field": "Electrical Engineering",
        "expected_graduation": profile.expected_graduation.isoformat(), "research_interests": "",
        "summary": "Resists.", "links": ["https://example.com/me"], "sharing": True, "share_with_all": False,
        "consent_changed_at": iso(profile.consent_changed_at), "renewed_until": None,
        "visible_until": profile.visible_until.isoformat(), "created_at": iso(profile.created_at),
        "updated_at": iso(profile.updated_at),
        "cv": {"original_name": cv.original_name, "content_type": "application/pdf", "size": cv.size,
               "sha256": cv.sha256, "uploaded_at": iso(cv.uploaded_at), "download_url": "/api/v1/careers/me/cv/"},
        "skills": ["Lithography", "Python"],
        "shared_with_companies": [{"id": member_company.pk, "name": member_company.name}],
        "consent_history": [
            {"at": iso(consent.at), "action": "granted", "share_with_all": False,
             "companies": [{"id": member_company.pk, "name": member_company.name}],
             "visible_until": profile.visible_until.isoformat()}
        ],
        "views": {
            "total": 2, "included": 2, "note": "",
            "items": [
                {"company": member_company.name, "kind": view.kind, "at": iso(view.at)}
                for view in ProfileView.objects.filter(profile=profile).order_by("-at", "-id")
            ],
        },
    }  # fmt: skip
    assert body["career_profile_views_made"] == EMPTY_LOG
    assert body["resume_books_requested"] == []

    # No secret anywhere in the file: no password hash, no token hash, no feed-token hash.
    text = response.content.decode()
    student_user.refresh_from_db()
    for secret in (student_user.password, token.key_hash, FeedToken.objects.get().key_hash, raw):
        assert secret not in text
    assert "key_hash" not in text and "pbkdf2" not in text and 'password"' not in text.replace("usable_password", "")


def test_the_export_is_audited_and_a_read_token_may_ask_for_it(student_user, make_token):
    token, raw = make_token(student_user, ["read"])
    _, body = export(bearer(raw))
    assert body["person"]["id"] == student_user.pk
    event = AuditEvent.objects.get(action="export_personal_data")
    assert (event.actor_id, event.via, event.token_id) == (student_user.pk, "token", token.pk)
    assert (event.target_type, event.target_id) == ("accounts.user", str(student_user.pk))
    # The next export shows the previous one.
    _, body = export(bearer(raw))
    assert body["audit_events"]["items"][0]["action"] == "export_personal_data"
    assert body["api_tokens"][0]["last_used_at"] is not None


def test_a_members_export(member_user, member_api, member_company, university, faculty_user, other_member):
    task = make_task("3200.001", university, principal_investigators=[faculty_user], liaisons=[member_user])
    feedback = Feedback.objects.create(
        task=task, author=member_user, organisation=member_company, relevance=4, quality=5, progress=3,
        comment="Useful for our fab.",
    )  # fmt: skip
    reply = FeedbackReply.objects.create(feedback=feedback, author=faculty_user, text="Thanks.")
    event = make_event()
    made = events_services.registration_create(event=event, person=other_member, registered_by=member_user)

    _, body = export(member_api)

    assert body["person"] == person_json(member_user, member_company)
    assert [(row["number"], row["capacities"]) for row in body["research_tasks"]] == [("3200.001", ["liaison"])]
    assert body["feedback_written"] == [
        {"id": feedback.pk, "task_id": task.pk, "task__number": "3200.001", "deliverable_id": None, "report_id": None,
         "organisation__name": member_company.name, "relevance": 4, "quality": 5, "progress": 3,
         "comment": "Useful for our fab.", "hidden": False, "hidden_reason": "", "hidden_at": None, "replied_at": None,
         "created_at": iso(feedback.created_at), "updated_at": iso(feedback.updated_at)}
    ]  # fmt: skip
    # The PI's reply is the PI's, not the member's.
    assert body["feedback_replies"] == []
    assert export(client_for(faculty_user))[1]["feedback_replies"] == [
        {"id": reply.pk, "feedback_id": feedback.pk, "feedback__task__number": "3200.001", "text": "Thanks.",
         "created_at": iso(reply.created_at)}
    ]  # fmt: skip
    # A registration made for a colleague: the act, without the colleague's details.
    assert body["event_registrations_made_for_others"] == [
        {"id": made.pk, "event_id": event.pk, "event__title": event.title, "created_at": iso(made.created_at)}
    ]
    assert body["event_registrations"] == []
    assert body["career_profile"] is None
    assert body["calendar_feed"] == {"active": False, "tokens": []}


def test_a_staff_export(staff_user, staff_api, member_company, university, faculty_user, member_user, make_token):
    task = make_task("3300.001", university, principal_investigators=[faculty_user])
    deliverable = make_deliverable(task)
    extension = DeliverableExtension.objects.create(
        deliverable=deliverable, previous_due_on=deliverable.due_on, new_due_on=deliverable.due_on, reason="Fab down.",
        extended_by=staff_user,
    )  # fmt: skip
    feedback = Feedback.objects.create(
        task=task, author=member_user, organisation=member_company, relevance=1, quality=1, progress=1,
        comment="Rude.", hidden=True, hidden_reason="Off topic.", hidden_at=timezone.now(), hidden_by=staff_user,
    )  # fmt: skip
    entry = LogEntry.objects.create(
        user=staff_user, content_type=ContentType.objects.get_for_model(get_user_model()),
        object_id=str(member_user.pk), object_repr=str(member_user), action_flag=ADDITION, change_message="[]",
    )  # fmt: skip
    # A token staff issued for someone else is that person's, not staff's.
    make_token(member_user, ["read"], name="for the liaison", created_by=staff_user)

    _, body = export(staff_api)

    assert body["person"] == person_json(staff_user, None)
    assert body["api_tokens"] == []
    assert body["admin_log"]["items"] == [
        {"action_time": iso(entry.action_time), "content_type__app_label": "accounts", "content_type__model": "user",
         "object_id": str(member_user.pk), "object_repr": str(member_user), "action_flag": ADDITION,
         "change_message": "[]"}
    ]  # fmt: skip
    assert body["deliverable_extensions_granted"] == [
        {"deliverable_id": deliverable.pk, "deliverable__title": "Annual report",
         "previous_due_on": extension.previous_due_on.isoformat(), "new_due_on": extension.new_due_on.isoformat(),
         "reason": "Fab down.", "extended_at": iso(extension.extended_at)}
    ]  # fmt: skip
    assert body["feedback_hidden"] == [
        {"id": feedback.pk, "task__number": "3300.001", "hidden": True, "hidden_reason": "Off topic.",
         "hidden_at": iso(feedback.hidden_at)}
    ]  # fmt: skip
    assert body["feedback_written"] == []
    assert body["research_tasks"] == []


def test_anonymous_callers_get_401(api, db):
    response = api.get(URL)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert not AuditEvent.objects.filter(action="export_personal_data").exists()


def test_long_logs_are_capped_with_a_note(student_user, student_api, monkeypatch):
    monkeypatch.setattr(personal_data, "LOG_LIMIT", 3)
    with acting_as(student_user, via="session"):
        for n in range(5):
            person_update(person=student_user, title=f"Title {n}")
    _, body = export(student_api)
    audit = body["audit_events"]
    assert (audit["total"], audit["included"], len(audit["items"])) == (5, 3, 3)
    assert audit["note"] == "The newest 3 of 5 audit events are included; ask consortium staff for the rest."
    assert [item["changes"]["title"][1] for item in audit["items"]] == ["Title 4", "Title 3", "Title 2"]


@pytest.mark.parametrize("role", ["student", "member"])
def test_the_number_of_queries_does_not_grow_with_the_data(
    role, university, faculty_user, member_company, recruiter, count_queries
):
    def queries_for(count):
        if role == "student":
            person = factories.student(university)
            student_world(person, university, faculty_user, member_company, recruiter, count=count)
        else:
            person = factories.member(member_company)
            for n in range(count):
                task = make_task(f"{n:04d}.{person.pk % 1000:03d}", university, liaisons=[person])
                Feedback.objects.create(task=task, author=person, organisation=member_company, relevance=3,
                                        quality=3, progress=3, comment="Fine.")  # fmt: skip
                register(make_event(days=20 + n, title=f"Event {person.pk}-{n}"), person)
        client = client_for(person)
        with count_queries() as captured:
            export(client)
        return len(captured)

    assert queries_for(2) == queries_for(10)


def test_every_relation_to_a_person_is_exported_or_explained():
    user_model = get_user_model()
    relations = set()
    for model in apps.get_models():
        if model._meta.proxy:
            continue  # its fields are its concrete model's
        for field in [*model._meta.local_fields, *model._meta.local_many_to_many]:
            if field.is_relation and field.related_model is user_model:
                relations.add(f"{model._meta.label}.{field.name}")
    covers, not_personal = personal_data.declared()

    missing = relations - covers - set(not_personal)
    assert not missing, f"Export these in the app's personal_data.py (COVERS) or explain them (NOT_PERSONAL): {missing}"
    assert not covers & set(not_personal)
    assert (covers | set(not_personal)) <= relations, "personal_data names a relation that does not exist"
    assert all(reason.strip() for reason in not_personal.values())
    assert "careers.StudentProfile.user" in relations  # the walk sees one-to-ones
    assert "research.ResearchTask.students" in relations  # and many-to-manys
