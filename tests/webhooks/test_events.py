"""The event types endpoints subscribe to are exactly those the change feed's resources produce."""

import re
from pathlib import Path

from api.changes import registry
from api.webhooks.events import EVENT_TYPES

ROOT = Path(__file__).resolve().parents[2]

# Stored audiences of each resource (api/<domain>/changes.py), enough to reach each of its event types.
EVENT_STATES = [{"status": status, "audience": "public"} for status in ("draft", "published", "cancelled")]
SAMPLES = {
    "publication": [{"level": "public", "sponsors": [], "people": []}],
    "task": [{"confidential": False, "sponsors": [], "team": []}],
    "deliverable": [{"confidential": False, "sponsors": [], "team": []}],
    "event": EVENT_STATES,
}


def audited_verbs() -> set[str]:
    """Every action our services audit (what a change's verb can be), plus the feed's own verbs."""
    verbs = {"access", "embargo_lifted"}
    for path in (ROOT / "api").glob("*/services.py"):
        verbs |= set(re.findall(r'action="(\w+)"', path.read_text()))
    return verbs


def produced() -> set[str | None]:
    return {
        resource.event_type(verb, before, after)
        for resource in registry.RESOURCES.values()
        for verb in audited_verbs()
        for before in [None, *SAMPLES[resource.name]]
        for after in [None, *SAMPLES[resource.name]]
    }


def test_every_event_a_resource_produces_is_subscribable_and_every_type_is_produced():
    assert produced() - {None} == set(EVENT_TYPES)


def test_event_types_are_named_after_registered_resources():
    # A resource registered later needs its samples above (and its event types in api.webhooks.events).
    assert {name.split(".")[0] for name in EVENT_TYPES} == set(registry.RESOURCES) == set(SAMPLES)
