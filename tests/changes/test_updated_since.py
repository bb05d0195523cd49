"""`updated_since` on the list endpoints of the resources in the change feed."""

import datetime

import pytest
from django.utils import timezone

from api.events.models import Event
from api.publications.models import Publication
from api.research.models import Deliverable, ResearchTask

from .support import deliverable, event, publication, task

pytestmark = pytest.mark.django_db

LISTS = {
    "publications": (Publication, "/api/v1/publications/"),
    "tasks": (ResearchTask, "/api/v1/tasks/"),
    "deliverables": (Deliverable, "/api/v1/deliverables/"),
    "events": (Event, "/api/v1/events/"),
}


@pytest.fixture
def made(university):
    old_task, new_task = task("1000.001", university=university), task("1000.002", university=university)
    return {
        "publications": (publication("old"), publication("new")),
        "tasks": (old_task, new_task),
        "deliverables": (deliverable(old_task), deliverable(new_task)),
        "events": (event("old"), event("new")),
    }


@pytest.mark.parametrize("name", list(LISTS))
def test_only_rows_changed_since_the_moment_are_listed(staff_api, made, name):
    model, url = LISTS[name]
    old, new = made[name]
    long_ago = timezone.now() - datetime.timedelta(days=30)
    model.objects.filter(pk=old.pk).update(updated_at=long_ago)
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    response = staff_api.get(url, {"updated_since": since})
    assert response.status_code == 200, response.json()
    assert [row["id"] for row in response.json()["results"]] == [new.pk]
    everything = staff_api.get(url, {"updated_since": long_ago.isoformat()}).json()["results"]
    assert {row["id"] for row in everything} == {old.pk, new.pk}


@pytest.mark.parametrize("name", list(LISTS))
@pytest.mark.parametrize("value", ["yesterday", "2026-13-01T00:00:00Z", ""])
def test_a_bad_moment_is_a_400(staff_api, name, value):
    response = staff_api.get(LISTS[name][1], {"updated_since": value})
    assert response.status_code == 400 and "updated_since" in response.json()["fields"]
