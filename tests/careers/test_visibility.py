"""Visibility expires some months after the expected graduation, unless the student renews it."""

import datetime

import pytest
from django.utils import timezone

from api.careers import visibility
from api.careers.models import ConsentRecord

from .support import ME, PROFILES, make_profile, months_from_today

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2027, 1, 31), 1, datetime.date(2027, 2, 28)),
        (datetime.date(2028, 1, 31), 1, datetime.date(2028, 2, 29)),
        (datetime.date(2027, 11, 15), 3, datetime.date(2028, 2, 15)),
        (datetime.date(2027, 3, 1), -3, datetime.date(2026, 12, 1)),
        (datetime.date(2027, 3, 1), 0, datetime.date(2027, 3, 1)),
    ],
)
def test_add_months_clips_to_the_end_of_a_month(day, months, expected):
    assert visibility.add_months(day, months) == expected


def test_visibility_ends_the_configured_months_after_graduation(settings):
    settings.CAREERS_VISIBLE_MONTHS_AFTER_GRADUATION = 6
    assert visibility.graduation_visibility(datetime.date(2027, 6, 1)) == datetime.date(2027, 12, 31)
    settings.CAREERS_VISIBLE_MONTHS_AFTER_GRADUATION = 0
    assert visibility.graduation_visibility(datetime.date(2027, 6, 1)) == datetime.date(2027, 6, 30)


def test_an_expired_profile_is_hidden_until_renewed(student_user, student_api, recruiter_api, staff_api, settings):
    settings.CAREERS_VISIBLE_MONTHS_AFTER_GRADUATION = 6
    settings.CAREERS_RENEWAL_MONTHS = 12
    profile = make_profile(student_user, graduation=months_from_today(-8), share="all", cv=True)
    assert profile.visible_until < timezone.localdate()
    assert student_api.get(ME).json()["expired"] is True
    assert recruiter_api.get(PROFILES).json()["results"] == []
    assert staff_api.get(PROFILES).json()["results"] == []
    assert recruiter_api.get(f"{PROFILES}{profile.pk}/cv/").status_code == 404

    response = student_api.post(ME + "renew/")
    assert response.status_code == 200
    body = response.json()
    assert body["expired"] is False
    assert body["visible_until"] == visibility.add_months(timezone.localdate(), 12).isoformat()
    assert [row["id"] for row in recruiter_api.get(PROFILES).json()["results"]] == [profile.pk]
    assert ConsentRecord.objects.filter(action="renewed").count() == 1


def test_the_last_visible_day_is_still_visible(student_user, recruiter_api, settings):
    settings.CAREERS_VISIBLE_MONTHS_AFTER_GRADUATION = 0
    profile = make_profile(student_user, graduation=timezone.localdate().replace(day=1), share="all")
    assert profile.visible_until >= timezone.localdate()
    assert [row["id"] for row in recruiter_api.get(PROFILES).json()["results"]] == [profile.pk]


def test_renewing_never_shortens_visibility(student_user, student_api, settings):
    settings.CAREERS_RENEWAL_MONTHS = 1
    profile = make_profile(student_user, graduation=months_from_today(36))
    before = profile.visible_until
    assert student_api.post(ME + "renew/").json()["visible_until"] == before.isoformat()
