"""api.feedback.demo: nothing without demo tasks; with them, feedback and replies, idempotently."""

import pytest
from django.core.management import call_command

from api.core.audit.models import AuditEvent
from api.feedback import demo
from api.feedback.models import Feedback, FeedbackReply
from tests import factories

pytestmark = pytest.mark.django_db


def test_without_demo_tasks_it_does_nothing():
    lines = []
    assert demo.seed(lines.append) == []
    assert (lines, Feedback.objects.count(), AuditEvent.objects.count()) == ([], 0, 0)


def test_with_tasks_it_gives_feedback_once(media_root, task, report, faculty_user, member_user):
    # The demo's people by their emails: Aster's two (member_user is liaison@aster), Helix's liaison
    # (other_member, a liaison of the task); the others do not exist here and are passed over.
    factories.member(member_user.organisation, email="recruiter@aster.example.com")
    assert task.principal_investigators.get() == faculty_user
    lines = []
    demo.seed(lines.append)
    targets = sorted(Feedback.objects.values_list("deliverable_id", "report_id"), key=str)
    assert targets == sorted([(None, None), (report.deliverable_id, None), (report.deliverable_id, report.pk)], key=str)
    assert FeedbackReply.objects.filter(author=faculty_user).count() == 2
    assert len(lines) == 3
    counts = (Feedback.objects.count(), FeedbackReply.objects.count(), AuditEvent.objects.count())
    demo.seed(lines.append)
    assert (Feedback.objects.count(), FeedbackReply.objects.count(), AuditEvent.objects.count()) == counts


def test_seed_demo_runs_with_the_other_apps_and_is_idempotent(settings, media_root):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (Feedback.objects.count(), FeedbackReply.objects.count(), AuditEvent.objects.count())
    call_command("seed_demo")
    assert (Feedback.objects.count(), FeedbackReply.objects.count(), AuditEvent.objects.count()) == counts
    if Feedback.objects.exists():  # once the research demo provides tasks
        assert FeedbackReply.objects.exists()
