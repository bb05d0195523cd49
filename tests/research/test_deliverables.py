import datetime

import pytest

from api.core.audit.models import AuditEvent
from api.research import services
from api.research.models import Deliverable, DeliverableExtension
from tests import factories
from tests.conftest import bearer
from tests.research.support import NOW, UTC, iso, pdf, submit

pytestmark = pytest.mark.django_db
URL = "/api/v1/deliverables/"
FILES, FULL, HIDDEN = "files", "full", 404
STATES = ["planned", "submitted", "accepted", "revision_requested", "skipped"]

# What each caller sees of: the public task's deliverables (sponsored by member_company, PI
# faculty_user), the confidential task's (same team and sponsor), and other_task's (PI
# other_faculty, sponsored by other_company).
MATRIX = [
    ("member_api", FILES, FILES, FULL),
    ("colleague_api", FILES, FILES, FULL),
    ("other_member_api", FULL, HIDDEN, FILES),
    ("inactive_member_api", HIDDEN, HIDDEN, HIDDEN),
    ("faculty_api", FILES, FILES, HIDDEN),
    ("other_faculty_api", HIDDEN, HIDDEN, FILES),
    ("student_api", FILES, FILES, HIDDEN),
    ("liaison_api", FILES, FILES, FULL),
    ("staff_api", FILES, FILES, FILES),
]
# Whose deliverables each caller may submit reports for (the PIs and staff).
SUBMITTERS = {
    "faculty_api": ("public", "secret"),
    "other_faculty_api": ("other",),
    "staff_api": ("public", "secret", "other"),
}


def person(user):
    return {"id": user.pk, "given_name": user.given_name, "family_name": user.family_name, "full_name": user.full_name}


def report_payload(report, file_access):
    return {
        "id": report.pk,
        "version": report.version,
        "original_name": report.original_name,
        "content_type": "application/pdf",
        "size": report.size,
        "sha256": report.sha256,
        "summary": report.summary,
        "submitted_by": person(report.submitted_by) if report.submitted_by else None,
        "submitted_at": iso(report.submitted_at),
        "download_url": f"/api/v1/deliverables/{report.deliverable_id}/reports/{report.pk}/download/"
        if file_access
        else None,
    }


def payload(deliverable, *, file_access, may_submit=False):
    deliverable.refresh_from_db()
    task = deliverable.task
    return {
        "id": deliverable.pk,
        "task": {"id": task.pk, "number": task.number, "title": task.title},
        "title": deliverable.title,
        "kind": deliverable.kind,
        "original_due_on": deliverable.original_due_on.isoformat(),
        "due_on": deliverable.due_on.isoformat(),
        "status": deliverable.status,
        "late": deliverable.is_late,
        "overdue": deliverable.is_overdue,
        "submitted_at": iso(deliverable.submitted_at),
        "submitted_late": deliverable.submitted_late,
        "accepted_at": iso(deliverable.accepted_at),
        "status_reason": deliverable.status_reason,
        "extensions": [
            {
                "previous_due_on": extension.previous_due_on.isoformat(),
                "new_due_on": extension.new_due_on.isoformat(),
                "reason": extension.reason,
                "extended_at": iso(extension.extended_at),
            }
            for extension in deliverable.extensions.order_by("extended_at", "id")
        ],
        "reports": [report_payload(r, file_access) for r in deliverable.reports.order_by("-version", "id")],
        "can_download": file_access,
        "can_submit": may_submit and deliverable.status not in {"accepted", "skipped"},
    }


@pytest.fixture
def everything(deliverables, secret_deliverable, other_deliverable):
    return {"public": list(deliverables.values()), "secret": [secret_deliverable], "other": [other_deliverable]}


@pytest.mark.parametrize(("client", "public", "secret", "other"), MATRIX)
def test_who_sees_which_deliverables(request, client, public, secret, other, everything):
    api = request.getfixturevalue(client)
    submits = SUBMITTERS.get(client, ())
    expected = {}
    for group, access in zip(("public", "secret", "other"), (public, secret, other), strict=True):
        for deliverable in everything[group]:
            expected[deliverable.pk] = None if access == HIDDEN else (access == FILES, group in submits)
    visible = sorted(
        (d for group in everything.values() for d in group if expected[d.pk] is not None),
        key=lambda d: (d.due_on, d.pk),
    )
    response = api.get(URL, {"page_size": 100})
    assert response.status_code == 200
    assert response.json()["results"] == [
        payload(d, file_access=expected[d.pk][0], may_submit=expected[d.pk][1]) for d in visible
    ]
    for group in everything.values():
        for deliverable in group:
            detail = api.get(f"{URL}{deliverable.pk}/")
            if expected[deliverable.pk] is None:
                assert detail.status_code == 404
            else:
                file_access, may_submit = expected[deliverable.pk]
                assert detail.status_code == 200
                assert detail.json() == payload(deliverable, file_access=file_access, may_submit=may_submit)


def test_anonymous_callers_get_401(api, deliverables):
    assert api.get(URL).status_code == 401
    assert api.get(f"{URL}{deliverables['submitted'].pk}/").status_code == 401


# --- The life cycle -------------------------------------------------------------------------------


def test_accept(staff_api, staff_user, deliverables):
    deliverable = deliverables["submitted"]
    response = staff_api.post(f"{URL}{deliverable.pk}/accept/")
    assert response.status_code == 200
    assert response.json() == payload(deliverable, file_access=True, may_submit=True)
    assert deliverable.status == "accepted" and deliverable.accepted_at == NOW
    event = AuditEvent.objects.get(action="accept", actor=staff_user)
    assert (event.actor_id, event.via, event.target_type, event.target_id, event.client_ip) == (
        staff_user.pk,
        "session",
        "research.deliverable",
        str(deliverable.pk),
        "127.0.0.1",
    )
    assert event.changes == {"status": ["submitted", "accepted"], "reason": ""}


def test_request_revision_then_resubmit_then_accept(staff_api, faculty_api, deliverables):
    deliverable = deliverables["submitted"]
    response = staff_api.post(f"{URL}{deliverable.pk}/request-revision/", {"reason": "Cite the data."}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "revision_requested"
    assert response.json()["status_reason"] == "Cite the data."
    resubmitted = faculty_api.post(f"{URL}{deliverable.pk}/reports/", {"file": pdf()}, format="multipart")
    assert resubmitted.status_code == 201
    assert resubmitted.json()["status"] == "submitted"
    assert [r["version"] for r in resubmitted.json()["reports"]] == [2, 1]
    assert staff_api.post(f"{URL}{deliverable.pk}/accept/").json()["status"] == "accepted"
    actions = AuditEvent.objects.filter(target_type="research.deliverable", target_id=str(deliverable.pk))
    assert list(actions.order_by("id").values_list("action", flat=True)) == [
        "create",
        "submit_report",  # by the fixture
        "request_revision",
        "submit_report",
        "accept",
    ]


def test_skip(staff_api, deliverables):
    deliverable = deliverables["planned"]
    response = staff_api.post(f"{URL}{deliverable.pk}/skip/", {"reason": "Merged into the final report."})
    assert response.status_code == 200
    assert response.json() == payload(deliverable, file_access=True, may_submit=True)
    assert deliverable.status == "skipped" and deliverable.status_reason == "Merged into the final report."


def test_extend_keeps_the_original_due_date_and_every_extension(staff_api, staff_user, deliverables):
    deliverable = deliverables["planned"]
    first = staff_api.post(f"{URL}{deliverable.pk}/extend/", {"due_on": "2026-07-31", "reason": "Tool down."})
    assert first.status_code == 200
    second = staff_api.post(f"{URL}{deliverable.pk}/extend/", {"due_on": "2026-09-30", "reason": "Student left."})
    assert second.status_code == 200
    body = second.json()
    assert body == payload(deliverable, file_access=True, may_submit=True)
    assert (body["original_due_on"], body["due_on"]) == ("2026-06-30", "2026-09-30")
    # extended_at is the model's default (the real clock), so the payload above pins it.
    assert [(e["previous_due_on"], e["new_due_on"], e["reason"]) for e in body["extensions"]] == [
        ("2026-06-30", "2026-07-31", "Tool down."),
        ("2026-07-31", "2026-09-30", "Student left."),
    ]
    assert set(DeliverableExtension.objects.values_list("extended_by", flat=True)) == {staff_user.pk}
    assert deliverable.deadline_at == datetime.datetime(2026, 10, 1, tzinfo=UTC)
    assert [e.changes for e in AuditEvent.objects.filter(action="extend").order_by("id")] == [
        {"due_on": ["2026-06-30", "2026-07-31"], "reason": "Tool down."},
        {"due_on": ["2026-07-31", "2026-09-30"], "reason": "Student left."},
    ]


def test_a_revision_requested_deliverable_can_be_extended_and_skipped(staff_api, deliverables):
    deliverable = deliverables["revision_requested"]
    extended = staff_api.post(f"{URL}{deliverable.pk}/extend/", {"due_on": "2026-04-30", "reason": "More time."})
    assert extended.status_code == 200 and extended.json()["status"] == "revision_requested"
    skipped = staff_api.post(f"{URL}{deliverable.pk}/skip/", {"reason": "Not needed."})
    assert skipped.status_code == 200 and skipped.json()["status"] == "skipped"


@pytest.mark.parametrize(
    ("state", "action", "body"),
    [
        ("planned", "accept", {}),
        ("revision_requested", "accept", {}),
        ("accepted", "accept", {}),
        ("skipped", "accept", {}),
        ("planned", "request-revision", {"reason": "Why?"}),
        ("accepted", "request-revision", {"reason": "Changed my mind."}),
        ("revision_requested", "request-revision", {"reason": "Again."}),
        ("skipped", "request-revision", {"reason": "Why?"}),
        ("submitted", "extend", {"due_on": "2026-12-31", "reason": "Why?"}),
        ("accepted", "extend", {"due_on": "2026-12-31", "reason": "Why?"}),
        ("skipped", "extend", {"due_on": "2026-12-31", "reason": "Why?"}),
        ("submitted", "skip", {"reason": "Why?"}),
        ("accepted", "skip", {"reason": "Why?"}),
        ("skipped", "skip", {"reason": "Why?"}),
    ],
)
def test_illegal_transitions_are_409_with_a_reason(staff_api, deliverables, state, action, body):
    deliverable = deliverables[state]
    events = AuditEvent.objects.count()
    response = staff_api.post(f"{URL}{deliverable.pk}/{action}/", body, format="json")
    assert response.status_code == 409
    label = Deliverable.Status(state).label.lower()
    assert response.json() == {"status": 409, "code": "invalid_state", "detail": response.json()["detail"]}
    assert f"the deliverable is {label}" in response.json()["detail"]
    assert Deliverable.objects.get(pk=deliverable.pk).status == state
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("state", ["accepted", "skipped"])
def test_no_reports_on_accepted_or_skipped_deliverables(faculty_api, deliverables, state, media_root):
    deliverable = deliverables[state]
    files = sorted(media_root.rglob("*"))
    reports = deliverable.reports.count()
    response = faculty_api.post(f"{URL}{deliverable.pk}/reports/", {"file": pdf()}, format="multipart")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert f"is {state}; no more reports" in response.json()["detail"]
    assert deliverable.reports.count() == reports
    assert sorted(media_root.rglob("*")) == files


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("request-revision", {}),
        ("request-revision", {"reason": "   "}),
        ("skip", {}),
        ("skip", {"reason": ""}),
        ("extend", {"due_on": "2026-12-31"}),
        ("extend", {"due_on": "2026-12-31", "reason": " "}),
    ],
)
def test_reasons_are_required(staff_api, deliverables, action, body):
    deliverable = deliverables["submitted"] if action == "request-revision" else deliverables["planned"]
    response = staff_api.post(f"{URL}{deliverable.pk}/{action}/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["reason"]
    assert Deliverable.objects.get(pk=deliverable.pk).status == deliverable.status


@pytest.mark.parametrize("due_on", ["2026-06-30", "2026-06-29", "2020-01-01"])
def test_an_extension_must_move_the_date_later(staff_api, deliverables, due_on):
    deliverable = deliverables["planned"]
    response = staff_api.post(f"{URL}{deliverable.pk}/extend/", {"due_on": due_on, "reason": "Why not."})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["due_on"]
    assert not DeliverableExtension.objects.exists()
    assert Deliverable.objects.get(pk=deliverable.pk).due_on == datetime.date(2026, 6, 30)


def test_an_extension_needs_a_date(staff_api, deliverables):
    response = staff_api.post(f"{URL}{deliverables['planned'].pk}/extend/", {"due_on": "soon", "reason": "x"})
    assert response.status_code == 400 and list(response.json()["fields"]) == ["due_on"]


# --- Who may act ----------------------------------------------------------------------------------

ACTIONS = [
    ("accept", "submitted", {}),
    ("request-revision", "submitted", {"reason": "No."}),
    ("extend", "planned", {"due_on": "2026-12-31", "reason": "No."}),
    ("skip", "planned", {"reason": "No."}),
]


@pytest.mark.parametrize(("action", "state", "body"), ACTIONS)
@pytest.mark.parametrize(
    "client", ["member_api", "other_member_api", "faculty_api", "student_api", "liaison_api", "colleague_api"]
)
def test_only_staff_act_on_deliverables_others_see(request, client, deliverables, action, state, body):
    deliverable = deliverables[state]
    events = AuditEvent.objects.count()
    response = request.getfixturevalue(client).post(f"{URL}{deliverable.pk}/{action}/", body, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert Deliverable.objects.get(pk=deliverable.pk).status == state
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(("action", "state", "body"), ACTIONS)
@pytest.mark.parametrize(
    ("client", "group"),
    [
        ("other_member_api", "secret"),
        ("inactive_member_api", "public"),
        ("faculty_api", "other"),
        ("other_faculty_api", "public"),
        ("student_api", "other"),
    ],
)
def test_deliverables_a_caller_cannot_see_are_404_for_every_action(
    request, client, group, action, state, body, deliverables, secret_deliverable, other_deliverable
):
    deliverable = {"public": deliverables["submitted"], "secret": secret_deliverable, "other": other_deliverable}[group]
    before = deliverable.status
    response = request.getfixturevalue(client).post(f"{URL}{deliverable.pk}/{action}/", body, format="json")
    assert response.status_code == 404
    assert Deliverable.objects.get(pk=deliverable.pk).status == before


def test_anonymous_actions_are_401(api, deliverables):
    for action, state, body in ACTIONS:
        assert api.post(f"{URL}{deliverables[state].pk}/{action}/", body, format="json").status_code == 401


# --- Staff edit deliverables ----------------------------------------------------------------------


def test_staff_create_edit_and_delete_deliverables(staff_api, staff_user, task):
    created = staff_api.post(URL, {"task": task.pk, "title": "Mask study", "kind": "report", "due_on": "2026-05-31"})
    assert created.status_code == 201
    deliverable = Deliverable.objects.get(title="Mask study")
    assert created.json() == payload(deliverable, file_access=True, may_submit=True)
    assert (deliverable.original_due_on, deliverable.deadline_at) == (
        datetime.date(2026, 5, 31),
        datetime.datetime(2026, 6, 1, tzinfo=UTC),
    )
    # The due date changes only through /extend/, the status only through the actions.
    edited = staff_api.patch(
        f"{URL}{deliverable.pk}/",
        {"title": "Mask 3D study", "kind": "publication", "due_on": "2030-01-01", "status": "accepted"},
        format="json",
    )
    assert edited.status_code == 200
    assert edited.json() == payload(deliverable, file_access=True, may_submit=True)
    assert (deliverable.title, deliverable.kind, deliverable.due_on, deliverable.status) == (
        "Mask 3D study",
        "publication",
        datetime.date(2026, 5, 31),
        "planned",
    )
    assert staff_api.delete(f"{URL}{deliverable.pk}/").status_code == 204
    assert not Deliverable.objects.filter(pk=deliverable.pk).exists()
    events = AuditEvent.objects.filter(target_type="research.deliverable").order_by("id")
    assert [(e.action, e.actor_id) for e in events] == [
        ("create", staff_user.pk),
        ("update", staff_user.pk),
        ("delete", staff_user.pk),
    ]
    assert events[1].changes == {"title": ["Mask study", "Mask 3D study"], "kind": ["report", "publication"]}


@pytest.mark.parametrize("state", ["submitted", "accepted", "revision_requested", "skipped"])
def test_only_planned_deliverables_without_reports_can_be_deleted(staff_api, deliverables, state):
    response = staff_api.delete(f"{URL}{deliverables[state].pk}/")
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    assert Deliverable.objects.filter(pk=deliverables[state].pk).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "novel"}, "kind"),
        ({"due_on": "someday"}, "due_on"),
        ({"task": 999999}, "task"),
        ({"title": ""}, "title"),
    ],
)
def test_invalid_deliverables_are_400(staff_api, task, body, field):
    response = staff_api.post(URL, {"task": task.pk, "title": "A", "kind": "report", "due_on": "2026-05-31", **body})
    assert response.status_code == 400 and list(response.json()["fields"]) == [field]


@pytest.mark.parametrize("client", ["member_api", "faculty_api", "student_api", "liaison_api"])
def test_only_staff_create_edit_and_delete_deliverables(request, client, task, deliverables):
    api = request.getfixturevalue(client)
    planned = deliverables["planned"]
    body = {"task": task.pk, "title": "Sneaky", "kind": "report", "due_on": "2026-05-31"}
    assert api.post(URL, body).status_code == 403
    assert api.patch(f"{URL}{planned.pk}/", {"title": "Hijacked"}, format="json").status_code == 403
    assert api.delete(f"{URL}{planned.pk}/").status_code == 403
    assert not Deliverable.objects.filter(title__in=["Sneaky", "Hijacked"]).exists()


def test_anonymous_deliverable_writes_are_401(api, task, deliverables):
    body = {"task": task.pk, "title": "Sneaky", "kind": "report", "due_on": "2026-05-31"}
    assert api.post(URL, body).status_code == 401
    assert api.patch(f"{URL}{deliverables['planned'].pk}/", {"title": "x"}, format="json").status_code == 401
    assert api.delete(f"{URL}{deliverables['planned'].pk}/").status_code == 401


# --- Read-only tokens -----------------------------------------------------------------------------


def test_a_read_token_reads(staff_user, make_token, deliverables):
    _, raw = make_token(staff_user, scopes=["read"])
    assert bearer(raw).get(URL).json()["count"] == 5


def test_a_read_token_can_do_no_write_action(staff_user, make_token, task, program, deliverables, media_root):
    _, raw = make_token(staff_user, scopes=["read"])
    client = bearer(raw)
    files = sorted(media_root.rglob("*"))
    events = AuditEvent.objects.count()
    submitted, planned = deliverables["submitted"], deliverables["planned"]
    calls = [
        ("post", f"{URL}{submitted.pk}/accept/", {}),
        ("post", f"{URL}{submitted.pk}/request-revision/", {"reason": "x"}),
        ("post", f"{URL}{planned.pk}/extend/", {"due_on": "2026-12-31", "reason": "x"}),
        ("post", f"{URL}{planned.pk}/skip/", {"reason": "x"}),
        ("post", URL, {"task": task.pk, "title": "x", "kind": "report", "due_on": "2026-12-31"}),
        ("patch", f"{URL}{planned.pk}/", {"title": "x"}),
        ("delete", f"{URL}{planned.pk}/", {}),
        ("post", "/api/v1/tasks/", {"number": "3999.001"}),
        ("patch", f"/api/v1/tasks/{task.pk}/", {"title": "x"}),
        ("delete", f"/api/v1/tasks/{task.pk}/", {}),
        ("post", "/api/v1/programs/", {"name": "x", "code": "X"}),
        ("patch", f"/api/v1/programs/{program.pk}/", {"name": "x"}),
        ("delete", f"/api/v1/programs/{program.pk}/", {}),
    ]
    for method, url, body in calls:
        response = getattr(client, method)(url, body, format="json")
        assert (response.status_code, response.json()["code"]) == (403, "insufficient_scope"), (method, url)
    upload = client.post(f"{URL}{submitted.pk}/reports/", {"file": pdf()}, format="multipart")
    assert (upload.status_code, upload.json()["code"]) == (403, "insufficient_scope")
    assert AuditEvent.objects.count() == events
    assert sorted(media_root.rglob("*")) == files
    assert submitted.reports.count() == 1


def test_a_write_token_of_staff_acts_and_the_audit_names_the_token(staff_user, make_token, deliverables):
    token, raw = make_token(staff_user, scopes=["read", "write"])
    response = bearer(raw).post(f"{URL}{deliverables['submitted'].pk}/accept/")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="accept", actor=staff_user)
    assert (event.actor_id, event.via, event.token_id) == (staff_user.pk, "token", token.pk)


# --- Filters --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "matching", "other"),
    [
        ({"task": "task"}, "Q1 report", "Warpage model"),
        ({"task": "other_task"}, "Warpage model", "Q1 report"),
        ({"status": "submitted"}, "Q1 report", "Final report"),
        ({"status": "revision_requested"}, "Interim review", "Q1 report"),
        ({"kind": "software"}, "Tool software", "Q1 report"),
        ({"kind": "data"}, "Resist dataset", "Tool software"),
        ({"due_before": "2026-03-01"}, "Tool software", "Interim review"),  # inclusive
        ({"due_after": "2026-03-31"}, "Q1 report", "Interim review"),  # inclusive
        ({"due_after": "2026-03-02", "due_before": "2026-03-30"}, "Interim review", "Q1 report"),
        ({"late": "true"}, "Interim review", "Q1 report"),
        ({"late": "false"}, "Q1 report", "Interim review"),
    ],
)
def test_deliverable_filters(request, staff_api, deliverables, other_deliverable, params, matching, other):
    params = {key: request.getfixturevalue(value).pk if key == "task" else value for key, value in params.items()}
    titles = [row["title"] for row in staff_api.get(URL, {**params, "page_size": 100}).json()["results"]]
    assert matching in titles and other not in titles


def test_filters_never_reveal_hidden_deliverables(other_member_api, confidential_task, secret_deliverable):
    response = other_member_api.get(URL, {"task": confidential_task.pk})
    assert response.status_code == 200 and response.json()["results"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"late": "maybe"}, "late"),
        ({"status": "lost"}, "status"),
        ({"kind": "novel"}, "kind"),
        ({"due_before": "tomorrow"}, "due_before"),
        ({"task": "3160.001"}, "task"),
    ],
)
def test_invalid_filter_values_are_400(staff_api, params, field):
    response = staff_api.get(URL, params)
    assert response.status_code == 400 and list(response.json()["fields"]) == [field]


# --- Query counts ---------------------------------------------------------------------------------


def _make_deliverables(task, count, by, clock, start=0):
    for index in range(start, start + count):
        deliverable = services.deliverable_create(
            task=task,
            title=f"Report {index}",
            kind="report",
            due_on=datetime.date(2026, 3, 1) + datetime.timedelta(index),
        )
        services.deliverable_extend(deliverable=deliverable, due_on=datetime.date(2026, 12, 31), reason="Later.")
        submit(deliverable, by, clock=clock, at=NOW)


@pytest.mark.parametrize("client", ["member_api", "other_member_api", "faculty_api", "staff_api"])
def test_query_count_does_not_grow_with_page_size(
    request, client, task, faculty_user, clock, django_assert_max_num_queries
):
    api = request.getfixturevalue(client)
    _make_deliverables(task, 1, faculty_user, clock)
    with django_assert_max_num_queries(10) as one:
        assert len(api.get(URL).json()["results"]) == 1
    _make_deliverables(task, 29, faculty_user, clock, start=1)
    other = factories.faculty(task.university)
    task.principal_investigators.add(other)
    with django_assert_max_num_queries(len(one)):
        assert len(api.get(URL, {"page_size": 50}).json()["results"]) == 30


@pytest.fixture
def missed(task, clock):
    """Planned and past its deadline at NOW: overdue."""
    return services.deliverable_create(task=task, title="Missed memo", kind="report", due_on=datetime.date(2026, 3, 1))


@pytest.mark.parametrize(
    ("params", "matching", "others"),
    [
        ({"overdue": "true"}, "Missed memo", ["Final report", "Interim review", "Tool software", "Q1 report"]),
        ({"overdue": "false"}, "Final report", ["Missed memo"]),
        ({"sponsor": "member_company"}, "Q1 report", ["Warpage model"]),
        ({"sponsor": "other_company"}, "Warpage model", ["Q1 report", "Missed memo"]),
    ],
)
def test_home_panel_filters(request, staff_api, deliverables, other_deliverable, missed, params, matching, others):
    params = {k: request.getfixturevalue(v).pk if k == "sponsor" else v for k, v in params.items()}
    titles = [row["title"] for row in staff_api.get(URL, {**params, "page_size": 100}).json()["results"]]
    assert matching in titles and not set(others) & set(titles)


def test_the_sponsor_filter_never_widens_what_a_member_sees(
    other_member_api, confidential_task, secret_deliverable, member_company
):
    response = other_member_api.get(URL, {"sponsor": member_company.pk})
    assert response.status_code == 200 and response.json()["results"] == []


@pytest.mark.parametrize(("params", "field"), [({"overdue": "maybe"}, "overdue"), ({"sponsor": "aster"}, "sponsor")])
def test_invalid_home_panel_filters_are_400(staff_api, params, field):
    response = staff_api.get(URL, params)
    assert response.status_code == 400 and list(response.json()["fields"]) == [field]
