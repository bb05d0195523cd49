"""Webhook data about a person, for the personal-data export (the contract: api/core/personal_data.py).

An endpoint is its company's integration (or the consortium's), not its registrant's data; that a
person registered or changed one is in their audit trail, which the export already holds."""

COVERS = []
NOT_PERSONAL = {
    "webhooks.Endpoint.created_by": (
        "the endpoint is the company's; its registration is in the person's exported audit trail"
    ),
}


def export(user) -> dict:
    return {}
