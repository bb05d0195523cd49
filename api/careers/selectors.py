"""Reads of careers data, scoped by api.careers.access, with everything a page shows prefetched."""

from django.db.models import Prefetch, QuerySet

from api.accounts.models import User
from api.careers import access
from api.careers.models import ProfileView, ResumeBook, Skill, StudentProfile
from api.research import access as research_access
from api.research.models import ResearchTask


def _tasks(viewer) -> Prefetch:
    # The student's tasks come from the research data; a viewer sees only the tasks they may see
    # (a confidential task of another company's sponsorship stays hidden).
    tasks = ResearchTask.objects.filter(research_access.visible(viewer)).only("id", "number", "title", "status")
    return Prefetch("user__student_tasks", queryset=tasks.order_by("number", "id"))


def _with_details(queryset, viewer) -> QuerySet[StudentProfile]:
    return queryset.select_related("user", "user__organisation", "cv").prefetch_related(
        Prefetch("skills", queryset=Skill.objects.order_by("key", "id")), _tasks(viewer)
    )


def profile_list(*, viewer) -> QuerySet[StudentProfile]:
    return _with_details(StudentProfile.objects.filter(access.visible_profiles(viewer)), viewer).order_by(
        "expected_graduation", "id"
    )


def own_profile(*, user) -> StudentProfile | None:
    queryset = _with_details(StudentProfile.objects.filter(user=user), user).prefetch_related("companies")
    return queryset.first()


def own_views(*, user) -> QuerySet[ProfileView]:
    return ProfileView.objects.filter(profile__user=user).order_by("-at", "-id")


def recruiter_candidates(*, viewer) -> QuerySet[User]:
    """The member-company people whose recruiter flag the viewer manages: everyone's for staff, their
    own company's for a company admin."""
    queryset = User.objects.filter(role=User.Role.MEMBER).select_related("organisation")
    if access.is_staff(viewer):
        return queryset
    company = access.member_company(viewer)
    if company is None or not viewer.is_company_admin:
        return queryset.none()
    return queryset.filter(organisation=company)


def recruiter_list(*, viewer) -> QuerySet[User]:
    return recruiter_candidates(viewer=viewer).filter(is_recruiter=True).order_by("family_name", "given_name", "id")


def resume_book_list(*, viewer) -> QuerySet[ResumeBook]:
    """A recruiter: their company's books. Staff: every book, to support companies (staff download
    only staff books: resume_books.may_download)."""
    queryset = ResumeBook.objects.select_related("requested_by", "company").order_by("-created_at", "-id")
    if access.is_staff(viewer):
        return queryset
    company = access.recruiter_company(viewer)
    return queryset.filter(company=company) if company is not None else queryset.none()
