"""The permission matrix's world, built once per module and rolled back at its end (see world.py)."""

import pytest
from django.db import transaction
from django.test import override_settings

from tests.security.world import build_world


@pytest.fixture(scope="module")
def world_media(tmp_path_factory):
    return tmp_path_factory.mktemp("matrix-media")


@pytest.fixture(autouse=True)
def _private_media():
    """Replaces the suite's per-test media folder: the world's files, made once per module, must stay
    readable. The `world` fixture points MEDIA_ROOT at world_media for as long as the module runs."""


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, world_media):
    """The world, in a transaction of its own; each test's `db` savepoint sits inside it."""
    # The webhook endpoint's URL is on the loopback (nothing is ever sent: deliveries wait for a commit).
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=world_media, WEBHOOK_ALLOW_PRIVATE_URLS=True):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
