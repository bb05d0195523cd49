import pytest

from api.core.audit.models import AuditEvent
from api.research.models import ResearchTask
from tests.research.support import make_tasks

pytestmark = pytest.mark.django_db
URL = "/api/v1/tasks/"

SUMMARY, FULL, HIDDEN = "summary", "full", 404
NON_STAFF = [
    "member_api",
    "other_member_api",
    "inactive_member_api",
    "faculty_api",
    "other_faculty_api",
    "student_api",
    "liaison_api",
]
# What each caller sees of: the sponsored public task, the sponsored confidential task, and
# another PI's public task sponsored by another company.
MATRIX = [
    ("api", SUMMARY, HIDDEN, SUMMARY),
    ("member_api", FULL, FULL, FULL),  # an active member company; sponsors the confidential one
    ("colleague_api", FULL, FULL, FULL),  # anyone of the sponsoring company, not only its liaison
    ("other_member_api", FULL, HIDDEN, FULL),
    ("inactive_member_api", SUMMARY, HIDDEN, SUMMARY),  # public access only
    ("faculty_api", FULL, FULL, SUMMARY),  # PI of the first two
    ("other_faculty_api", SUMMARY, HIDDEN, FULL),  # PI of the third only
    ("student_api", FULL, FULL, SUMMARY),  # student of the first two
    ("liaison_api", FULL, FULL, FULL),  # liaison of the first two; its company sponsors neither
    ("staff_api", FULL, FULL, FULL),
]


def person(user):
    return {"id": user.pk, "given_name": user.given_name, "family_name": user.family_name, "full_name": user.full_name}


def people(users):
    return [person(user) for user in sorted(users, key=lambda u: (u.family_name, u.given_name, u.pk))]


def organisation(org):
    return {"id": org.pk, "name": org.name, "short_name": org.short_name, "kind": org.kind}


def payload(task, access, summary=None):
    full = access == FULL
    empty = dict.fromkeys(("total", "accepted", "on_time", "late", "overdue", "due_next_30_days", "skipped"), 0)
    return {
        "id": task.pk,
        "number": task.number,
        "title": task.title,
        "abstract": task.abstract,
        "program": {"id": task.program.pk, "code": task.program.code, "name": task.program.name},
        "university": organisation(task.university),
        "principal_investigators": people(task.principal_investigators.all()),
        "start": task.start.isoformat(),
        "end": task.end.isoformat(),
        "status": task.status,
        "confidential": task.confidential,
        "access": access,
        "students": people(task.students.all()) if full else None,
        "liaisons": people(task.liaisons.all()) if full else None,
        "sponsors": [organisation(org) for org in task.sponsors.order_by("name")] if full else None,
        "deliverable_summary": (summary or empty) if full else None,
    }


@pytest.fixture
def tasks(task, confidential_task, other_task):
    return [task, confidential_task, other_task]


@pytest.mark.parametrize(("client", "public", "confidential", "other"), MATRIX)
def test_who_sees_which_task_and_how_much(request, client, public, confidential, other, tasks):
    api = request.getfixturevalue(client)
    expected = [(t, access) for t, access in zip(tasks, (public, confidential, other), strict=True) if access != HIDDEN]
    response = api.get(URL)
    assert response.status_code == 200
    assert response.json()["results"] == [payload(t, access) for t, access in expected]
    for t, access in zip(tasks, (public, confidential, other), strict=True):
        detail = api.get(f"{URL}{t.pk}/")
        if access == HIDDEN:
            assert detail.status_code == 404
        else:
            assert detail.status_code == 200 and detail.json() == payload(t, access)


def test_an_inactive_user_gets_public_access_only(task, confidential_task, faculty_user, faculty_api):
    faculty_user.is_active = False
    faculty_user.save()
    assert [(row["id"], row["access"]) for row in faculty_api.get(URL).json()["results"]] == [(task.pk, SUMMARY)]


def test_the_deliverable_summary_counts_each_state(member_api, task, deliverables):
    # At NOW (2026-03-15 12:00 UTC): submitted 3-14 for 3-31 (on time), accepted (submitted on
    # time), revision requested (first submitted late; its due date has passed, so it is not
    # "due in the next 30 days"), planned for 6-30 (beyond 30 days), skipped.
    summary = {"total": 5, "accepted": 1, "on_time": 2, "late": 1, "overdue": 0, "due_next_30_days": 0, "skipped": 1}
    assert member_api.get(f"{URL}{task.pk}/").json() == payload(task, FULL, summary)


# --- Writes ---------------------------------------------------------------------------------------


@pytest.fixture
def new_task(program, university, faculty_user, student_user, member_company, liaison):
    return {
        "number": "3170.001",
        "title": "High-NA mask 3D effects",
        "abstract": "Simulating thick-mask effects.",
        "program": program.pk,
        "university": university.pk,
        "principal_investigators": [faculty_user.pk],
        "students": [student_user.pk],
        "liaisons": [liaison.pk],
        "sponsors": [member_company.pk],
        "start": "2026-01-01",
        "end": "2027-12-31",
        "status": "proposed",
        "confidential": True,
    }


def test_staff_create_update_and_delete_tasks_and_every_write_is_audited(staff_api, staff_user, new_task, colleague):
    created = staff_api.post(URL, new_task, format="json")
    assert created.status_code == 201, created.json()
    task = ResearchTask.objects.get(number="3170.001")
    assert created.json() == payload(task, FULL)
    updated = staff_api.patch(
        f"{URL}{task.pk}/", {"status": "active", "liaisons": [colleague.pk], "id": 999, "access": "x"}, format="json"
    )
    assert updated.status_code == 200
    task.refresh_from_db()
    assert updated.json() == payload(task, FULL) and task.status == "active" and task.pk != 999
    assert list(task.liaisons.all()) == [colleague]
    assert staff_api.delete(f"{URL}{task.pk}/").status_code == 204
    assert not ResearchTask.objects.filter(pk=task.pk).exists()
    events = AuditEvent.objects.filter(target_type="research.researchtask").order_by("id")
    assert [(e.action, e.actor_id, e.target_id) for e in events] == [
        ("create", staff_user.pk, str(task.pk)),
        ("update", staff_user.pk, str(task.pk)),
        ("delete", staff_user.pk, str(task.pk)),
    ]
    assert events[0].changes["principal_investigators"] == new_task["principal_investigators"]
    assert events[1].changes == {"status": ["proposed", "active"], "liaisons": [new_task["liaisons"], [colleague.pk]]}


def test_a_task_with_deliverables_cannot_be_deleted(staff_api, task, deliverables):
    response = staff_api.delete(f"{URL}{task.pk}/")
    assert response.status_code == 409 and response.json()["code"] == "protected"
    assert task.principal_investigators.exists()  # the cleared team came back with the rollback
    assert not AuditEvent.objects.filter(action="delete", target_type="research.researchtask").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"number": "31-60"}, "number"),
        ({"number": "3160.001"}, "number"),  # taken
        ({"end": "2025-12-31"}, "end"),  # before the start
        ({"university": "member"}, "university"),
        ({"principal_investigators": ["student"]}, "principal_investigators"),
        ({"students": ["faculty"]}, "students"),
        ({"liaisons": ["faculty"]}, "liaisons"),
        ({"sponsors": ["university"]}, "sponsors"),
        ({"status": "dormant"}, "status"),
    ],
)
def test_invalid_tasks_are_400_naming_the_field(
    staff_api, task, new_task, change, field, student_user, faculty_user, member_company, university
):
    ids = {"student": student_user.pk, "faculty": faculty_user.pk, "member": member_company.pk}
    ids["university"] = university.pk
    resolved = {
        key: [ids[v] for v in value] if isinstance(value, list) else ids.get(value, value)
        for key, value in change.items()
    }
    response = staff_api.post(URL, {**new_task, **resolved}, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    assert not ResearchTask.objects.filter(title=new_task["title"]).exists()


@pytest.mark.parametrize("client", NON_STAFF)
def test_only_staff_write_tasks(request, client, task, new_task):
    api = request.getfixturevalue(client)
    assert api.post(URL, new_task, format="json").status_code == 403
    assert api.patch(f"{URL}{task.pk}/", {"title": "Hijacked"}, format="json").status_code == 403
    assert api.delete(f"{URL}{task.pk}/").status_code == 403
    task.refresh_from_db()
    assert task.title == "EUV resist outgassing"
    assert not ResearchTask.objects.filter(number="3170.001").exists()


@pytest.mark.parametrize("client", ["other_member_api", "inactive_member_api", "other_faculty_api"])
def test_edits_of_a_task_the_caller_cannot_see_are_404(request, client, confidential_task):
    api = request.getfixturevalue(client)
    assert api.patch(f"{URL}{confidential_task.pk}/", {"title": "Hijacked"}, format="json").status_code == 404
    assert api.delete(f"{URL}{confidential_task.pk}/").status_code == 404
    assert ResearchTask.objects.get(pk=confidential_task.pk).title == "Secret stochastic defects"


def test_anonymous_writes_are_401(api, task, new_task):
    assert api.post(URL, new_task, format="json").status_code == 401
    assert api.patch(f"{URL}{task.pk}/", {"title": "Hijacked"}, format="json").status_code == 401
    assert api.delete(f"{URL}{task.pk}/").status_code == 401


# --- Filters --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "matching", "other"),
    [
        ({"program": "program"}, "3160.001", "4200.001"),
        ({"program": "other_program"}, "4200.001", "3160.001"),
        ({"university": "other_university"}, "4200.001", "3160.001"),
        ({"university": "university"}, "3160.001", "4200.001"),
        ({"status": "completed"}, "4200.001", "3160.001"),
        ({"status": "active"}, "3160.001", "4200.001"),
        ({"pi": "other_faculty"}, "4200.001", "3160.001"),
        ({"pi": "faculty_user"}, "3160.001", "4200.001"),
        ({"sponsor": "other_company"}, "4200.001", "3160.001"),
        ({"sponsor": "member_company"}, "3160.001", "4200.001"),
        ({"active_on": "2026-06-01"}, "3160.001", "4200.001"),
        ({"active_on": "2025-06-01"}, "4200.001", "3160.001"),
        ({"active_on": "2025-09-01"}, "3160.001", "3160.002"),  # the first day counts
        ({"active_on": "2025-12-31"}, "4200.001", "3160.002"),  # and the last
        ({"q": "4200"}, "4200.001", "3160.001"),  # number
        ({"q": "OUTGASSING"}, "3160.001", "4200.001"),  # title, any case
        ({"q": " panels bend "}, "4200.001", "3160.001"),  # abstract, trimmed
        ({"confidential": "true"}, "3160.002", "3160.001"),
        ({"confidential": "false"}, "3160.001", "3160.002"),
    ],
)
def test_task_filters(request, staff_api, tasks, params, matching, other):
    params = {
        key: request.getfixturevalue(value).pk if key in {"program", "university", "pi", "sponsor"} else value
        for key, value in params.items()
    }
    numbers = [row["number"] for row in staff_api.get(URL, params).json()["results"]]
    assert matching in numbers and other not in numbers


def test_filters_never_reveal_hidden_tasks(other_member_api, tasks, member_company):
    response = other_member_api.get(URL, {"confidential": "true"})
    assert response.json()["results"] == []
    assert [row["number"] for row in other_member_api.get(URL, {"sponsor": member_company.pk}).json()["results"]] == [
        "3160.001"
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "dormant"}, "status"),
        ({"confidential": "maybe"}, "confidential"),
        ({"active_on": "yesterday"}, "active_on"),
        ({"pi": "chen"}, "pi"),
        ({"program": "999999"}, "program"),
    ],
)
def test_invalid_filter_values_are_400(api, params, field):
    response = api.get(URL, params)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]


# --- Query counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("client", ["api", "member_api", "faculty_api", "staff_api"])
def test_query_count_does_not_grow_with_page_size(
    request, client, program, university, member_company, django_assert_max_num_queries
):
    api = request.getfixturevalue(client)
    make_tasks(1, program, university, member_company)
    with django_assert_max_num_queries(12) as one:
        assert len(api.get(URL).json()["results"]) == 1
    make_tasks(29, program, university, member_company, start=1)
    with django_assert_max_num_queries(len(one)):
        assert len(api.get(URL, {"page_size": 50}).json()["results"]) == 30
