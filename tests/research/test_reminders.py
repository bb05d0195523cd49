"""send_deliverable_reminders: who is reminded of what, once, and what a failure leaves behind."""

import datetime
import itertools
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from api.core.files.uploads import check_upload
from api.research import reminders, services
from api.research.models import ReminderSent, ResearchTask
from tests import factories

pytestmark = pytest.mark.django_db

# Noon UTC: no test depends on how close to midnight it runs.
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _now(monkeypatch, settings):
    settings.SITE_URL = "https://wafer.example.org/"
    settings.DEFAULT_FROM_EMAIL = "reminders@wafer.example.org"
    settings.DEADLINE_TIME_ZONE = "UTC"
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def university():
    return factories.OrganisationFactory(university=True, name="University of Westbridge")


@pytest.fixture
def pi(university):
    return factories.faculty(university, email="chen@westbridge.example.edu", given_name="Li", family_name="Chen")


@pytest.fixture
def program():
    return services.program_create(name="Lithography", code="LITH")


@pytest.fixture
def make_task(program, university, pi):
    def _make(status=ResearchTask.Status.ACTIVE, pis=None, title="EUV resist roughness"):
        return services.task_create(
            number=f"3160.{next(_numbers):03d}",
            title=title,
            program=program,
            university=university,
            start=TODAY - datetime.timedelta(days=365),
            end=TODAY + datetime.timedelta(days=365),
            status=status,
            principal_investigators=[pi] if pis is None else pis,
        )

    return _make


@pytest.fixture
def task(make_task):
    return make_task()


def due(task, days: int, title: str | None = None):
    return services.deliverable_create(
        task=task, title=title or f"Report due in {days} days", kind="report", due_on=TODAY + datetime.timedelta(days)
    )


def submit(deliverable, by):
    upload = check_upload(SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf"))
    return services.report_submit(deliverable=deliverable, upload=upload, summary="", submitted_by=by)


def run(*args) -> str:
    out = StringIO()
    call_command("send_deliverable_reminders", *args, stdout=out)
    return out.getvalue()


def sent_rows():
    return sorted(ReminderSent.objects.values_list("deliverable__title", "stage", "due_on"))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# --- Selection ----------------------------------------------------------------------------------


def test_due_soon_and_overdue_deliverables_are_emailed_to_the_pi(task, mailoutbox):
    soon = due(task, 3, "Mid-year report")
    late = due(task, -2, "Resist samples")
    due(task, 40, "Final report")  # not yet

    out = run()

    assert "Sent 2 reminder(s) in 1 email(s); skipped 0 already sent, 0 failed." in out
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["chen@westbridge.example.edu"]
    assert email.from_email == "reminders@wafer.example.org"
    assert email.subject == "Wafer: 2 deliverables need attention (1 overdue, 1 due soon)"
    assert email.body.startswith("Dear Li Chen,\n")
    assert f"{task.number} EUV resist roughness: Resist samples\n  due 2026-03-08 (2 days overdue)" in email.body
    assert f"https://wafer.example.org/research/deliverables/{late.pk}\n" in email.body
    assert "Mid-year report\n  due 2026-03-13 (due in 3 days)" in email.body
    assert f"https://wafer.example.org/research/deliverables/{soon.pk}\n" in email.body
    assert email.body.index("Overdue") < email.body.index("Due soon")
    assert sent_rows() == [
        ("Mid-year report", "due_soon", datetime.date(2026, 3, 13)),
        ("Resist samples", "overdue", datetime.date(2026, 3, 8)),
    ]
    assert ReminderSent.objects.get(deliverable=soon).recipients == "chen@westbridge.example.edu"


@pytest.mark.parametrize(
    ("args", "days", "stage"),
    [
        ((), 0, "due_soon"),  # due today: due until midnight, not overdue yet
        ((), -1, "overdue"),
        ((), -400, "overdue"),
        ((), 14, "due_soon"),  # exactly N days
        ((), 15, None),  # N + 1
        (("--days", "3"), 3, "due_soon"),
        (("--days", "3"), 4, None),
        (("--days", "0"), 0, "due_soon"),
        (("--days", "0"), 1, None),
    ],
)
def test_the_window_is_counted_in_whole_days(task, mailoutbox, args, days, stage):
    due(task, days)
    run(*args)
    assert [row[1] for row in sent_rows()] == ([stage] if stage else [])
    assert len(mailoutbox) == (1 if stage else 0)


def test_due_within_n_days_counts_from_today_in_the_deadline_time_zone(settings, monkeypatch, task, mailoutbox):
    settings.DEADLINE_TIME_ZONE = "Asia/Tokyo"
    late_evening = datetime.datetime(2026, 3, 10, 23, 30, tzinfo=datetime.UTC)  # already 11 March in Tokyo
    monkeypatch.setattr(timezone, "now", lambda: late_evening)
    for day in (10, 25, 26):
        services.deliverable_create(task=task, title=f"Due {day}", kind="report", due_on=datetime.date(2026, 3, day))

    run()

    assert sent_rows() == [
        ("Due 10", "overdue", datetime.date(2026, 3, 10)),  # its deadline passed at 15:00 UTC
        ("Due 25", "due_soon", datetime.date(2026, 3, 25)),  # 14 days after 11 March
    ]


@pytest.mark.parametrize("outcome", ["submitted", "accepted", "skipped", "revision_requested"])
def test_nothing_is_sent_for_a_deliverable_that_was_submitted_or_skipped(task, pi, media, mailoutbox, outcome):
    deliverable = due(task, -5)
    if outcome == "skipped":
        services.deliverable_skip(deliverable=deliverable, reason="Merged into the final report.")
    else:
        submit(deliverable, pi)
    if outcome == "accepted":
        services.deliverable_accept(deliverable=deliverable)
    if outcome == "revision_requested":
        # Submitted once: owed again, but not late (Deliverable.is_overdue), so not chased.
        services.deliverable_request_revision(deliverable=deliverable, reason="Add the error bars.")

    assert "Sent 0 reminder(s) in 0 email(s)" in run()
    assert mailoutbox == []
    assert not ReminderSent.objects.exists()


@pytest.mark.parametrize("status", ["proposed", "completed", "cancelled"])
def test_nothing_is_sent_for_a_task_that_is_not_active(make_task, mailoutbox, status):
    task = make_task(status=status)
    due(task, -3)
    due(task, 3)
    run()
    assert mailoutbox == []
    assert not ReminderSent.objects.exists()


def test_inactive_pis_are_not_emailed_and_a_task_without_pis_is_reported(make_task, university, pi, mailoutbox):
    gone = factories.faculty(university, email="gone@westbridge.example.edu", is_active=False)
    due(make_task(pis=[pi, gone]), 2)
    orphan = due(make_task(pis=[]), 2, "Nobody's report")

    out = run()

    assert [email.to for email in mailoutbox] == [["chen@westbridge.example.edu"]]
    assert "1 without a principal investigator" in out
    assert not ReminderSent.objects.filter(deliverable=orphan).exists()  # reminded once a PI is named


# --- Once only ----------------------------------------------------------------------------------


def test_a_second_run_sends_nothing(task, mailoutbox):
    due(task, 3)
    due(task, -3)
    run()
    assert len(mailoutbox) == 1

    out = run()

    assert "Sent 0 reminder(s) in 0 email(s); skipped 2 already sent, 0 failed." in out
    assert len(mailoutbox) == 1
    assert ReminderSent.objects.count() == 2


def test_a_due_soon_deliverable_is_reminded_again_once_overdue(task, monkeypatch, mailoutbox):
    due(task, 1)
    run()
    monkeypatch.setattr(timezone, "now", lambda: NOW + datetime.timedelta(days=2))
    run()
    run()
    assert [row[1] for row in sent_rows()] == ["due_soon", "overdue"]
    assert len(mailoutbox) == 2


def test_an_extension_arms_the_reminders_again(task, mailoutbox):
    deliverable = due(task, -3)
    run()
    services.deliverable_extend(deliverable=deliverable, due_on=TODAY + datetime.timedelta(days=5), reason="Tool down")

    run()

    assert sent_rows() == [
        ("Report due in -3 days", "due_soon", datetime.date(2026, 3, 15)),
        ("Report due in -3 days", "overdue", datetime.date(2026, 3, 7)),
    ]
    assert len(mailoutbox) == 2
    assert [email.subject for email in mailoutbox] == ["Wafer: 1 deliverable overdue", "Wafer: 1 deliverable due soon"]
    assert "due 2026-03-15 (due in 5 days)" in mailoutbox[1].body


def test_a_reminder_claimed_by_a_concurrent_run_is_skipped(task, monkeypatch, mailoutbox):
    taken = due(task, 2, "Taken by the other run")
    due(task, 3, "Still ours")
    # The other run inserted its row after this run looked (so the plan still lists it).
    ReminderSent.objects.create(deliverable=taken, stage="due_soon", due_on=taken.due_on)
    monkeypatch.setattr(reminders, "_already_sent", lambda deliverables: set())

    out = run()

    assert "Sent 1 reminder(s) in 1 email(s); skipped 1 already sent, 0 failed." in out
    assert "Still ours" in mailoutbox[0].body
    assert "Taken by the other run" not in mailoutbox[0].body


# --- Grouping -----------------------------------------------------------------------------------


def test_one_email_per_pi_and_one_to_co_pis_together(make_task, university, pi, mailoutbox):
    co_pi = factories.faculty(
        university, email="garcia@westbridge.example.edu", given_name="Elena", family_name="Garcia"
    )
    due(make_task(title="Task A"), 2)
    due(make_task(title="Task B"), -2)
    due(make_task(pis=[pi, co_pi], title="Shared task"), 4)

    assert "Sent 3 reminder(s) in 2 email(s)" in run()

    by_recipients = {tuple(sorted(email.to)): email for email in mailoutbox}
    assert set(by_recipients) == {
        ("chen@westbridge.example.edu",),
        ("chen@westbridge.example.edu", "garcia@westbridge.example.edu"),
    }
    alone = by_recipients[("chen@westbridge.example.edu",)]
    assert "Task A" in alone.body and "Task B" in alone.body and "Shared task" not in alone.body
    assert by_recipients[("chen@westbridge.example.edu", "garcia@westbridge.example.edu")].body.startswith("Hello,")
    shared = ReminderSent.objects.get(deliverable__task__title="Shared task")
    assert shared.recipients == "chen@westbridge.example.edu, garcia@westbridge.example.edu"


# --- Dry run and failures -----------------------------------------------------------------------


def test_a_dry_run_prints_and_writes_nothing(task, mailoutbox):
    due(task, 3, "Mid-year report")
    due(task, -1, "Samples")

    out = run("--dry-run")

    assert "Would email chen@westbridge.example.edu:" in out
    assert f"  overdue  {task.number} Samples (due 2026-03-09)" in out
    assert f"  due_soon {task.number} Mid-year report (due 2026-03-13)" in out
    assert "Dry run: would send 2 reminder(s) in 1 email(s); skipped 0 already sent, 0 failed." in out
    assert mailoutbox == []
    assert not ReminderSent.objects.exists()


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server down")


def test_a_failing_mail_server_leaves_no_record_and_exits_non_zero(task, settings, mailoutbox, caplog):
    due(task, 3)
    due(task, -3)
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"

    with pytest.raises(CommandError, match="2 reminder") as raised:
        run()

    assert raised.value.returncode == 1
    assert not ReminderSent.objects.exists()
    assert "SMTP server down" in caplog.text

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert "Sent 2 reminder(s) in 1 email(s)" in run()  # the next run retries
    assert ReminderSent.objects.count() == 2


def test_one_failed_email_does_not_stop_the_others(make_task, university, pi, monkeypatch, mailoutbox):
    other = factories.faculty(university, email="garcia@westbridge.example.edu")
    due(make_task(), 3, "Chen's report")
    due(make_task(pis=[other]), 3, "Garcia's report")
    real_send = reminders.EmailMessage.send

    def flaky_send(message, fail_silently=False):
        if message.to == ["chen@westbridge.example.edu"]:
            raise OSError("mailbox unavailable")
        return real_send(message, fail_silently=fail_silently)

    monkeypatch.setattr(reminders.EmailMessage, "send", flaky_send)

    with pytest.raises(CommandError):
        run()

    assert [email.to for email in mailoutbox] == [["garcia@westbridge.example.edu"]]
    assert sent_rows() == [("Garcia's report", "due_soon", datetime.date(2026, 3, 13))]


def test_days_must_not_be_negative(task):
    with pytest.raises(CommandError, match="--days"):
        run("--days", "-1")
