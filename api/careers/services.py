"""Writes of careers data: profiles, CVs, consent, recruiters, the view log, erasure.

Views, the admin and commands call these; each runs in one transaction and is audited. Consent
changes take effect at commit: the search, CV downloads and resume-book jobs read the current row.
"""

import re

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from api.accounts.models import User
from api.careers import visibility
from api.careers.models import (
    ConsentRecord,
    CurriculumVitae,
    ProfileSkill,
    ProfileView,
    ResumeBook,
    ResumeBookEntry,
    SharedCompany,
    Skill,
    StudentProfile,
)
from api.core.audit.services import audit_record, diff, snapshot
from api.core.files import uncommitted
from api.core.files.models import DownloadRecord
from api.core.files.uploads import CheckedUpload
from api.core.request_context import current_actor

PROFILE_FIELDS = ("degree", "field", "expected_graduation", "research_interests", "summary", "links")
MAX_SKILLS = 30
MAX_LINKS = 5


def skill_key(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().lower()


def _clean_skills(names) -> list[str]:
    seen, cleaned = set(), []
    for name in names or ():
        shown = re.sub(r"\s+", " ", str(name)).strip()
        if not shown:
            continue
        if len(shown) > 60:
            raise ValidationError({"skills": [f"A skill is at most 60 characters: {shown[:60]!r}…"]})
        if skill_key(shown) not in seen:
            seen.add(skill_key(shown))
            cleaned.append(shown)
    if len(cleaned) > MAX_SKILLS:
        raise ValidationError({"skills": [f"At most {MAX_SKILLS} skills."]})
    return cleaned


def _clean_links(links) -> list[str]:
    links = list(links or ())
    if len(links) > MAX_LINKS:
        raise ValidationError({"links": [f"At most {MAX_LINKS} links."]})
    check = URLValidator(schemes=["http", "https"])
    for link in links:
        if not isinstance(link, str) or len(link) > 300:
            raise ValidationError({"links": ["Each link is a web address of at most 300 characters."]})
        try:
            check(link)
        except ValidationError as exc:
            raise ValidationError({"links": [f"Not an http(s) web address: {link!r}."]}) from exc
    return links


def _set_skills(profile: StudentProfile, names: list[str]) -> None:
    wanted = {}
    for name in names:
        skill, _ = Skill.objects.get_or_create(key=skill_key(name), defaults={"name": name})
        wanted[skill.pk] = skill
    ProfileSkill.objects.filter(profile=profile).exclude(skill_id__in=list(wanted)).delete()
    have = set(ProfileSkill.objects.filter(profile=profile).values_list("skill_id", flat=True))
    ProfileSkill.objects.bulk_create([ProfileSkill(profile=profile, skill_id=pk) for pk in wanted if pk not in have])


def _skill_names(profile: StudentProfile) -> list[str]:
    return sorted(
        Skill.objects.filter(pk__in=ProfileSkill.objects.filter(profile=profile).values("skill_id")).values_list(
            "name", flat=True
        )
    )


@transaction.atomic
def profile_save(*, user: User, skills=(), **fields) -> tuple[StudentProfile, bool]:
    """Create or replace (PUT) the student's own profile. Returns (profile, created)."""
    if user.role != User.Role.STUDENT:
        raise ValidationError({"user": ["Only students have a career profile."]})
    profile = StudentProfile.objects.select_for_update().filter(user=user).first()
    created = profile is None
    before = {} if created else {**snapshot(profile, PROFILE_FIELDS), "skills": _skill_names(profile)}
    if created:
        profile = StudentProfile(user=user)
    for name in PROFILE_FIELDS:
        if name in fields:
            setattr(profile, name, fields[name])
    profile.links = _clean_links(profile.links)
    names = _clean_skills(skills)
    if profile.expected_graduation:
        profile.expected_graduation = visibility.month_start(profile.expected_graduation)
        profile.visible_until = visibility.visible_until(profile.expected_graduation, profile.renewed_until)
    profile.full_clean(exclude=["user"] if created else None)
    profile.save()
    _set_skills(profile, names)
    after = {**snapshot(profile, PROFILE_FIELDS), "skills": sorted(names)}
    audit_record(
        action="create" if created else "update", target=profile, changes=after if created else diff(before, after)
    )
    return profile, created


def _lock(profile: StudentProfile) -> StudentProfile:
    return StudentProfile.objects.select_for_update().get(pk=profile.pk)


def _company_list(companies) -> list[dict]:
    return [{"id": company.pk, "name": company.name} for company in sorted(companies, key=lambda c: c.pk)]


@transaction.atomic
def consent_set(
    *, profile: StudentProfile, sharing: bool, share_with_all: bool = False, companies=()
) -> StudentProfile:
    """Turn sharing on (with every active member company or a chosen list), change it, or withdraw it.

    Idempotent: the same choice twice records nothing the second time.
    """
    profile = _lock(profile)
    companies = list({company.pk: company for company in companies or ()}.values())
    if sharing:
        not_members = [company.pk for company in companies if not company.is_active_member]
        if not_members:
            raise ValidationError({"companies": [f"Not active member companies: {not_members}."]})
        if not share_with_all and not companies:
            raise ValidationError({"companies": ["Choose at least one company, or share with all member companies."]})
        if share_with_all:
            companies = []
    else:
        share_with_all, companies = False, []
    chosen = {company.pk for company in companies}
    had = set(SharedCompany.objects.filter(profile=profile).values_list("organisation_id", flat=True))
    if (profile.sharing, profile.share_with_all, had) == (sharing, share_with_all, chosen):
        return profile
    if sharing and not profile.sharing:
        action = ConsentRecord.Action.GRANTED
    elif not sharing:
        action = ConsentRecord.Action.WITHDRAWN
    else:
        action = ConsentRecord.Action.CHANGED
    SharedCompany.objects.filter(profile=profile).exclude(organisation_id__in=chosen).delete()
    SharedCompany.objects.bulk_create(
        [SharedCompany(profile=profile, organisation_id=pk) for pk in sorted(chosen - had)]
    )
    now = timezone.now()
    profile.sharing, profile.share_with_all, profile.consent_changed_at = sharing, share_with_all, now
    profile.save(update_fields=["sharing", "share_with_all", "consent_changed_at", "updated_at"])
    ConsentRecord.objects.create(
        profile=profile,
        at=now,
        action=action,
        share_with_all=share_with_all,
        companies=_company_list(companies),
        visible_until=profile.visible_until,
        actor=current_actor().user,
    )
    audit_record(
        action=f"consent_{action}",
        target=profile,
        changes={"sharing": sharing, "share_with_all": share_with_all, "companies": sorted(chosen)},
    )
    return profile


@transaction.atomic
def profile_renew(*, profile: StudentProfile) -> StudentProfile:
    """Keep the profile visible CAREERS_RENEWAL_MONTHS from today (never shortens it)."""
    profile = _lock(profile)
    before = profile.visible_until
    profile.renewed_until = visibility.renewal_until(timezone.localdate())
    profile.visible_until = visibility.visible_until(profile.expected_graduation, profile.renewed_until)
    profile.save(update_fields=["renewed_until", "visible_until", "updated_at"])
    ConsentRecord.objects.create(
        profile=profile,
        action=ConsentRecord.Action.RENEWED,
        share_with_all=profile.share_with_all,
        companies=_company_list(profile.companies.all()),
        visible_until=profile.visible_until,
        actor=current_actor().user,
    )
    audit_record(action="renew", target=profile, changes={"visible_until": [before, profile.visible_until]})
    return profile


@transaction.atomic
def cv_upload(*, profile: StudentProfile, upload: CheckedUpload, uploaded_by) -> tuple[CurriculumVitae, bool]:
    """Store a new current CV; the replaced file leaves storage once the change commits."""
    profile = _lock(profile)
    stored_name = uncommitted.save_upload("careers/cv", upload)
    try:
        cv = CurriculumVitae.objects.filter(profile=profile).first()
        replaced = cv is not None
        old_name = cv.file.name if replaced else None
        cv = cv or CurriculumVitae(profile=profile)
        cv.file = stored_name
        cv.original_name = upload.original_name
        cv.content_type = upload.kind.content_type
        cv.size = upload.size
        cv.sha256 = upload.sha256
        cv.uploaded_by = uploaded_by
        cv.uploaded_at = timezone.now()
        cv.full_clean()
        cv.save()
        StudentProfile.objects.filter(pk=profile.pk).update(updated_at=timezone.now())
        audit_record(
            action="replace_cv" if replaced else "add_cv",
            target=profile,
            changes={"file": cv.original_name, "sha256": upload.sha256},
        )
    except Exception:
        uncommitted.remove(stored_name)  # nothing half-written: no orphaned file either
        raise
    if old_name:
        transaction.on_commit(lambda: default_storage.delete(old_name))
    return cv, replaced


@transaction.atomic
def cv_delete(*, profile: StudentProfile) -> None:
    cv = CurriculumVitae.objects.filter(profile=_lock(profile)).first()
    if cv is None:
        return
    name = cv.file.name
    audit_record(action="remove_cv", target=profile, changes={"file": cv.original_name})
    cv.delete()
    transaction.on_commit(lambda: default_storage.delete(name))


@transaction.atomic
def recruiter_set(*, person: User, recruiter: bool) -> User:
    """Mark (or unmark) a member-company person as a recruiter; unmarking takes effect at once."""
    person = User.objects.select_for_update().get(pk=person.pk)
    if recruiter and (person.role != User.Role.MEMBER or person.member_company is None):
        raise ValidationError({"person": ["Only people of an active member company can be recruiters."]})
    if recruiter and not person.is_active:
        raise ValidationError({"person": ["This account is deactivated."]})
    if person.is_recruiter == recruiter:
        return person
    person.is_recruiter = recruiter
    person.save(update_fields=["is_recruiter", "updated_at"])
    audit_record(
        action="grant_recruiter" if recruiter else "revoke_recruiter",
        target=person,
        changes={"is_recruiter": [not recruiter, recruiter]},
    )
    return person


def view_record(*, profiles, kind: str, viewer) -> None:
    """Log that the viewer's organisation looked at these profiles (a read: logged, not audited)."""
    organisation = getattr(viewer, "organisation", None)
    ProfileView.objects.bulk_create(
        [
            ProfileView(
                profile=profile,
                kind=kind,
                viewer=viewer,
                organisation_id=getattr(organisation, "pk", None),
                organisation_name=str(organisation or "")[:200],
            )
            for profile in profiles
        ]
    )


@transaction.atomic
def profile_delete(*, profile: StudentProfile) -> None:
    """The student's erasure: the profile, its consent history and CV go; the file leaves storage;
    the view log keeps the companies' counts without the student; resume books holding the CV are
    withdrawn (their files removed). Erasing a profile that is already gone does nothing."""
    # A concurrent erasure may have deleted the row while we waited for the lock: nothing left to do
    # (a .get() would raise DoesNotExist, a 500).
    profile = StudentProfile.objects.select_for_update().filter(pk=profile.pk).first()
    if profile is None:
        return
    cvs = list(CurriculumVitae.objects.filter(profile=profile).values_list("pk", "file"))
    names = [name for _, name in cvs]
    ProfileView.objects.filter(profile=profile).update(profile=None)
    # The download log keeps counting the CV's downloads, but not the file name the student chose
    # (often their own name).
    DownloadRecord.objects.filter(
        target_type=CurriculumVitae._meta.label_lower, target_id__in=[str(pk) for pk, _ in cvs]
    ).update(file_name="CV (profile deleted)")
    # Every book holding the CV that is not over yet, and any that still has a file (a failed build
    # may have left a partial ZIP behind).
    books = (
        ResumeBook.objects.filter(pk__in=ResumeBookEntry.objects.filter(profile=profile).values("book_id"))
        .exclude(status__in=[ResumeBook.Status.FAILED, ResumeBook.Status.EXPIRED], file="")
        .select_for_update()
    )
    for book in books:
        if book.file:
            names.append(book.file.name)
        book.file = ""
        book.status = ResumeBook.Status.EXPIRED
        book.error = "Withdrawn: a student in it deleted their profile."
        book.expires_at = timezone.now()
        book.save(update_fields=["file", "status", "error", "expires_at"])
    ResumeBookEntry.objects.filter(profile=profile).update(profile=None)
    audit_record(action="delete", target=profile, changes={"user": profile.user_id})
    profile.delete()
    # One callback per file, robust: the erasure is committed by then, so a file that cannot be removed
    # is logged (django.db.backends) instead of turning the 204 into a 500 and keeping the others.
    for name in names:
        transaction.on_commit(lambda name=name: default_storage.delete(name), robust=True)
