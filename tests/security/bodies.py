"""Valid request bodies for the matrix's writes, so a status says who may act, not whether the input was good.

BODIES maps "route METHOD" to a function of the world returning ("json", data) or ("multipart", data);
multipart bodies are made afresh for every request (an uploaded file is read once).
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.careers.support import months_from_today, pdf_bytes
from tests.factories import PASSWORD
from tests.research.support import PDF
from tests.security.world import HOOK_URL

BIBTEX = b"@article{lith2026,\n  title = {Imported resist study},\n  author = {Writer, A.},\n  year = {2026}\n}\n"


def _pdf(name="file.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _organisation(w):
    return {"name": "Quartz Labs", "short_name": "Quartz", "kind": "member", "membership_tier": "full",
            "active": True, "website": ""}  # fmt: skip


def _person(w):
    return {"email": "liaison@aster.example.com", "given_name": "Ada", "family_name": "Liaison", "role": "member",
            "title": "", "organisation": w.sponsor_company.pk, "is_company_admin": False, "is_recruiter": False,
            "is_active": True}  # fmt: skip


def _program(w):
    return {"name": "Metrology", "code": "METR", "description": "Measuring.", "active": True}


def _task(w):
    return {"number": "3160.001", "title": "Task 3160.001", "abstract": "", "program": w.program.pk,
            "university": w.university.pk, "principal_investigators": [w.faculty.pk], "students": [], "liaisons": [],
            "sponsors": [w.sponsor_company.pk], "start": "2025-09-01", "end": "2028-08-31", "status": "active",
            "confidential": True}  # fmt: skip


def _publication(w):
    return {"title": "A sponsors' paper", "kind": "paper", "year": 2026, "access": "sponsors",
            "authors": [{"name": "A. Writer"}], "tasks": [w.task.pk]}  # fmt: skip


def _event(w):
    event = w.event
    return {"kind": "conference", "title": "Spring Review", "description": "", "starts_at": event.starts_at.isoformat(),
            "ends_at": event.ends_at.isoformat(), "time_zone": "UTC", "location": "Hall", "online_link": "",
            "audience": "members", "status": "published"}  # fmt: skip


def _new_event(w):
    starts = timezone.now() + datetime.timedelta(days=30)
    return {**_event(w), "title": "Autumn Review", "starts_at": starts.isoformat(),
            "ends_at": (starts + datetime.timedelta(hours=4)).isoformat()}  # fmt: skip


def _profile(w):
    return {"degree": "phd", "field": "Electrical Engineering", "expected_graduation": f"{months_from_today(12):%Y-%m}",
            "research_interests": "", "summary": "", "skills": [], "links": []}  # fmt: skip


def _endpoint(w):
    return {"url": HOOK_URL, "event_types": ["publication.published"], "description": ""}


def as_json(make):
    return lambda w: ("json", make(w))


def as_multipart(make):
    return lambda w: ("multipart", make(w))


BODIES = {
    "token-list POST": as_json(lambda w: {"name": "script", "scopes": ["read"]}),
    "token-detail PATCH": as_json(lambda w: {"name": "renamed"}),
    "auth-login POST": as_json(lambda w: {"email": "liaison@aster.example.com", "password": PASSWORD}),
    "auth-me PATCH": as_json(lambda w: {"title": "Dr"}),
    "auth-password POST": as_json(
        lambda w: {"current_password": PASSWORD, "new_password": "a new and longer passphrase"}
    ),
    "organisation-list POST": as_json(lambda w: {**_organisation(w), "name": "Zircon Devices", "short_name": "Zircon"}),
    "organisation-detail PUT": as_json(_organisation),
    "organisation-detail PATCH": as_json(lambda w: {"website": "https://quartz.example.com"}),
    "person-list POST": as_json(lambda w: {**_person(w), "email": "new@aster.example.com"}),
    "person-detail PUT": as_json(_person),
    "person-detail PATCH": as_json(lambda w: {"title": "Liaison"}),
    "program-list POST": as_json(lambda w: {**_program(w), "name": "Packaging", "code": "PACK"}),
    "program-detail PUT": as_json(_program),
    "program-detail PATCH": as_json(lambda w: {"description": "Measuring things."}),
    "task-list POST": as_json(lambda w: {**_task(w), "number": "3160.099", "title": "A new task"}),
    "task-detail PUT": as_json(_task),
    "task-detail PATCH": as_json(lambda w: {"abstract": "Shorter line edges."}),
    "deliverable-list POST": as_json(
        lambda w: {"task": w.task.pk, "title": "Final report", "kind": "report", "due_on": "2027-12-31"}
    ),
    "deliverable-detail PUT": as_json(lambda w: {"title": "Annual report", "kind": "report"}),
    "deliverable-detail PATCH": as_json(lambda w: {"title": "Annual report 2027"}),
    "deliverable-request-revision POST": as_json(lambda w: {"reason": "Add the error bars."}),
    "deliverable-extend POST": as_json(lambda w: {"due_on": "2027-09-30", "reason": "Tool downtime."}),
    "deliverable-skip POST": as_json(lambda w: {"reason": "Merged into the annual report."}),
    "deliverable-reports POST": as_multipart(lambda w: {"file": _pdf("report.pdf"), "summary": "Progress."}),
    "publication-import POST": as_multipart(lambda w: {"file": SimpleUploadedFile("papers.bib", BIBTEX)}),
    "publication-list POST": as_json(lambda w: {**_publication(w), "title": "Another paper"}),
    "publication-detail PUT": as_json(_publication),
    "publication-detail PATCH": as_json(lambda w: {"abstract": "Resists, revisited."}),
    "publication-files POST": as_multipart(lambda w: {"file": _pdf("paper.pdf")}),
    "feedback-list POST": as_json(
        lambda w: {
            "deliverable": w.deliverable.pk,
            "relevance": 4,
            "quality": 4,
            "progress": 3,
            "comment": "Clear progress.",
        }
    ),
    "feedback-detail PATCH": as_json(lambda w: {"comment": "Clearer now."}),
    "feedback-hide POST": as_json(lambda w: {"reason": "Names a person."}),
    "feedback-replies POST": as_json(lambda w: {"text": "Thank you."}),
    "event-list POST": as_json(_new_event),
    "event-detail PUT": as_json(_event),
    "event-detail PATCH": as_json(lambda w: {"location": "Hall 2"}),
    "event-materials POST": as_multipart(lambda w: {"file": _pdf("agenda.pdf")}),
    "careers-me PUT": as_json(_profile),
    "careers-me-cv PUT": as_multipart(lambda w: {"file": SimpleUploadedFile("cv.pdf", pdf_bytes("new CV"))}),
    "careers-me-consent PUT": as_json(lambda w: {"sharing": True, "share_with_all": True}),
    "recruiter-list POST": as_json(lambda w: {"person": w.sponsor.pk}),
    "resume-book-list POST": as_json(lambda w: {}),
    "webhook-endpoint-list POST": as_json(_endpoint),
    "webhook-endpoint-detail PUT": as_json(_endpoint),
    "webhook-endpoint-detail PATCH": as_json(lambda w: {"active": False}),
}
