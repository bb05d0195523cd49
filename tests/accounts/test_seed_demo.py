import pytest
from django.core.management import CommandError, call_command

from api.accounts.models import Organisation, User
from api.core.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_a_consortium_and_is_idempotent(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "Demo sign-ins (password for all: wafer-demo-2026)" in out
    assert "staff@wafer.example" in out
    counts = (Organisation.objects.count(), User.objects.count(), AuditEvent.objects.count())
    assert set(User.objects.values_list("role", flat=True)) == {"staff", "member", "faculty", "student"}
    assert Organisation.objects.filter(kind="member", active=False).exists()
    assert len(set(Organisation.objects.filter(kind="member").values_list("membership_tier", flat=True))) >= 3
    assert User.objects.get(email="liaison@aster.example.com").check_password("wafer-demo-2026")

    call_command("seed_demo")
    assert (Organisation.objects.count(), User.objects.count(), AuditEvent.objects.count()) == counts


def test_seed_demo_refuses_a_production_configuration(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("seed_demo")
    assert not User.objects.exists()
    call_command("seed_demo", "--force")
    assert User.objects.exists()
