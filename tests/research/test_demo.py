"""The research demo data (api.research.demo through `manage.py seed_demo`)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from api.core.audit.models import AuditEvent
from api.research.demo import demo_pdf
from api.research.models import Deliverable, DeliverableExtension, Program, ProgressReport, ResearchTask

pytestmark = pytest.mark.django_db


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Program, ResearchTask, Deliverable, DeliverableExtension, ProgressReport, AuditEvent)
    }


@pytest.fixture
def seeded(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())
    return counts()


def test_a_second_run_creates_nothing(seeded, tmp_path):
    files = sorted(tmp_path.rglob("*.pdf"))
    out = StringIO()

    call_command("seed_demo", stdout=out)

    assert counts() == seeded
    assert sorted(tmp_path.rglob("*.pdf")) == files
    assert "created" not in out.getvalue()


def test_the_demo_has_programs_and_tasks_of_every_kind(seeded):
    assert set(Program.objects.values_list("code", flat=True)) == {"LITH", "MEM", "PKG", "MET"}
    assert seeded["ResearchTask"] >= 25
    assert set(ResearchTask.objects.values_list("status", flat=True)) == set(ResearchTask.Status.values)
    assert ResearchTask.objects.filter(confidential=True).exists()
    assert set(ResearchTask.objects.values_list("university__short_name", flat=True)) == {"Westbridge", "EIT", "Carrow"}
    obsidian = ResearchTask.objects.get(sponsors__short_name="Obsidian")
    assert obsidian.status == "active"
    for task in ResearchTask.objects.prefetch_related("principal_investigators", "students", "liaisons"):
        assert task.principal_investigators.exists(), task.number
        assert {person.role for person in task.principal_investigators.all()} == {"faculty"}
        assert {person.role for person in task.students.all()} <= {"student"}
        assert {person.role for person in task.liaisons.all()} <= {"member"}
    assert ResearchTask.objects.filter(liaisons__isnull=False).exists()
    assert ResearchTask.objects.filter(students__isnull=False).exists()


def test_deliverables_are_in_every_state(seeded):
    deliverables = list(Deliverable.objects.all())
    assert len(deliverables) >= 90
    assert {deliverable.status for deliverable in deliverables} == set(Deliverable.Status.values)
    submitted = [deliverable for deliverable in deliverables if deliverable.submitted_at is not None]
    assert any(deliverable.submitted_late for deliverable in submitted)
    assert any(not deliverable.submitted_late for deliverable in submitted)
    assert any(deliverable.is_overdue for deliverable in deliverables)  # planned, due date passed
    planned = [deliverable for deliverable in deliverables if deliverable.status == "planned"]
    assert any(not deliverable.is_overdue for deliverable in planned)
    assert all(deliverable.status_reason for deliverable in deliverables if deliverable.status == "skipped")
    assert all(d.status_reason for d in deliverables if d.status == "revision_requested")
    extended = Deliverable.objects.filter(extensions__isnull=False).distinct()
    assert extended.exists()
    assert all(d.due_on > d.original_due_on for d in extended)
    assert all(extension.reason for extension in DeliverableExtension.objects.all())
    assert ProgressReport.objects.filter(version=2).exists()  # a resubmission after a revision


def test_reports_are_small_real_pdfs(seeded, tmp_path):
    reports = list(ProgressReport.objects.all())
    assert reports
    for report in reports:
        path = tmp_path / report.file.name
        content = path.read_bytes()
        assert content.startswith(b"%PDF-")
        assert report.size == len(content) < 2000
        assert report.content_type == "application/pdf"
        assert report.original_name.endswith(".pdf")
        assert report.submitted_by.role == "faculty"


def test_the_audit_trail_names_who_did_what(seeded):
    submissions = AuditEvent.objects.filter(action="submit_report")
    assert submissions.count() == ProgressReport.objects.count()
    assert set(submissions.values_list("via", flat=True)) == {"command"}
    assert not submissions.filter(actor=None).exists()
    assert AuditEvent.objects.filter(action="accept", actor__email="staff@wafer.example").exists()


def test_demo_pdf_has_a_correct_cross_reference_table():
    content = demo_pdf("3161.001 Stochastic defects (EUV) \\ resists", "Straße")
    assert content.startswith(b"%PDF-1.4\n") and content.endswith(b"%%EOF\n")
    startxref = int(re.search(rb"startxref\n(\d+)\n", content).group(1))
    assert content[startxref:].startswith(b"xref\n0 6\n")
    offsets = [int(offset) for offset in re.findall(rb"(\d{10}) 00000 n ", content)]
    assert len(offsets) == 5
    for number, offset in enumerate(offsets, start=1):
        assert content[offset:].startswith(b"%d 0 obj\n" % number)
    length = int(re.search(rb"/Length (\d+)", content).group(1))
    stream = content.split(b"stream\n", 1)[1]
    assert stream[length:].startswith(b"\nendstream")
    assert rb"Stochastic defects \(EUV\) \\ resists" in stream
    assert "Straße".encode("latin-1") in stream
