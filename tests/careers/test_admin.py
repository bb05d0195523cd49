"""The careers admin: staff see everything, edit a profile's details through the service, never its consent."""

import pytest

from api.careers import services
from api.careers.models import ConsentRecord, ProfileView, ResumeBook, Skill, StudentProfile
from api.core.audit.models import AuditEvent
from tests import factories
from tests.careers.support import make_profile

pytestmark = pytest.mark.django_db

ADMIN = "/admin/careers/"
MODELS = ["studentprofile", "consentrecord", "profileview", "resumebook", "skill"]


@pytest.fixture
def staff_browser(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def profile(student_user, member_company, recruiter):
    profile = make_profile(student_user, skills=["EUV lithography", "Python"], share="all", cv=True, summary="Hi.")
    services.view_record(profiles=[profile], kind=ProfileView.Kind.PROFILE, viewer=recruiter)
    ResumeBook.objects.create(company=member_company, requested_by=recruiter, status=ResumeBook.Status.READY)
    return profile


def rows(profile) -> dict:
    return {
        "studentprofile": profile.pk,
        "consentrecord": ConsentRecord.objects.get(profile=profile).pk,
        "profileview": ProfileView.objects.get(profile=profile).pk,
        "resumebook": ResumeBook.objects.get().pk,
        "skill": Skill.objects.get(key="python").pk,
    }


def change_form(browser, url: str, **fields) -> dict:
    """The change page's form data as the browser would post it: fields plus the inlines' management forms."""
    response = browser.get(url)
    data = dict(fields)
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
    return data


@pytest.mark.parametrize("model", MODELS)
def test_staff_open_every_changelist_and_change_page(staff_browser, profile, model):
    listing = staff_browser.get(f"{ADMIN}{model}/")
    assert listing.status_code == 200
    detail = staff_browser.get(f"{ADMIN}{model}/{rows(profile)[model]}/change/")
    assert detail.status_code == 200


def test_the_profile_list_filters_and_searches(staff_browser, profile, university):
    other = factories.student(university, email="novak@westbridge.example.edu", family_name="Novak")
    make_profile(other, degree="ms")
    page = staff_browser.get(f"{ADMIN}studentprofile/", {"q": "khan@westbridge"}).content.decode()
    assert "novak@" not in page.lower() and profile.user.full_name in page
    page = staff_browser.get(f"{ADMIN}studentprofile/", {"degree__exact": "ms"}).content.decode()
    assert other.full_name in page and profile.user.full_name not in page
    page = staff_browser.get(f"{ADMIN}studentprofile/", {"visibility": "expired"}).content.decode()
    assert profile.user.full_name not in page


def test_the_change_page_shows_the_cv_read_only_with_its_size(staff_browser, profile):
    page = staff_browser.get(f"{ADMIN}studentprofile/{profile.pk}/change/").content.decode()
    assert "cv.pdf" in page and "bytes" in page
    assert 'name="sharing"' not in page and 'name="share_with_all"' not in page  # consent is not a form field


@pytest.mark.parametrize("user", ["student_user", "member_user", "recruiter", "company_admin"])
def test_people_who_are_not_staff_cannot_open_the_admin(client, profile, request, user):
    client.force_login(request.getfixturevalue(user))
    for model in MODELS:
        response = client.get(f"{ADMIN}{model}/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("model", MODELS)
def test_nothing_is_added_from_the_admin(staff_browser, model):
    assert staff_browser.get(f"{ADMIN}{model}/add/").status_code == 403


@pytest.mark.parametrize("model", ["consentrecord", "profileview", "resumebook"])
def test_records_are_read_only(staff_browser, profile, model):
    pk = rows(profile)[model]
    page = staff_browser.get(f"{ADMIN}{model}/{pk}/change/").content.decode()
    assert 'name="_save"' not in page
    assert staff_browser.post(f"{ADMIN}{model}/{pk}/change/", {}).status_code == 403
    assert staff_browser.post(f"{ADMIN}{model}/{pk}/delete/", {"post": "yes"}).status_code == 403


def test_editing_a_profile_goes_through_the_service_and_leaves_consent_alone(staff_browser, profile):
    url = f"{ADMIN}studentprofile/{profile.pk}/change/"
    data = change_form(
        staff_browser, url, degree="ms", field="Physics", expected_graduation="2031-05-17", research_interests="",
        summary="Corrected by staff.", links='["https://westbridge.example.edu/~khan"]',
        sharing="", share_with_all="", visible_until="2001-01-01",  # not form fields: ignored
    )  # fmt: skip

    response = staff_browser.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    profile.refresh_from_db()
    assert (profile.degree, profile.field, profile.summary) == ("ms", "Physics", "Corrected by staff.")
    assert str(profile.expected_graduation) == "2031-05-01"  # the service keeps the first of the month
    assert (profile.sharing, profile.share_with_all) == (True, True)
    assert profile.visible_until > profile.expected_graduation
    assert sorted(profile.skills.values_list("name", flat=True)) == ["EUV lithography", "Python"]
    audit = AuditEvent.objects.get(action="update", target_type="careers.studentprofile")
    assert audit.via == "admin"
    assert audit.changes["degree"] == ["phd", "ms"]


def test_a_bad_link_is_refused_on_the_form(staff_browser, profile):
    url = f"{ADMIN}studentprofile/{profile.pk}/change/"
    data = change_form(staff_browser, url, degree="phd", field="EE", expected_graduation="2031-05-01",
                       links='["javascript:alert(1)"]')  # fmt: skip
    response = staff_browser.post(url, data)
    assert response.status_code == 200 and "Not an http(s) web address" in response.content.decode()
    assert StudentProfile.objects.get(pk=profile.pk).links == []


def test_deleting_a_profile_is_the_students_erasure(staff_browser, profile):
    response = staff_browser.post(f"{ADMIN}studentprofile/{profile.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not StudentProfile.objects.filter(pk=profile.pk).exists()
    assert ProfileView.objects.get().profile is None  # the company's count stays, without the student
    assert AuditEvent.objects.filter(action="delete", target_type="careers.studentprofile", via="admin").exists()


def test_a_skill_changes_its_spelling_only(staff_browser, profile):
    skill = Skill.objects.get(key="euv lithography")
    url = f"{ADMIN}skill/{skill.pk}/change/"
    response = staff_browser.post(url, {"name": "Deep UV lithography"})
    assert response.status_code == 200 and "Only the spelling may change" in response.content.decode()
    response = staff_browser.post(url, {"name": "EUV  Lithography"})
    assert response.status_code == 302
    skill.refresh_from_db()
    assert (skill.name, skill.key) == ("EUV Lithography", "euv lithography")
    assert AuditEvent.objects.filter(action="update", target_type="careers.skill", via="admin").exists()
