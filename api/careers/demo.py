"""Demo data for careers: a few hundred student profiles in every state, recruiters, company admins.

Run by `manage.py seed_demo` after the accounts demo (INSTALLED_APPS order), whose organisations,
people and password it uses. It adds:

- 300 students spread over the demo universities (student001@westbridge.example.edu, …), each in
  one state: no profile at all, a profile not shared, shared with every member company, shared
  with a chosen list of companies, withdrawn after sharing, expired (graduated long ago, never
  renewed), expired but renewed (visible again), graduating within three months, and a
  deactivated account whose profile is still marked shared (it must stay invisible). Degrees,
  fields, universities, skills, summaries and interests vary; about 60% have a CV.
- A rich profile for the well-known demo student (student1@westbridge.example.edu): shared with
  every member company, a CV, and views from three companies, for people trying the demo.
- A recruiter and a company admin for every active member company (recruiter@<company> and
  admin@<company>.example.com); the inactive member company (Obsidian) keeps a recruiter flag
  from before its membership lapsed, and must see nothing.

Everything goes through the services (api.accounts.services, api.careers.services), so consent
records, visibility dates, CV checks and the audit trail are the real ones; each student's own
acts (profile, consent, CV, renewal) are recorded as theirs. Dates are relative to the day the demo
is loaded (expired profiles graduated 8 to 30 months ago), so every state exists on any day; the
consent and renewal records are all dated "now", as the services date them.

Idempotent: people are found by email and only the missing ones are created (a student who exists
is left as they are, whatever they did in the demo since); the well-known student's profile, CV
and views are each created only when missing. Every choice about a generated student comes from a
random generator seeded with their number, and a CV's bytes are a function of the student, so a
rebuilt demo is the same demo. The seed runs in one transaction (seed_demo): if it fails after
CVs were stored, those files stay in MEDIA_ROOT as orphans (harmless; the database never names
them).

Speed: the passwords of the people created here are one hash of the demo password, computed once
and set in one update (person_create creates them without one; the audit trail is the same):
hashing it 300 times with PBKDF2 would take minutes. The rest goes student by student through the
services (about 35 queries each, a few seconds on SQLite). The CAREERS_DEMO_STUDENTS setting, when
set, replaces the 300 (e.g. in tests); the first nine students take one state each, so any number
of nine or more has every state.
"""

import datetime
import random

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from api.accounts import services as accounts
from api.accounts.demo import DEMO_PASSWORD
from api.accounts.models import Organisation, User
from api.careers import services
from api.careers.models import CurriculumVitae, Degree, ProfileView, StudentProfile
from api.core.files.uploads import check_upload
from api.core.request_context import acting_as
from api.research.demo import demo_pdf

STAFF = "staff@wafer.example"
WELL_KNOWN = "student1@westbridge.example.edu"
COUNT = 300  # generated students; see student_count()

UNIVERSITIES = [  # short name, email domain
    ("Westbridge", "westbridge.example.edu"),
    ("EIT", "eastlake.example.edu"),
    ("Carrow", "carrow.example.edu"),
]

# Per member company: (short name, domain). Obsidian is the inactive one in the accounts demo.
COMPANIES = [
    ("Aster", "aster.example.com"),
    ("Helix", "helix.example.com"),
    ("Northwind", "northwind.example.com"),
    ("Quanta", "quanta.example.com"),
]
INACTIVE_COMPANY = ("Obsidian", "obsidian.example.com")
NEW_PEOPLE = {  # email: (given, family, title); recruiter@aster.example.com comes from the accounts demo
    "admin@aster.example.com": ("Grace", "Mwangi", "Engineering director"),
    "admin@helix.example.com": ("Lukas", "Brandt", "Head of university relations"),
    "recruiter@helix.example.com": ("Nadia", "Farouk", "Talent acquisition partner"),
    "admin@northwind.example.com": ("Olivia", "Brooks", "R&D operations manager"),
    "recruiter@northwind.example.com": ("Ravi", "Menon", "Technical recruiter"),
    "admin@quanta.example.com": ("Chen", "Wei", "Site manager"),
    "recruiter@quanta.example.com": ("Ines", "Carvalho", "Campus recruiting lead"),
    "recruiter@obsidian.example.com": ("Marcus", "Webb", "Recruiter (membership lapsed)"),
}

# The states of the generated students and how many of each (300 in all). "soon": sharing, and
# graduating within three months; "expired" and "renewed" graduated 8 to 30 months ago.
STATES = [
    ("no_profile", 25),
    ("private", 40),
    ("shared_all", 75),
    ("shared_chosen", 60),
    ("withdrawn", 20),
    ("expired", 25),
    ("renewed", 15),
    ("soon", 30),
    ("deactivated", 10),
]
SHARING = {"shared_all", "shared_chosen", "withdrawn", "expired", "renewed", "soon", "deactivated"}
CV_SHARE = 0.6

GIVEN = [
    "Aarav", "Abena", "Adrian", "Amelia", "Ana", "Anders", "Bilal", "Camila", "Chloe", "Daniel", "Dmitri", "Elif",
    "Emma", "Farah", "Felix", "Hana", "Hiroshi", "Ifeoma", "Isabel", "Jakub", "Jia", "Julian", "Kavya", "Kofi",
    "Lara", "Leon", "Lucia", "Mateo", "Maya", "Mohammed", "Nia", "Noah", "Olga", "Omar", "Paolo", "Rania", "Rohan",
    "Sara", "Sebastian", "Sina", "Tariq", "Thandiwe", "Valentina", "Wei", "Yara", "Yusuf", "Zainab", "Zoe",
]  # fmt: skip
FAMILY = [
    "Abdi", "Alvarez", "Andersen", "Bakker", "Bose", "Castillo", "Chowdhury", "Dubois", "Eriksson", "Fernandes",
    "Fischer", "Gupta", "Haddad", "Hoang", "Ibrahim", "Ivanova", "Jensen", "Kim", "Kowalski", "Kumar", "Larsen",
    "Mensah", "Moreau", "Müller", "Nakamura", "Ng", "Nilsson", "Oyelaran", "Park", "Petrov", "Quinn", "Rahman",
    "Rossi", "Santos", "Schmidt", "Shah", "Silva", "Suzuki", "Tan", "Toure", "Varga", "Wang", "Yilmaz", "Zhou",
]  # fmt: skip

# A semiconductor-research vocabulary, by area.
SKILLS = {
    "litho": ["EUV lithography", "Photoresist chemistry", "Optical proximity correction", "Computational lithography",
              "Directed self-assembly", "Electron-beam lithography", "Mask 3D effects"],
    "process": ["Plasma etch", "Atomic layer deposition", "CVD", "CMP", "Wet cleaning", "Cleanroom fabrication",
                "Thin films", "Ion implantation"],
    "metrology": ["Metrology", "CD-SEM", "Scatterometry", "X-ray diffraction", "TEM", "AFM", "Ellipsometry",
                  "Overlay metrology", "Atom probe tomography"],
    "devices": ["TCAD", "Sentaurus", "Device physics", "Compact modeling", "SPICE", "FeRAM", "MRAM", "RRAM",
                "Reliability testing"],
    "design": ["Verilog", "SystemVerilog", "VHDL", "Analog circuit design", "Cadence Virtuoso", "Physical design",
               "FPGA"],
    "packaging": ["Hybrid bonding", "Chiplets", "Thermal simulation", "Finite element analysis", "COMSOL"],
    "computing": ["Python", "MATLAB", "C++", "Machine learning", "PyTorch", "Statistical process control",
                  "Design of experiments", "Data analysis", "Image processing"],
}  # fmt: skip

# field: (skill areas, research topics, the kind of work sought)
FIELDS = {
    "Electrical Engineering": (
        ["devices", "design", "computing"],
        ["spin-orbit torque MRAM switching", "gate-all-around transistor variability", "in-memory computing with "
         "analog RRAM", "compact models for FeFET arrays", "low-power SRAM design"],
        "device and circuit R&D",
    ),
    "Computer Engineering": (
        ["design", "computing"],
        ["hardware accelerators for machine learning", "chiplet interconnect protocols", "design-technology "
         "co-optimisation", "FPGA prototyping of memory controllers"],
        "digital design and verification",
    ),
    "Materials Science and Engineering": (
        ["process", "metrology", "litho"],
        ["ferroelectric hafnia capacitors", "metal-oxide resists for high-NA EUV", "atomic layer deposition of "
         "2D materials", "electromigration in fine-pitch interconnects", "pellicle materials under EUV exposure"],
        "process development and integration",
    ),
    "Chemical Engineering": (
        ["litho", "process"],
        ["stochastic defects in EUV resists", "CMP of cobalt and ruthenium interconnects", "dry resist deposition "
         "chemistry", "plasma etch of high-aspect-ratio features"],
        "process engineering",
    ),
    "Physics": (
        ["metrology", "devices", "computing"],
        ["X-ray scatterometry of gate-all-around stacks", "overlay metrology on device structures", "CD-SEM "
         "charging and shrinkage", "atom probe tomography of memory cells"],
        "metrology and characterisation",
    ),
    "Mechanical Engineering": (
        ["packaging", "computing"],
        ["hybrid bonding at sub-micron pitch", "thermal management of chiplet stacks", "warpage of fan-out panels",
         "underfill voids and reliability"],
        "advanced packaging",
    ),
    "Chemistry": (
        ["litho", "process", "metrology"],
        ["photoacid generators for EUV resists", "selective area deposition", "wet cleaning chemistries for "
         "advanced nodes", "surface chemistry of atomic layer etch"],
        "materials and chemistry R&D",
    ),
}  # fmt: skip

# degree: (share of students in tenths, months to graduation in normal states, how the summary opens)
DEGREES = {
    Degree.BS: (3, (4, 24), "Undergraduate in {field} at {university}, lab assistant on {topic}."),
    Degree.MS: (3, (4, 20), "Master's student in {field} at {university}; thesis on {topic}."),
    Degree.PHD: (3, (4, 42), "PhD candidate in {field} at {university}, researching {topic}."),
    Degree.POSTDOC: (1, (4, 24), "Postdoctoral researcher at {university} working on {topic} ({field})."),
}
TITLES = {Degree.BS: "BS student", Degree.MS: "MS student", Degree.PHD: "PhD candidate",
          Degree.POSTDOC: "Postdoctoral researcher"}  # fmt: skip
SEEKING = {
    Degree.BS: "Looking for an internship or a first engineering role in {work}.",
    Degree.MS: "Looking for an engineering role in {work}.",
    Degree.PHD: "Looking for a research position in {work}.",
    Degree.POSTDOC: "Open to senior research roles in {work}; mentors students in the lab.",
}


def _months_from_today(months: int) -> datetime.date:
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def student_count() -> int:
    """How many students to generate: COUNT, or the CAREERS_DEMO_STUDENTS setting (tests may want fewer)."""
    return getattr(settings, "CAREERS_DEMO_STUDENTS", COUNT)


def _states(count: int) -> list[str]:
    """Each generated student's state by number (1-based; index 0 unused). The first students take one
    state each, so every state exists however few are generated; the rest are shuffled so
    universities and degrees mix."""
    rest = [state for state, how_many in STATES for _ in range(how_many - 1)]
    random.Random("wafer-careers-states").shuffle(rest)  # noqa: S311 (demo data, not a secret)
    order = [state for state, _ in STATES] + rest
    return ["", *(order[index % len(order)] for index in range(count))]


def _set_demo_password(pks: list[int]) -> None:
    """One hash of the demo password for everyone created here (see the module docstring): person_create
    left them without a usable password."""
    if pks:
        User.objects.filter(pk__in=pks).update(password=make_password(DEMO_PASSWORD))


def _student_spec(number: int, state: str, universities: dict, companies: list) -> dict:
    """Everything about generated student `number` (1-based): a pure function of the number and the state."""
    rng = random.Random(f"wafer-careers-student-{number}")  # noqa: S311 (demo data, not a secret)
    short, domain = UNIVERSITIES[number % len(UNIVERSITIES)]
    degree = rng.choices(list(DEGREES), weights=[share for share, _, _ in DEGREES.values()])[0]
    field = rng.choice(sorted(FIELDS))
    areas, topics, work = FIELDS[field]
    pool = sorted({skill for area in areas for skill in SKILLS[area]})
    skills = rng.sample(pool, rng.randint(3, min(9, len(pool))))
    if "Python" not in skills and rng.random() < 0.5:
        skills.append("Python")
    chosen_topics = rng.sample(topics, min(len(topics), rng.randint(1, 3)))
    low, high = DEGREES[degree][1]
    months = {"expired": (-30, -8), "renewed": (-30, -8), "soon": (1, 3)}.get(state, (low, high))
    university = universities[short]
    summary = " ".join([
        DEGREES[degree][2].format(field=field, university=university.name, topic=chosen_topics[0]),
        f"Hands-on with {', '.join(skills[:2])} and {skills[2]}.",
        SEEKING[degree].format(work=work),
    ])  # fmt: skip
    given = GIVEN[(number * 7) % len(GIVEN)]
    family = FAMILY[(number * 11 + number // len(FAMILY)) % len(FAMILY)]
    share_all = state == "shared_all" or (state in SHARING - {"shared_chosen"} and rng.random() < 0.6)
    return {
        "email": f"student{number:03d}@{domain}",
        "given_name": given,
        "family_name": family,
        "title": TITLES[degree],
        "organisation": university,
        "state": state,
        "profile": {
            "degree": degree,
            "field": field,
            "expected_graduation": _months_from_today(rng.randint(*months)),
            "research_interests": "; ".join(t[0].upper() + t[1:] for t in chosen_topics),
            "summary": summary,
            "links": [f"https://{domain}/~student{number:03d}"] if rng.random() < 0.4 else [],
            "skills": skills,
        },
        "share_with_all": share_all,
        "companies": [] if share_all else rng.sample(companies, rng.randint(1, min(3, len(companies)))),
        "cv": rng.random() < CV_SHARE,
    }


def _cv(user: User, profile: StudentProfile, skills: list[str]):
    """A one-page PDF naming the student: the same bytes for the same student on every run."""
    content = demo_pdf(
        user.full_name,
        f"{profile.get_degree_display()}, {profile.field}, {user.organisation.name}",
        f"Expected graduation: {profile.expected_graduation:%B %Y}",
        f"Skills: {', '.join(skills)}",
        f"Research interests: {profile.research_interests}"[:110],
        "Demo data generated by Wafer's seed_demo.",
    )
    name = f"CV {user.given_name} {user.family_name}.pdf"
    return check_upload(SimpleUploadedFile(name, content, "application/pdf"))


def _play(user: User, spec: dict, staff: User | None) -> None:
    """Take a fresh student through their state, as they (and, for the deactivation, staff) would."""
    state = spec["state"]
    with acting_as(user, via="command"):
        profile, _ = services.profile_save(user=user, **spec["profile"])
        if spec["cv"]:
            services.cv_upload(profile=profile, upload=_cv(user, profile, spec["profile"]["skills"]), uploaded_by=user)
        if state in SHARING:
            services.consent_set(
                profile=profile, sharing=True, share_with_all=spec["share_with_all"], companies=spec["companies"]
            )
        if state == "withdrawn":
            services.consent_set(profile=profile, sharing=False)
        if state == "renewed":
            services.profile_renew(profile=profile)
    if state == "deactivated":
        with acting_as(staff, via="command"):
            accounts.person_update(person=user, is_active=False)


def _students(log, staff: User | None) -> None:
    universities = {u.short_name: u for u in Organisation.objects.filter(kind=Organisation.Kind.UNIVERSITY)}
    companies = list(
        Organisation.objects.filter(kind=Organisation.Kind.MEMBER, active=True).order_by("name", "id")
    )  # fmt: skip
    if not companies or any(short not in universities for short, _ in UNIVERSITIES):
        return  # without the accounts demo there is nobody to make students for
    count = student_count()
    states = _states(count)
    emails = {number: f"student{number:03d}@{UNIVERSITIES[number % len(UNIVERSITIES)][1]}"
              for number in range(1, count + 1)}  # fmt: skip
    existing = set(User.objects.filter(email__in=emails.values()).values_list("email", flat=True))
    missing = [number for number, email in emails.items() if email not in existing]
    if not missing:
        return
    created = []
    for number in missing:
        spec = _student_spec(number, states[number], universities, companies)
        with acting_as(staff, via="command"):
            user = accounts.person_create(
                email=spec["email"],
                given_name=spec["given_name"],
                family_name=spec["family_name"],
                role=User.Role.STUDENT,
                organisation=spec["organisation"],
                title=spec["title"],
            )
        created.append(user.pk)
        if spec["state"] != "no_profile":
            _play(user, spec, staff)
    _set_demo_password(created)
    log(f"created {len(created)} demo students with career profiles in every state")


def _well_known(log, companies: dict) -> None:
    """student1@westbridge: a rich profile shared with every member company, a CV, and views."""
    user = User.objects.filter(email=WELL_KNOWN, role=User.Role.STUDENT).select_related("organisation").first()
    if user is None:
        return
    skills = ["EUV lithography", "Photoresist chemistry", "Python", "Machine learning", "TCAD", "CD-SEM",
              "Plasma etch", "Design of experiments", "Computational lithography", "Metrology"]  # fmt: skip
    with acting_as(user, via="command"):
        profile = StudentProfile.objects.filter(user=user).first()
        if profile is None:
            profile, _ = services.profile_save(
                user=user,
                degree=Degree.PHD,
                field="Electrical Engineering",
                expected_graduation=_months_from_today(8),
                research_interests="Stochastic defects in EUV resists; machine-learned optical proximity "
                "correction; line-edge roughness transfer in etch",
                summary="PhD candidate in Professor Chen's lithography group at the University of Westbridge. "
                "I model and measure stochastic defects in EUV photoresists, from exposure simulation to "
                "CD-SEM metrology, and build machine-learning models that predict failures before the wafer "
                "is etched. Three conference papers, one journal article; mentor of two undergraduates. "
                "Looking for a lithography or patterning R&D role from next autumn.",
                links=["https://westbridge.example.edu/~akhan", "https://github.example.com/aisha-khan"],
                skills=skills,
            )
            profile = services.consent_set(profile=profile, sharing=True, share_with_all=True)
            log(f"created the career profile of {WELL_KNOWN}")
        if not CurriculumVitae.objects.filter(profile=profile).exists():
            services.cv_upload(profile=profile, upload=_cv(user, profile, skills), uploaded_by=user)
            log(f"uploaded the CV of {WELL_KNOWN}")
    if ProfileView.objects.filter(profile=profile).exists():
        return
    # Three companies looked: Aster at the profile and the CV, Helix at the profile, Northwind
    # received it in a resume book. Only visible profiles are logged, as the API would.
    looks = [("Aster", [ProfileView.Kind.PROFILE, ProfileView.Kind.CV, ProfileView.Kind.PROFILE]),
             ("Helix", [ProfileView.Kind.PROFILE]), ("Northwind", [ProfileView.Kind.RESUME_BOOK])]  # fmt: skip
    active_recruiters = User.objects.filter(is_recruiter=True, is_active=True, organisation__in=companies.values())
    recruiters = {u.organisation.short_name: u for u in active_recruiters.select_related("organisation")}
    views = 0
    for short, kinds in looks:
        viewer = recruiters.get(short)
        if viewer is not None and profile.sharing:
            for kind in kinds:
                services.view_record(profiles=[profile], kind=kind, viewer=viewer)
                views += 1
    if views:
        log(f"recorded {views} company views of {WELL_KNOWN}")


def _company_people(log, staff: User | None) -> dict:
    """A company admin and a recruiter for every active member company; a lapsed recruiter at the inactive one."""
    by_short = {o.short_name: o for o in Organisation.objects.filter(kind=Organisation.Kind.MEMBER)}
    people = {u.email: u for u in User.objects.filter(email__in=[*NEW_PEOPLE, "recruiter@aster.example.com"])}
    created = []
    for short, domain in [*COMPANIES, INACTIVE_COMPANY]:
        company = by_short.get(short)
        if company is None:
            continue
        admin_email, recruiter_email = f"admin@{domain}", f"recruiter@{domain}"
        for email in (admin_email, recruiter_email):
            if email in people or email not in NEW_PEOPLE:
                continue
            given, family, title = NEW_PEOPLE[email]
            with acting_as(staff, via="command"):
                people[email] = accounts.person_create(
                    email=email,
                    given_name=given,
                    family_name=family,
                    role=User.Role.MEMBER,
                    organisation=company,
                    title=title,
                    is_company_admin=email == admin_email,
                    # The inactive company's recruiter was marked before its membership lapsed:
                    # recruiter_set refuses people of an inactive company, so the flag is set here.
                    is_recruiter=not company.active and email == recruiter_email,
                )
            created.append(people[email].pk)
            log(f"created person {email}")
        recruiter = people.get(recruiter_email)
        if company.active and recruiter is not None and not recruiter.is_recruiter:
            # The company admin marks their recruiter, as they would through the API.
            with acting_as(people.get(admin_email) or staff, via="command"):
                services.recruiter_set(person=recruiter, recruiter=True)
            log(f"marked {recruiter_email} as a recruiter")
    _set_demo_password(created)
    return {short: by_short[short] for short, _ in COMPANIES if short in by_short}


def seed(log) -> list[tuple[str, str]]:
    """Creates what is missing; returns the careers sign-ins (student, recruiter, company admin)."""
    staff = User.objects.filter(email=STAFF).first()
    companies = _company_people(log, staff)
    _well_known(log, companies)
    _students(log, staff)
    sign_ins = []
    if User.objects.filter(email=WELL_KNOWN).exists():
        sign_ins.append((WELL_KNOWN, "careers: a student's profile shared with every company, a CV, company views"))
    if "Aster" in companies:
        sign_ins += [
            ("recruiter@aster.example.com", "careers: recruiter at Aster Microdevices (searches student profiles)"),
            ("admin@aster.example.com", "careers: company admin at Aster Microdevices (manages its recruiters)"),
        ]
    return sign_ins
