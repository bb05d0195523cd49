"""A small consortium whose figures are known by hand (see the comments at each record).

Time is frozen at 2026-03-15 12:00 UTC. Companies: Aster (member_company, "A"), Helix
(other_company, "B"), Quanta ("C"). Programs LITH and PACK; tasks t1 (LITH, sponsored by A),
t2 (PACK, confidential, sponsored by B), t3 (LITH). Records are written with the ORM at chosen
moments: reporting reads them, it does not write them.
"""

import datetime
import types

import pytest
from django.utils import timezone

from api.careers.models import ProfileView, SharedCompany, StudentProfile
from api.core.files.models import DownloadRecord
from api.events.models import Event, Registration
from api.publications.models import Publication, PublicationFile, PublicationView
from api.research.models import Deliverable, Program, ResearchTask
from tests import factories

UTC = datetime.UTC
NOW = datetime.datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def at(month, day, hour=10):
    return datetime.datetime(2026, month, day, hour, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(monkeypatch, settings):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    settings.DEADLINE_TIME_ZONE = "UTC"
    return NOW


@pytest.fixture
def third_company(db):
    return factories.OrganisationFactory(name="Quanta Memory", short_name="Quanta")


def deliverable(task, title, due_on, *, status=Deliverable.Status.PLANNED, submitted_at=None, late=False,
                accepted_at=None):  # fmt: skip
    item = Deliverable(
        task=task, title=title, kind=Deliverable.Kind.REPORT, original_due_on=due_on, status=status,
        submitted_at=submitted_at, submitted_late=late, accepted_at=accepted_at,
    )  # fmt: skip
    item.set_due_on(due_on)
    item.save()
    return item


def download(file, organisation, moment, target_type="publications.publicationfile", target_id=None):
    return DownloadRecord.objects.create(
        at=moment,
        organisation_id=getattr(organisation, "pk", None),
        organisation_name=getattr(organisation, "name", ""),
        via="session",
        target_type=target_type,
        target_id=target_id or str(file.pk),
        file_name="paper.pdf",
    )


def view(publication, person, moment):
    return PublicationView.objects.create(
        publication=publication, user=person, organisation_id=person.organisation_id if person else None, at=moment
    )


@pytest.fixture
def world(db, member_company, other_company, third_company, university, staff_user, member_user, colleague,
          other_member, faculty_user):  # fmt: skip
    A, B, C = member_company, other_company, third_company
    c_member = factories.member(C, email="liaison@quanta.example.com")
    lith = Program.objects.create(name="Lithography", code="LITH")
    pack = Program.objects.create(name="Packaging", code="PACK")

    def task(number, program, *, sponsors=(), confidential=False):
        item = ResearchTask.objects.create(
            number=number, title=f"Task {number}", program=program, university=university,
            start=datetime.date(2025, 1, 1), end=datetime.date(2027, 12, 31), status="active",
            confidential=confidential,
        )  # fmt: skip
        item.sponsors.set(sponsors)
        return item

    t1 = task("3160.001", lith, sponsors=[A])
    t2 = task("3160.002", pack, sponsors=[B], confidential=True)
    t3 = task("3160.003", lith)

    # Deliverables (today 2026-03-15; due soon = still owed, due by 2026-04-14):
    deliverable(t1, "d1 on time", datetime.date(2026, 1, 31), status="accepted", submitted_at=at(1, 20),
                accepted_at=at(1, 25))  # fmt: skip
    deliverable(t1, "d2 late", datetime.date(2026, 2, 15), status="accepted", submitted_at=at(2, 20), late=True,
                accepted_at=at(2, 25))  # fmt: skip
    deliverable(t1, "d3 overdue", datetime.date(2026, 3, 1))
    deliverable(t1, "d4 due soon", datetime.date(2026, 4, 1))
    deliverable(t2, "d5 submitted", datetime.date(2026, 3, 10), status="submitted", submitted_at=at(3, 9))
    deliverable(t2, "d6 later", datetime.date(2026, 6, 1))
    deliverable(t3, "d7 skipped", datetime.date(2025, 12, 1), status="skipped")

    # Publications: p1, p2 (LITH, 2025 papers; p2 on two LITH tasks counts once), p3 (PACK, 2026
    # report, only for the sponsors of t2: B), p4 (2026 thesis, no task).
    def publication(title, year, kind, access, tasks):
        item = Publication.objects.create(title=title, year=year, kind=kind, access=access)
        item.tasks.set(tasks)
        return item

    p1 = publication("Resist chemistry", 2025, "paper", "public", [t1])
    p2 = publication('=HYPERLINK("x")', 2025, "paper", "members", [t1, t3])
    p3 = publication("Sponsors only", 2026, "report", "sponsors", [t2])
    p4 = publication("A thesis", 2026, "thesis", "members", [])
    f1 = PublicationFile.objects.create(publication=p1, file="f1.pdf", original_name="f1.pdf",
                                        content_type="application/pdf", size=1, sha256="0" * 64)  # fmt: skip
    f2 = PublicationFile.objects.create(publication=p2, file="f2.pdf", original_name="f2.pdf",
                                        content_type="application/pdf", size=1, sha256="0" * 64)  # fmt: skip

    # Usage. Downloads: A f1 Jan twice, A f2 Mar; B f1 Feb; C f2 Mar; staff (no organisation) f2 Feb;
    # plus a CV download of A (not a publication: not counted).
    download(f1, A, at(1, 10))
    download(f1, A, at(1, 20))
    download(f2, A, at(3, 2))
    download(f1, B, at(2, 5))
    download(f2, C, at(3, 3))
    download(f2, None, at(2, 6))
    download(None, A, at(3, 4), target_type="careers.curriculumvitae", target_id="77")
    # Views: A p1 Jan, A p2 Feb; B p1 Mar twice; C p2 Jan.
    view(p1, member_user, at(1, 11))
    view(p2, member_user, at(2, 12))
    view(p1, other_member, at(3, 1))
    view(p1, other_member, at(3, 2))
    view(p2, c_member, at(1, 15))

    # Events: e1 is over (10 Feb), e2 is ahead (1 Apr).
    def event(title, starts_at):
        return Event.objects.create(kind="workshop", title=title, starts_at=starts_at,
                                    ends_at=starts_at + datetime.timedelta(hours=6), status="published")  # fmt: skip

    e1 = event("Review meeting", at(2, 10, 9))
    e2 = event("Spring workshop", at(4, 1, 9))

    def register(event_, person, status, *, checked_in=False, position=None):
        company = person.organisation if person.organisation and person.organisation.kind == "member" else None
        return Registration.objects.create(
            event=event_, person=person, company=company, status=status, position=position,
            checked_in_at=event_.starts_at if checked_in else None,
        )  # fmt: skip

    register(e1, member_user, "confirmed", checked_in=True)
    register(e1, colleague, "confirmed")  # a no-show
    register(e1, other_member, "confirmed", checked_in=True)
    register(e1, c_member, "cancelled")
    register(e1, faculty_user, "confirmed", checked_in=True)  # no member company
    register(e2, member_user, "confirmed")
    register(e2, other_member, "waitlisted", position=1)
    register(e2, c_member, "confirmed")

    # Careers: s1 PhD 2026 shared with all; s2 PhD 2026 shared with A; s3 MS 2027 shared with B;
    # s4 MS 2027 not shared; s5 BS 2026 shared with all but expired.
    def profile(degree, graduation, *, sharing=True, share_with_all=False, companies=(), visible_until=None):
        student = factories.student(university)
        item = StudentProfile.objects.create(
            user=student, degree=degree, field="EE", expected_graduation=graduation, sharing=sharing,
            share_with_all=share_with_all, visible_until=visible_until or datetime.date(2028, 12, 31),
        )  # fmt: skip
        for company in companies:
            SharedCompany.objects.create(profile=item, organisation=company)
        return item

    s1 = profile("phd", datetime.date(2026, 6, 1), share_with_all=True)
    profile("phd", datetime.date(2026, 6, 1), companies=[A])
    profile("ms", datetime.date(2027, 5, 1), companies=[B])
    profile("ms", datetime.date(2027, 5, 1), sharing=False)
    profile("bs", datetime.date(2026, 6, 1), share_with_all=True, visible_until=datetime.date(2026, 1, 31))

    def profile_view(kind, organisation, moment):
        ProfileView.objects.create(profile=s1, kind=kind, at=moment, organisation_id=getattr(organisation, "pk", None),
                                   organisation_name=getattr(organisation, "name", ""))  # fmt: skip

    profile_view("cv", A, at(2, 1))
    profile_view("cv", A, at(3, 1))
    profile_view("profile", A, at(3, 1))
    profile_view("cv", B, at(2, 2))
    profile_view("resume_book", C, at(3, 5))
    profile_view("cv", None, at(1, 5))  # staff

    return types.SimpleNamespace(
        A=A, B=B, C=C, c_member=c_member, lith=lith, pack=pack, t1=t1, t2=t2, t3=t3,
        p1=p1, p2=p2, p3=p3, p4=p4, f1=f1, f2=f2, e1=e1, e2=e2,
    )  # fmt: skip
