"""The admin writes research records through the services (validated and audited)."""

import pytest

from api.core.audit.models import AuditEvent
from api.research.models import Program, ResearchTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_browser(client, staff_user):
    client.force_login(staff_user)
    return client


def test_creating_a_task_in_the_admin_saves_its_team_through_the_service(
    staff_browser, university, faculty_user, member_company
):
    program = Program.objects.create(name="Lithography", code="LITH")
    response = staff_browser.post(
        "/admin/research/researchtask/add/",
        {
            "number": "3160.001",
            "title": "EUV resists",
            "abstract": "",
            "program": program.pk,
            "university": university.pk,
            "start": "2026-01-01",
            "end": "2026-12-31",
            "status": "active",
            "principal_investigators": [faculty_user.pk],
            "sponsors": [member_company.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    task = ResearchTask.objects.get(number="3160.001")
    assert list(task.principal_investigators.all()) == [faculty_user]
    assert list(task.sponsors.all()) == [member_company]
    event = AuditEvent.objects.get(action="create", target_type="research.researchtask")
    assert event.via == "admin" and event.changes["principal_investigators"] == [faculty_user.pk]


def test_the_admin_refuses_a_student_as_principal_investigator(staff_browser, university, student_user):
    program = Program.objects.create(name="Lithography", code="LITH")
    response = staff_browser.post(
        "/admin/research/researchtask/add/",
        {
            "number": "3160.002",
            "title": "x",
            "program": program.pk,
            "university": university.pk,
            "start": "2026-01-01",
            "end": "2026-12-31",
            "status": "active",
            "principal_investigators": [student_user.pk],
        },
    )
    assert response.status_code in {200, 400}
    assert not ResearchTask.objects.exists()
