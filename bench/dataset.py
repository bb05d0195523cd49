"""The benchmark's dataset: a large, realistic Wafer on PostgreSQL, built once and reused.

    python -m bench.dataset [--rebuild]

Database `wafer_bench` on 127.0.0.1:5432 (`BENCH_DATABASE_URL` overrides), created and migrated
here, then filled with `bulk_create` in batches: services would validate, audit and notify each
row, which is what the benchmark measures, not what it should wait for while building. The rows
are still valid ones (every constraint holds; values shaped like the demo seeders'). Sizes are
issue 10's: 50,000 publications (authors, tasks, files), 5,000 tasks, 20,000 deliverables, 500
events with 20,000 registrations, 100,000 download records, 5,000 student profiles.

Idempotent: a marker table (`bench_dataset`) records the dataset's version once every row is in;
a database holding the current version is reused as it is, anything else is dropped and rebuilt.
Publication files all point at a few real files in the bench media dir (one of them 5 MB).
"""

import argparse
import datetime
import hashlib
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VERSION = "2"  # change when the dataset's shape changes: an older one is rebuilt
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/wafer_bench"
MEDIA_ROOT = ROOT / "var" / "bench" / "media"
BIG_FILE = "bench/big-5mb.pdf"  # under MEDIA_ROOT; the download scenario's file
BIG_FILE_BYTES = 5 * 1024 * 1024
SMALL_FILES = [f"bench/small-{n}.pdf" for n in range(4)]
BATCH = 5000
SEED = 10  # the same rows on every machine

COUNTS = {
    "member_companies": 20,
    "universities": 30,
    "members_per_company": 100,  # 2,000 member people: registrations and the member token
    "faculty": 600,
    "students": 5000,  # one career profile each
    "programs": 10,
    "tasks": 5000,
    "deliverables_per_task": 4,  # 20,000
    "publications": 50000,
    "events": 500,
    "registrations_per_event": 40,  # 20,000
    "downloads": 100000,
    "skills": 60,
}
VOCABULARY = (  # the demo topics' words: titles, abstracts and `q` searches draw from them
    "EUV resist stochastic defects metal-oxide high-NA optical proximity correction self-assembly pellicle "
    "etch roughness mask ferroelectric hafnia resistive retention spin-orbit MRAM selector cross-point analog "
    "in-memory phase-change endurance oxide channel DRAM hybrid bonding thermal chiplet warpage fan-out glass "
    "substrate electromigration optics underfill overlay metrology scatterometry inspection tomography stress"
)
WORDS = VOCABULARY.split()
KINDS_PUB = ["paper"] * 5 + ["report", "thesis", "presentation", "patent", "other"]
VENUES = ["IEEE Transactions on Electron Devices", "Applied Physics Letters", "Proc. SPIE Advanced Lithography", "IEDM"]
DEGREES = ["bs", "ms", "phd", "postdoc"]
FIELDS = ["Electrical Engineering", "Materials Science", "Chemical Engineering", "Physics", "Computer Engineering"]


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)


def bench_environment(url: str | None = None) -> dict:
    """What a Django process on the bench database needs (the builder, manage.py and the farm's workers)."""
    return {
        "DATABASE_URL": url or database_url(),
        "MEDIA_ROOT": str(MEDIA_ROOT),
        "WAFER_NO_DOTENV": "true",  # a developer's .env must not point the bench elsewhere
    }


def ensure_database(url: str) -> None:
    """CREATE DATABASE when it does not exist (connected to the server's `postgres` database)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def _setup_django(url: str) -> None:
    os.environ.update(bench_environment(url))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "api.config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-dataset-builder")
    os.environ.setdefault("DEBUG", "false")  # DEBUG would keep every bulk INSERT's SQL in memory
    import django

    django.setup()


def built_version() -> str | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_dataset (version text, built_at timestamptz, seconds real)")
        cursor.execute("SELECT version FROM bench_dataset ORDER BY built_at DESC LIMIT 1")
        row = cursor.fetchone()
    return row[0] if row else None


def _mark(seconds: float) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_dataset")
        cursor.execute("INSERT INTO bench_dataset VALUES (%s, now(), %s)", [VERSION, seconds])


def _files() -> dict[str, tuple[int, str]]:
    """The real files every PublicationFile row points at: name -> (size, sha256)."""
    from api.research.demo import demo_pdf

    out = {}
    for name in [BIG_FILE, *SMALL_FILES]:
        path = MEDIA_ROOT / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            body = demo_pdf("Wafer benchmark file", name)
            if name == BIG_FILE:  # a valid PDF padded with comment lines to 5 MB
                line = b"%" + b"x" * 1022 + b"\n"
                body += line * ((BIG_FILE_BYTES - len(body)) // len(line))
                body += b"%" * (BIG_FILE_BYTES - len(body) - 1) + b"\n"
            path.write_bytes(body)
        data = path.read_bytes()
        out[name] = (len(data), hashlib.sha256(data).hexdigest())
    return out


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _bulk(model, rows, label: str) -> list:
    objs = model.objects.bulk_create(rows, batch_size=BATCH)
    print(f"  {len(objs):>7} {label}", flush=True)
    return objs


def _wipe() -> None:
    """Empty every table of the apps (TRUNCATE ... CASCADE): a half-built or older dataset goes."""
    from django.apps import apps
    from django.db import connection

    tables = [m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.managed]
    existing = set(connection.introspection.table_names())
    names = ", ".join(f'"{t}"' for t in tables if t in existing and t != "django_migrations")
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


def build() -> None:  # noqa: C901 - one linear script reads better than a dozen helpers
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from api.accounts.models import Organisation, User
    from api.careers.models import ProfileSkill, Skill, StudentProfile
    from api.core.files.models import DownloadRecord
    from api.events.models import Event, Registration
    from api.publications import search
    from api.publications.models import Author, Publication, PublicationFile
    from api.research.deadlines import deadline_for
    from api.research.models import Deliverable, Program, ResearchTask

    rng = random.Random(SEED)  # noqa: S311 - made-up rows, the same on every run
    now = timezone.now()
    today = now.date()
    files = _files()
    c = COUNTS

    consortium = _bulk(Organisation, [Organisation(name="Wafer Consortium", kind="consortium")], "consortium")[0]
    companies = _bulk(
        Organisation,
        [
            Organisation(
                name=f"Member Company {n:02d}",
                short_name=f"MC{n:02d}",
                kind="member",
                membership_tier=rng.choice(["premier", "full", "associate"]),
                website=f"https://mc{n:02d}.example.com",
            )
            for n in range(c["member_companies"])
        ],
        "member companies",
    )
    universities = _bulk(
        Organisation,
        [
            Organisation(name=f"University {n:02d}", short_name=f"U{n:02d}", kind="university")
            for n in range(c["universities"])
        ],
        "universities",
    )
    password = make_password(None)  # unusable: the benchmark signs in with API tokens only

    def person(email, role, org, n, **extra):
        return User(
            email=email,
            given_name=f"Given{n}",
            family_name=f"Family{n % 997:03d}",
            role=role,
            organisation=org,
            password=password,
            **extra,
        )

    staff = _bulk(User, [person(f"staff{n}@bench.example", "staff", consortium, n) for n in range(5)], "staff")
    members = _bulk(
        User,
        [
            person(
                f"member{n}@mc{n % c['member_companies']:02d}.example.com", "member", companies[n % len(companies)], n
            )
            for n in range(c["member_companies"] * c["members_per_company"])
        ],
        "member people",
    )
    faculty = _bulk(
        User,
        [
            person(f"faculty{n}@u.example.edu", "faculty", universities[n % len(universities)], n)
            for n in range(c["faculty"])
        ],
        "faculty",
    )
    students = _bulk(
        User,
        [
            person(f"student{n}@u.example.edu", "student", universities[n % len(universities)], n)
            for n in range(c["students"])
        ],
        "students",
    )
    programs = _bulk(
        Program,
        [Program(name=f"Program {n}", code=f"P{n:02d}", description=_words(rng, 20)) for n in range(c["programs"])],
        "programs",
    )

    tasks = []
    for n in range(c["tasks"]):
        start = datetime.date(2018, 1, 1) + datetime.timedelta(days=rng.randrange(0, 2900))
        tasks.append(
            ResearchTask(
                number=f"{3000 + n // 1000:04d}.{n % 1000:03d}",
                title=f"Research on {_words(rng, 5)}",
                abstract=_words(rng, 60),
                program=programs[n % len(programs)],
                university=universities[n % len(universities)],
                start=start,
                end=start + datetime.timedelta(days=rng.choice([365, 730, 1095])),
                status=rng.choice(["proposed", "active", "active", "active", "completed", "cancelled"]),
                confidential=n % 10 == 0,
            )
        )
    tasks = _bulk(ResearchTask, tasks, "tasks")
    pis = ResearchTask.principal_investigators.through
    studs = ResearchTask.students.through
    liaisons = ResearchTask.liaisons.through
    sponsors = ResearchTask.sponsors.through
    _bulk(pis, [pis(researchtask=t, user=faculty[i % len(faculty)]) for i, t in enumerate(tasks)], "task PIs")
    _bulk(
        studs,
        [
            studs(researchtask=t, user=students[(2 * i + k) % len(students)])
            for i, t in enumerate(tasks)
            for k in (0, 1)
        ],
        "task students",
    )
    # The member token's person (members[0]) is a liaison of many tasks, like a busy real liaison.
    _bulk(liaisons, [liaisons(researchtask=t, user=members[i % 50]) for i, t in enumerate(tasks)], "task liaisons")
    _bulk(
        sponsors,
        [
            sponsors(researchtask=t, organisation=companies[(i + k) % len(companies)])
            for i, t in enumerate(tasks)
            for k in range(3)
        ],
        "task sponsors",
    )

    deliverables = []
    for t in tasks:
        for k in range(c["deliverables_per_task"]):
            due = t.start + datetime.timedelta(days=90 * (k + 1))
            submitted = due < today and rng.random() < 0.8
            status = rng.choice(["submitted", "accepted", "accepted"]) if submitted else "planned"
            at = deadline_for(due) - datetime.timedelta(days=rng.randrange(-5, 20))
            deliverables.append(
                Deliverable(
                    task=t,
                    title=f"{['Annual report', 'Software release', 'Data set', 'Thesis chapter'][k % 4]} {k + 1}",
                    kind=["report", "software", "data", "thesis"][k % 4],
                    original_due_on=due,
                    due_on=due,
                    deadline_at=deadline_for(due),
                    status=status,
                    submitted_at=at if submitted else None,
                    submitted_late=submitted and at > deadline_for(due),
                    accepted_at=at + datetime.timedelta(days=7) if status == "accepted" else None,
                )
            )
    _bulk(Deliverable, deliverables, "deliverables")

    publications = []
    for n in range(c["publications"]):
        year = 2005 + n % 21
        access = ["public", "public", "members", "members", "sponsors"][n % 5]
        embargoed = n % 23 == 0
        publications.append(
            Publication(
                title=f"{_words(rng, 3).capitalize()} of {_words(rng, 4)} ({n})",
                kind=KINDS_PUB[n % len(KINDS_PUB)],
                abstract=_words(rng, 80),
                year=year,
                published_on=datetime.date(year, 1 + n % 12, 1 + n % 28),
                doi=f"10.5555/bench.{n}" if n % 8 else None,
                keywords="; ".join(sorted({rng.choice(WORDS).lower() for _ in range(3)})),
                venue=rng.choice(VENUES),
                access="members" if embargoed else access,
                embargo_until=today + datetime.timedelta(days=30 + n % 300) if embargoed else None,
                embargo_reason="Patent filing" if embargoed else "",
            )
        )
    publications = _bulk(Publication, publications, "publications")
    authors = []
    for i, p in enumerate(publications):
        authors.append(Author(publication=p, position=1, person=faculty[i % len(faculty)], name=f"Given{i} Faculty"))
        authors.append(Author(publication=p, position=2, person=students[i % len(students)], name=f"Given{i} Student"))
        authors.append(Author(publication=p, position=3, name=f"A. {_words(rng, 1).capitalize()}", orcid=""))
    _bulk(Author, authors, "authors")
    print(f"  {search.rebuild():>7} search words (what the services would have written)", flush=True)
    links = Publication.tasks.through
    _bulk(
        links,
        [links(publication=p, researchtask=tasks[i % len(tasks)]) for i, p in enumerate(publications)],
        "pub tasks",
    )
    pub_files = []
    for i, p in enumerate(publications):
        if i % 5 == 0:
            name = SMALL_FILES[i % len(SMALL_FILES)]
            size, sha = files[name]
            pub_files.append(
                PublicationFile(
                    publication=p,
                    file=name,
                    original_name=f"paper-{i}.pdf",
                    content_type="application/pdf",
                    size=size,
                    sha256=sha,
                    uploaded_by=staff[0],
                )
            )
    # The download scenario's file: on the first public publication, the only 5 MB one.
    size, sha = files[BIG_FILE]
    first_public = next(p for p in publications if p.access == "public" and p.embargo_until is None)
    pub_files.append(
        PublicationFile(
            publication=first_public,
            file=BIG_FILE,
            original_name="bench-5mb.pdf",
            content_type="application/pdf",
            size=size,
            sha256=sha,
            uploaded_by=staff[0],
        )
    )
    pub_files = _bulk(PublicationFile, pub_files, "publication files")

    events = []
    for n in range(c["events"]):
        starts = now + datetime.timedelta(days=n - 250, hours=n % 8)
        events.append(
            Event(
                kind=["conference", "review", "webinar", "workshop"][n % 4],
                title=f"{['Annual conference', 'Review', 'Webinar', 'Workshop'][n % 4]} on {_words(rng, 3)}",
                description=_words(rng, 40),
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=6),
                location="Westbridge campus",
                audience="members" if n % 3 else "public",
                capacity=None if n % 2 else 200,
                status="published",
            )
        )
    events = _bulk(Event, events, "events")
    registrations = []
    for i, e in enumerate(events):
        for k in range(c["registrations_per_event"]):
            who = members[(i * 7 + k * 13) % len(members)]
            registrations.append(
                Registration(
                    event=e,
                    person=who,
                    company=who.organisation,
                    status="confirmed",
                    confirmed_at=e.starts_at - datetime.timedelta(days=10),
                    created_at=e.starts_at - datetime.timedelta(days=10),
                )
            )
    _bulk(Registration, registrations, "registrations")

    downloads = []
    for n in range(c["downloads"]):
        f = pub_files[n % len(pub_files)]
        who = members[n % len(members)] if n % 3 else None
        downloads.append(
            DownloadRecord(
                at=now - datetime.timedelta(minutes=7 * n),
                user=who,
                organisation_id=who.organisation_id if who else None,
                organisation_name=f"Member Company {who.organisation_id}" if who else "",
                via="session" if who else "anonymous",
                client_ip="127.0.0.1",
                target_type=PublicationFile._meta.label_lower,
                target_id=str(f.pk),
                file_name=f.original_name,
                size=f.size,
            )
        )
    _bulk(DownloadRecord, downloads, "download records")

    skills = _bulk(Skill, [Skill(name=w, key=w.lower()) for w in dict.fromkeys(WORDS)][: c["skills"]], "skills")
    profiles = []
    for i, s in enumerate(students):
        graduation = datetime.date(today.year + i % 3, 1 + i % 12, 1)
        profiles.append(
            StudentProfile(
                user=s,
                degree=DEGREES[i % len(DEGREES)],
                field=FIELDS[i % len(FIELDS)],
                expected_graduation=graduation,
                research_interests=_words(rng, 10),
                summary=_words(rng, 30),
                links=[f"https://github.com/student{i}"],
                sharing=i % 2 == 0,
                share_with_all=i % 4 == 0,
                consent_changed_at=now if i % 2 == 0 else None,
                visible_until=graduation + datetime.timedelta(days=365),
            )
        )
    profiles = _bulk(StudentProfile, profiles, "student profiles")
    _bulk(
        ProfileSkill,
        [
            ProfileSkill(profile=p, skill=skills[(i + k * 7) % len(skills)])
            for i, p in enumerate(profiles)
            for k in range(3)
        ],
        "profile skills",
    )


def _applied_migrations() -> set:
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    return set(recorder.applied_migrations()) if recorder.has_table() else set()


def _vacuum(connection) -> None:
    with connection.cursor() as cursor:
        # Fresh planner statistics and visibility maps (index-only scans), as autovacuum keeps a
        # long-lived production database.
        cursor.execute("VACUUM ANALYZE")


def ensure(url: str | None = None, *, rebuild: bool = False) -> float | None:
    """Build the dataset unless the database already holds this version; the seconds it took, or None."""
    from django.core.management import call_command
    from django.db import connection, transaction

    url = url or database_url()
    applied = _applied_migrations()
    call_command("migrate", "--noinput", verbosity=0)
    if not rebuild and built_version() == VERSION:
        _files()  # the media dir may have been cleaned (var/) while the database kept its rows
        if _applied_migrations() != applied:  # one may have rewritten rows (0008 of publications: 1.1 M)
            _vacuum(connection)
        print(f"bench dataset version {VERSION} already in {connection.settings_dict['NAME']}: reused")
        return None
    started = time.monotonic()
    print(f"building the bench dataset (version {VERSION}) in {connection.settings_dict['NAME']} ...", flush=True)
    with transaction.atomic():
        _wipe()
        build()
    _vacuum(connection)
    seconds = time.monotonic() - started
    _mark(seconds)
    print(f"bench dataset built in {seconds:.0f} s")
    return seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dataset", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="drop the rows and build again")
    args = parser.parse_args(argv)
    url = database_url()
    ensure_database(url)
    _setup_django(url)
    ensure(url, rebuild=args.rebuild)
    return 0


if __name__ == "__main__":
    sys.exit(main())
