"""The careers demo data (api.careers.demo through `manage.py seed_demo`)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from api.accounts.models import User
from api.careers import access, demo, visibility
from api.careers.models import (
    ConsentRecord,
    CurriculumVitae,
    ProfileSkill,
    ProfileView,
    SharedCompany,
    Skill,
    StudentProfile,
)
from api.core.audit.models import AuditEvent
from tests.careers.support import stored_files

pytestmark = pytest.mark.django_db

MODELS = (User, StudentProfile, Skill, ProfileSkill, SharedCompany, ConsentRecord, CurriculumVitae, ProfileView,
          AuditEvent)  # fmt: skip


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


def seed(settings, tmp_path, students: int) -> str:
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CAREERS_DEMO_STUDENTS = students
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(settings, tmp_path):
    """The demo with 40 generated students (every state; see api.careers.demo): quicker than 300."""
    return seed(settings, tmp_path, 40)


# The generated students' emails (student001@…, no regex lookups: SQL Server has none built in).
GENERATED = [f"student{n:03d}@{demo.UNIVERSITIES[n % len(demo.UNIVERSITIES)][1]}" for n in range(1, demo.COUNT + 1)]


def generated():
    return StudentProfile.objects.filter(user__email__in=GENERATED)


def states() -> dict:
    """How many profiles of the generated students are in each state, found by querying."""
    today = timezone.localdate()
    profiles = generated()
    lapsed = [p.pk for p in profiles if visibility.graduation_visibility(p.expected_graduation) < today]
    return {
        "no profile": User.objects.filter(email__in=GENERATED, career_profile__isnull=True).count(),
        "not shared": profiles.filter(sharing=False, consent_records__isnull=True).count(),
        "shared with all": profiles.filter(sharing=True, share_with_all=True, visible_until__gte=today).count(),
        "shared with a list": profiles.filter(sharing=True, share_with_all=False, visible_until__gte=today).count(),
        "withdrawn": profiles.filter(sharing=False, consent_records__action="withdrawn").count(),
        "expired": profiles.filter(sharing=True, visible_until__lt=today, renewed_until__isnull=True).count(),
        "renewed": profiles.filter(pk__in=lapsed, renewed_until__isnull=False, visible_until__gte=today).count(),
        "graduating soon": profiles.filter(
            sharing=True, expected_graduation__gt=today, expected_graduation__lte=visibility.add_months(today, 3)
        ).count(),
        "with a CV": profiles.filter(cv__isnull=False).count(),
        "without a CV": profiles.filter(cv__isnull=True).count(),
        "deactivated, shared": profiles.filter(sharing=True, user__is_active=False).count(),
    }


def test_every_state_is_there(settings, tmp_path):
    seed(settings, tmp_path, demo.COUNT)  # the real size, whatever the test settings say

    found = states()
    assert all(found.values()), found
    assert User.objects.filter(email__in=GENERATED).count() == demo.COUNT == 300
    assert found["no profile"] + generated().count() == demo.COUNT
    assert found["with a CV"] + found["without a CV"] == generated().count()
    assert min(found.values()) >= 10  # a few of each, not one
    assert User.objects.filter(email="student042@westbridge.example.edu").exists()
    # The chosen lists name different companies, and no profile is shared with the inactive one.
    chosen = SharedCompany.objects.values("organisation__short_name").annotate(n=Count("id"))
    assert {row["organisation__short_name"] for row in chosen} == {"Aster", "Helix", "Northwind", "Quanta"}
    assert {row["degree"] for row in generated().values("degree")} == {"bs", "ms", "phd", "postdoc"}
    assert len({row["field"] for row in generated().values("field")}) >= 5
    universities = generated().values_list("user__organisation__short_name", flat=True)
    assert set(universities) == {"Westbridge", "EIT", "Carrow"}
    assert {"EUV lithography", "TCAD", "Verilog", "Python", "Machine learning", "CMP", "Metrology",
            "Plasma etch"} <= set(Skill.objects.values_list("name", flat=True))  # fmt: skip
    assert not generated().filter(summary="").exists() and not generated().filter(research_interests="").exists()
    # The students the accounts demo made stay as they were, except the well-known one.
    others = ["student2@westbridge.example.edu", "student@eastlake.example.edu", "student@carrow.example.edu"]
    assert not StudentProfile.objects.filter(user__email__in=others).exists()


def test_the_well_known_student_has_a_rich_profile_and_cvs_are_small_valid_pdfs(seeded, settings):
    profile = StudentProfile.objects.get(user__email=demo.WELL_KNOWN)
    assert profile.sharing and profile.share_with_all and not profile.expired
    assert profile.summary and profile.research_interests and profile.links and profile.skills.count() >= 8
    assert profile.cv.size > 0
    views = ProfileView.objects.filter(profile=profile)
    assert len({view.organisation_name for view in views}) == 3
    assert {view.kind for view in views} == set(ProfileView.Kind.values)
    assert User.objects.get(email=demo.WELL_KNOWN).check_password("wafer-demo-2026")
    assert User.objects.get(email="student039@westbridge.example.edu").check_password("wafer-demo-2026")
    for email in (demo.WELL_KNOWN, "recruiter@aster.example.com", "admin@aster.example.com"):
        assert re.search(rf"^  {re.escape(email)} +careers: ", seeded, re.MULTILINE), email

    cvs = list(CurriculumVitae.objects.select_related("profile__user"))
    files = stored_files(settings.MEDIA_ROOT / "careers")
    assert len(files) == len(cvs) > 10
    for cv in cvs[:20]:
        content = (settings.MEDIA_ROOT / cv.file.name).read_bytes()
        assert 300 < len(content) < 2500 and content.startswith(b"%PDF-1.4") and content.endswith(b"%%EOF\n")
        assert cv.profile.user.family_name.encode("latin-1") in content
        xref = int(re.search(rb"startxref\n(\d+)", content).group(1))
        assert content[xref:].startswith(b"xref\n")
        offsets = [int(offset) for offset in re.findall(rb"(\d{10}) 00000 n ", content)]
        assert [content[o:].split(b" ", 1)[0] for o in offsets] == [b"%d" % n for n in range(1, len(offsets) + 1)]


def test_a_second_run_changes_nothing(seeded, settings):
    before, files = counts(), stored_files(settings.MEDIA_ROOT)
    out = StringIO()

    call_command("seed_demo", stdout=out)

    assert counts() == before
    assert stored_files(settings.MEDIA_ROOT) == files
    assert "created" not in out.getvalue() and "uploaded" not in out.getvalue()


def test_recruiters_see_what_is_shared_with_their_company_only(seeded):
    assert all(states().values()), states()  # 40 students: every state, still
    today = timezone.localdate()
    recruiters = {user.organisation.short_name: user for user in User.objects.filter(is_recruiter=True)}
    assert set(recruiters) == {"Aster", "Helix", "Northwind", "Quanta", "Obsidian"}
    assert User.objects.filter(is_company_admin=True, organisation__active=True).count() == 4
    listed_somewhere = renewed_seen = False
    for short, recruiter in recruiters.items():
        seen = StudentProfile.objects.filter(access.visible_profiles(recruiter))
        if short == "Obsidian":  # the inactive member company
            assert not seen.exists()
            continue
        assert seen.count() >= 5
        assert not seen.filter(sharing=False).exists()
        assert not seen.filter(visible_until__lt=today).exists()
        assert not seen.filter(user__is_active=False).exists()  # the deactivated students
        listed = seen.filter(share_with_all=False)
        assert listed.count() == listed.filter(companies=recruiter.organisation).count()  # chosen: this company
        listed_somewhere |= listed.exists()
        renewed_seen |= seen.filter(renewed_until__isnull=False).exists()
    assert listed_somewhere and renewed_seen
    deactivated = generated().filter(user__is_active=False, sharing=True)
    staff = User.objects.get(email="staff@wafer.example")
    assert deactivated.exists() and not deactivated.filter(access.visible_profiles(staff)).exists()
    aster = StudentProfile.objects.filter(access.visible_profiles(recruiters["Aster"]))
    helix = StudentProfile.objects.filter(access.visible_profiles(recruiters["Helix"]))
    assert set(aster) != set(helix)  # chosen lists differ between companies
