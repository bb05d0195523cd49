"""Careers data about a person, for the personal-data export (the contract: api/core/personal_data.py).

A student gets their profile with its skills, links, consent and consent history, the CV's details
(the file itself from `/api/v1/careers/me/cv/`) and the view log as they see it on `careers/me/views/`;
a recruiter gets the profiles they opened and the resume books they asked for.
"""

from api.accounts.models import Organisation
from api.careers.models import ConsentRecord, ProfileView, ResumeBook, Skill, StudentProfile
from api.core.personal_data import capped

CV_URL = "/api/v1/careers/me/cv/"

COVERS = [
    "careers.StudentProfile.user",
    "careers.ProfileView.viewer",
    "careers.ResumeBook.requested_by",
]
NOT_PERSONAL = {
    "careers.ConsentRecord.actor": "Consent records belong to the profile and are exported with it (the "
    "student's consent history); the actor is the student or staff acting for them, whose act is in their "
    "audit_events.",
    "careers.CurriculumVitae.uploaded_by": "The CV belongs to the profile and is exported with it; only its "
    "student uploads it.",
}

PROFILE_FIELDS = (
    "id",
    "degree",
    "field",
    "expected_graduation",
    "research_interests",
    "summary",
    "links",
    "sharing",
    "share_with_all",
    "consent_changed_at",
    "renewed_until",
    "visible_until",
    "created_at",
    "updated_at",
)
CV_FIELDS = ("cv__id", "cv__original_name", "cv__content_type", "cv__size", "cv__sha256", "cv__uploaded_at")


def _profile(user) -> dict | None:
    row = StudentProfile.objects.filter(user=user).values(*PROFILE_FIELDS, *CV_FIELDS).first()
    if row is None:
        return None
    cv = {name.removeprefix("cv__"): row.pop(name) for name in CV_FIELDS}
    profile = {**row, "cv": None}
    if cv.pop("id") is not None:
        profile["cv"] = {**cv, "download_url": CV_URL}
    profile["skills"] = list(
        Skill.objects.filter(profiles__user=user).order_by("key", "id").values_list("name", flat=True)
    )
    profile["shared_with_companies"] = list(
        Organisation.objects.filter(shared_profiles__user=user).order_by("name", "id").values("id", "name")
    )
    profile["consent_history"] = list(
        ConsentRecord.objects.filter(profile__user=user)
        .order_by("-at", "-id")
        .values("at", "action", "share_with_all", "companies", "visible_until")
    )
    # As careers/me/views/ shows it: the company and when, never the recruiter's name.
    views = (
        ProfileView.objects.filter(profile__user=user).order_by("-at", "-id").values("at", "kind", "organisation_name")
    )
    log = capped(views, what="views")
    log["items"] = [
        {"company": view["organisation_name"] or "Consortium staff", "kind": view["kind"], "at": view["at"]}
        for view in log["items"]
    ]
    profile["views"] = log
    return profile


def export(user) -> dict:
    views_made = (
        ProfileView.objects.filter(viewer=user)
        .order_by("-at", "-id")
        .values("at", "kind", "profile_id", "organisation_name")
    )
    books = (
        ResumeBook.objects.filter(requested_by=user)
        .order_by("-created_at", "-id")
        .values("id", "company__name", "filters", "status", "included", "created_at", "finished_at", "expires_at")
    )
    return {
        "career_profile": _profile(user),
        "career_profile_views_made": capped(views_made, what="profile views"),
        "resume_books_requested": list(books),
    }
