import pytest

from api.core.audit.models import AuditEvent
from api.research import services
from api.research.models import Program
from tests.research.support import iso

pytestmark = pytest.mark.django_db
URL = "/api/v1/programs/"
NEW = {"name": "Metrology", "code": "METR", "description": "Measuring things.", "active": True}

READERS = ["api", "member_api", "other_member_api", "inactive_member_api", "faculty_api", "student_api", "staff_api"]
NON_STAFF = ["member_api", "other_member_api", "inactive_member_api", "faculty_api", "student_api"]


def payload(program):
    return {
        "id": program.pk,
        "name": program.name,
        "code": program.code,
        "description": program.description,
        "active": program.active,
        "created_at": iso(program.created_at),
        "updated_at": iso(program.updated_at),
    }


@pytest.mark.parametrize("client", READERS)
def test_everyone_reads_programs(request, client, program, other_program):
    api = request.getfixturevalue(client)
    response = api.get(URL)
    assert response.status_code == 200
    assert response.json()["results"] == [payload(program), payload(other_program)]  # by name
    assert api.get(f"{URL}{program.pk}/").json() == payload(program)


def test_staff_create_update_delete_and_every_write_is_audited(staff_api, staff_user):
    created = staff_api.post(URL, NEW, format="json")
    assert created.status_code == 201
    program = Program.objects.get(pk=created.json()["id"])
    assert created.json() == payload(program)
    updated = staff_api.patch(f"{URL}{program.pk}/", {"active": False}, format="json")
    assert updated.status_code == 200
    program.refresh_from_db()
    assert updated.json() == payload(program) and program.active is False
    assert staff_api.delete(f"{URL}{program.pk}/").status_code == 204
    assert not Program.objects.filter(pk=program.pk).exists()
    events = list(AuditEvent.objects.order_by("id").values_list("action", "actor_id", "target_type", "changes"))
    assert events == [
        ("create", staff_user.pk, "research.program", NEW),
        ("update", staff_user.pk, "research.program", {"active": [True, False]}),
        ("delete", staff_user.pk, "research.program", {**NEW, "active": False}),
    ]


def test_a_program_with_tasks_cannot_be_deleted(staff_api, program, task):
    events = AuditEvent.objects.count()
    response = staff_api.delete(f"{URL}{program.pk}/")
    assert response.status_code == 409
    assert response.json()["code"] == "protected"
    assert Program.objects.filter(pk=program.pk).exists()
    assert AuditEvent.objects.count() == events  # the delete's audit row went with the rollback


def test_codes_are_unique(staff_api, program):
    response = staff_api.post(URL, {**NEW, "code": "LITH"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["code"]


@pytest.mark.parametrize("client", NON_STAFF)
def test_only_staff_write(request, client, program):
    api = request.getfixturevalue(client)
    assert api.post(URL, NEW, format="json").status_code == 403
    assert api.patch(f"{URL}{program.pk}/", {"name": "Hijacked"}, format="json").status_code == 403
    assert api.delete(f"{URL}{program.pk}/").status_code == 403
    program.refresh_from_db()
    assert program.name == "Lithography"
    assert not Program.objects.filter(code="METR").exists()


def test_anonymous_writes_are_401(api, program):
    assert api.post(URL, NEW, format="json").status_code == 401
    assert api.patch(f"{URL}{program.pk}/", {"name": "Hijacked"}, format="json").status_code == 401
    assert api.delete(f"{URL}{program.pk}/").status_code == 401


@pytest.mark.parametrize(
    ("params", "matching", "other"), [({"active": "true"}, "LITH", "OLD"), ({"active": "false"}, "OLD", "LITH")]
)
def test_active_filter(api, program, params, matching, other):
    services.program_create(name="Old program", code="OLD", active=False)
    codes = [row["code"] for row in api.get(URL, params).json()["results"]]
    assert matching in codes and other not in codes


def test_query_count_does_not_grow_with_page_size(api, django_assert_max_num_queries):
    services.program_create(name="Program 0", code="P0")
    with django_assert_max_num_queries(3) as one:
        assert len(api.get(URL).json()["results"]) == 1
    for index in range(1, 30):
        services.program_create(name=f"Program {index}", code=f"P{index}")
    with django_assert_max_num_queries(len(one)):
        assert len(api.get(URL, {"page_size": 50}).json()["results"]) == 30
