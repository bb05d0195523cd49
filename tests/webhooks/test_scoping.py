"""Only endpoints whose company may see the resource receive it; the consortium's see everything."""

import pytest

from api.publications import services as publications
from api.research import services as research
from api.webhooks.models import Delivery
from tests.changes.support import deliverable, event, publication, task

from .support import brief, endpoint

pytestmark = pytest.mark.django_db


NAMES = ("staff", "aster", "helix", "obsidian")


@pytest.fixture
def receivers(make_receiver):
    """Four receivers: the consortium's, Aster's, Helix's and (inactive) Obsidian's."""
    return {name: make_receiver() for name in NAMES}


@pytest.fixture
def hooks(receivers, member_company, other_company, inactive_company):
    return {
        "staff": endpoint(receivers["staff"].url()),
        "aster": endpoint(receivers["aster"].url(), company=member_company),
        "helix": endpoint(receivers["helix"].url(), company=other_company),
        "obsidian": endpoint(receivers["obsidian"].url(), company=inactive_company),
    }


def received(receivers):
    return {name: brief(receivers[name]) for name in NAMES}


def test_a_sponsors_only_publication_reaches_its_sponsor_and_staff_only(
    receivers, hooks, member_company, university, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sponsored = task(university=university, sponsors=[member_company])
    for server in receivers.values():
        server.requests.clear()
    with django_capture_on_commit_callbacks(execute=True):
        paper = publication(access="sponsors", tasks=[sponsored])
    published = [("publication.published", "publication", paper.pk)]
    assert received(receivers) == {"staff": published, "aster": published, "helix": [], "obsidian": []}


def test_a_members_publication_reaches_every_active_member_company(
    receivers, hooks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        paper = publication(access="members")
    published = [("publication.published", "publication", paper.pk)]
    # An inactive member company's people have public access only; its endpoint gets nothing.
    assert received(receivers) == {"staff": published, "aster": published, "helix": published, "obsidian": []}


def test_a_public_publication_still_skips_an_inactive_company(receivers, hooks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        paper = publication(access="public")
    published = [("publication.published", "publication", paper.pk)]
    assert received(receivers) == {"staff": published, "aster": published, "helix": published, "obsidian": []}


def test_a_confidential_tasks_deliverable_reaches_its_sponsor_only(
    receivers, hooks, member_company, university, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        secret = task(university=university, confidential=True, sponsors=[member_company])
        report = deliverable(secret)
    expected = [("task.created", "task", secret.pk), ("deliverable.created", "deliverable", report.pk)]
    assert received(receivers) == {"staff": expected, "aster": expected, "helix": [], "obsidian": []}


def test_a_deletion_goes_to_those_who_could_see_it_before(
    receivers, hooks, member_company, university, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sponsored = task(university=university, sponsors=[member_company])
        paper = publication(access="sponsors", tasks=[sponsored])
    for server in receivers.values():
        server.requests.clear()
    paper_id = paper.pk
    with django_capture_on_commit_callbacks(execute=True):
        publications.publication_delete(publication=paper)
    deleted = [("publication.deleted", "publication", paper_id)]
    assert received(receivers) == {"staff": deleted, "aster": deleted, "helix": [], "obsidian": []}


def test_becoming_a_sponsor_brings_the_updates_losing_it_ends_them(
    receivers, hooks, member_company, other_company, university, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        secret = task(university=university, confidential=True, sponsors=[member_company])
    for server in receivers.values():
        server.requests.clear()
    with django_capture_on_commit_callbacks(execute=True):
        research.task_update(task=secret, sponsors=[member_company, other_company])
    assert brief(receivers["helix"]) == [("task.updated", "task", secret.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        research.task_update(task=secret, sponsors=[member_company])
    # Helix no longer sees the task: it is told nothing (the change feed reports it as deleted).
    assert brief(receivers["helix"]) == [("task.updated", "task", secret.pk)]
    assert len(receivers["aster"].requests) == 2


def test_draft_events_reach_staff_only(receivers, hooks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        draft = event(status="draft")
    created = [("event.created", "event", draft.pk)]
    assert received(receivers) == {"staff": created, "aster": [], "helix": [], "obsidian": []}


def test_a_company_that_became_inactive_gets_nothing_more(
    receivers, hooks, member_company, django_capture_on_commit_callbacks
):
    member_company.active = False
    member_company.save()
    with django_capture_on_commit_callbacks(execute=True):
        publication()
    assert brief(receivers["aster"]) == []
    assert not Delivery.objects.filter(endpoint=hooks["aster"]).exists()
