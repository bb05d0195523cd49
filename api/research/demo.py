"""Demo data for research: programs, tasks at the demo universities, deliverables in every state.

Run by `manage.py seed_demo` after api.accounts.demo (whose people and organisations it uses).
Idempotent: programs are found by code, tasks by number, deliverables by task and title; only
what is missing is created. Everything goes through api.research.services, so deadlines, late
flags, report versions and the audit trail are the real ones. Due dates are relative to the day
the demo is loaded: reports are submitted "now", so a deliverable created with a past due date
and then submitted is late, one due in the future is on time.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from api.accounts.models import Organisation, User
from api.core.files.uploads import check_upload
from api.core.request_context import acting_as
from api.research import services
from api.research.deadlines import today
from api.research.models import Program, ResearchTask

PROGRAMS = [
    # code, name, description
    ("LITH", "Lithography", "Patterning below 10 nm: EUV resists, stochastic defects, computational lithography."),
    ("MEM", "Memory", "Emerging non-volatile memory: ferroelectric, resistive and magnetic devices."),
    ("PKG", "Packaging", "Heterogeneous integration: hybrid bonding, chiplets, thermal management."),
    ("MET", "Metrology", "Measuring what we make: overlay, CD-SEM, X-ray and optical metrology."),
]

STAFF = "staff@wafer.example"
UNIVERSITIES = {  # short name: (faculty, students)
    "Westbridge": (
        ["chen@westbridge.example.edu"],
        ["student1@westbridge.example.edu", "student2@westbridge.example.edu"],
    ),
    "EIT": (["garcia@eastlake.example.edu"], ["student@eastlake.example.edu"]),
    "Carrow": (["obrien@carrow.example.edu"], ["student@carrow.example.edu"]),
}
LIAISONS = {  # sponsor: its liaison (Obsidian, an inactive member, sends none)
    "Aster": "liaison@aster.example.com",
    "Helix": "liaison@helix.example.com",
    "Northwind": "liaison@northwind.example.com",
    "Quanta": "liaison@quanta.example.com",
}
CO_PI = {"3161.003": "garcia@eastlake.example.edu", "3173.001": "obrien@carrow.example.edu"}

TASKS = [
    # number, program, university, title, status, confidential, sponsors (short names)
    ("3161.001", "LITH", "Westbridge", "Stochastic defects in EUV resists", "active", False, ["Aster", "Northwind"]),
    ("3161.002", "LITH", "EIT", "Metal-oxide resists for high-NA EUV", "active", True, ["Northwind"]),
    ("3161.003", "LITH", "Westbridge", "Machine-learned optical proximity correction", "active", False, ["Aster"]),
    ("3161.004", "LITH", "Carrow", "Directed self-assembly for contact holes", "completed", False, ["Helix"]),
    ("3161.005", "LITH", "EIT", "Pellicle materials under EUV exposure", "active", False, ["Northwind", "Helix"]),
    ("3161.006", "LITH", "Carrow", "Dry resist deposition chemistry", "proposed", False, ["Northwind"]),
    ("3161.007", "LITH", "Westbridge", "Line-edge roughness transfer in etch", "cancelled", False, ["Aster"]),
    ("3161.008", "LITH", "EIT", "Mask 3D effects at high NA", "active", False, ["Aster", "Helix"]),
    ("3172.001", "MEM", "EIT", "Ferroelectric hafnia capacitors for FeRAM", "active", False, ["Quanta"]),
    (
        "3172.002",
        "MEM",
        "Carrow",
        "Retention of resistive RAM at high temperature",
        "active",
        True,
        ["Quanta", "Aster"],
    ),
    ("3172.003", "MEM", "Westbridge", "Spin-orbit torque MRAM switching", "active", False, ["Quanta"]),
    ("3172.004", "MEM", "EIT", "Selector devices for 3D cross-point arrays", "completed", False, ["Quanta", "Helix"]),
    ("3172.005", "MEM", "Carrow", "In-memory computing with analog RRAM", "active", False, ["Obsidian"]),
    ("3172.006", "MEM", "Westbridge", "Endurance models for phase-change memory", "cancelled", False, ["Quanta"]),
    ("3172.007", "MEM", "EIT", "Oxide semiconductor channels for 3D DRAM", "proposed", True, ["Quanta"]),
    ("3172.008", "MEM", "Westbridge", "Compact models for FeFET arrays", "active", False, ["Aster"]),
    ("3173.001", "PKG", "Westbridge", "Hybrid bonding at sub-micron pitch", "active", False, ["Helix", "Aster"]),
    ("3173.002", "PKG", "Carrow", "Thermal interface materials for chiplet stacks", "active", False, ["Helix"]),
    ("3173.003", "PKG", "EIT", "Warpage of fan-out panels", "completed", False, ["Helix"]),
    ("3173.004", "PKG", "Carrow", "Glass core substrates", "active", True, ["Helix", "Northwind"]),
    (
        "3173.005",
        "PKG",
        "Westbridge",
        "Electromigration in fine-pitch redistribution layers",
        "active",
        False,
        ["Aster"],
    ),
    ("3173.006", "PKG", "EIT", "Co-packaged optics alignment", "proposed", False, ["Northwind"]),
    ("3173.007", "PKG", "Carrow", "Underfill voids and reliability", "completed", False, ["Helix"]),
    ("3174.001", "MET", "Carrow", "Overlay metrology on device structures", "active", False, ["Northwind"]),
    ("3174.002", "MET", "Westbridge", "CD-SEM charging and shrinkage", "active", False, ["Aster", "Northwind"]),
    ("3174.003", "MET", "EIT", "X-ray scatterometry of gate-all-around stacks", "active", True, ["Helix"]),
    (
        "3174.004",
        "MET",
        "Carrow",
        "Hybrid metrology with machine learning",
        "completed",
        False,
        ["Northwind", "Quanta"],
    ),
    ("3174.005", "MET", "Westbridge", "Buried defect inspection in bonded wafers", "cancelled", False, ["Helix"]),
    ("3174.006", "MET", "EIT", "Atom probe tomography of memory cells", "active", False, ["Quanta"]),
    ("3174.007", "MET", "Westbridge", "In-line film stress measurement", "proposed", False, ["Aster"]),
]

# What happens to a deliverable: (scenario, days from today to its (first) due date). Scenarios:
#   planned: nothing yet; overdue: planned, due date passed; on_time / late: submitted before /
#   after the deadline; accepted / accepted_late: submitted and accepted; revision: a revision
#   requested; resubmitted: revised and submitted again (two versions); skipped: with a reason;
#   extended: a later due date with a reason, still planned; extended_submitted: extended, then
#   submitted before the new deadline.
ACTIVE_CYCLE = [
    ("accepted_late", -300),
    ("accepted", 150),
    ("late", -60),
    ("overdue", -12),
    ("planned", 5),
    ("planned", 120),
    ("on_time", 30),
    ("revision", -90),
    ("skipped", -150),
    ("extended", -10),
    ("overdue", -3),
    ("planned", 12),
    ("resubmitted", -200),
    ("extended_submitted", -40),
    ("accepted", 60),
    ("planned", 200),
    ("on_time", 8),
    ("extended", 20),
    ("accepted_late", -120),
    ("planned", 45),
]
PER_ACTIVE_TASK = 4
COMPLETED = [("accepted_late", -500), ("accepted_late", -300), ("skipped", -200), ("accepted_late", -90)]
CANCELLED = [("accepted_late", -400), ("skipped", -100), ("skipped", 60)]
PROPOSED = [("planned", 150), ("planned", 330)]

TITLES = [  # title, kind: a task's deliverables take these in due-date order
    ("Kick-off presentation", "presentation"),
    ("Literature review", "report"),
    ("Interim progress report", "report"),
    ("Annual report", "report"),
    ("Measurement dataset", "data"),
    ("Conference paper", "publication"),
    ("Simulation code release", "software"),
    ("PhD thesis chapter", "thesis"),
]
REASONS = {
    "skipped": "Merged into the annual report at the sponsors' request.",
    "cancelled": "The task was cancelled; nothing more is owed.",
    "extended": "Tool downtime at the university cleanroom delayed the experiments.",
    "revision": "Please add the error analysis and compare with last year's baseline.",
}


# --- A small real PDF ---------------------------------------------------------------------------


def _pdf_text(text: str) -> str:
    text = text.encode("latin-1", "replace").decode("latin-1")
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def demo_pdf(*lines: str) -> bytes:
    """A valid one-page PDF (Helvetica text, correct cross-reference table), a few hundred bytes."""
    text = " T* ".join(f"({_pdf_text(line)}) Tj" for line in lines)
    stream = f"BT /F1 12 Tf 16 TL 72 720 Td {text} ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# --- Seeding ------------------------------------------------------------------------------------


def _scenarios(index: int, status: str) -> list[tuple[str, int]]:
    if status == "active":
        start = (index * PER_ACTIVE_TASK) % len(ACTIVE_CYCLE)
        chosen = [ACTIVE_CYCLE[(start + k) % len(ACTIVE_CYCLE)] for k in range(PER_ACTIVE_TASK)]
    else:
        chosen = {"completed": COMPLETED, "cancelled": CANCELLED, "proposed": PROPOSED}[status]
    jitter = index % 4  # so tasks sharing a pattern are not due on the same days; never flips past/future
    return sorted(
        ((scenario, days + jitter if days > 0 else days - jitter) for scenario, days in chosen), key=lambda s: s[1]
    )


def _dates(status: str, first_due: int, last_due: int) -> tuple[datetime.date, datetime.date]:
    day = today()
    start = day + datetime.timedelta(days=min(first_due - 60, 60 if status == "proposed" else -30))
    end = day + datetime.timedelta(days=max(last_due + 30, -30 if status in {"completed", "cancelled"} else 365))
    return start, end


def _programs(log) -> dict[str, Program]:
    programs = {}
    for code, name, description in PROGRAMS:
        program = Program.objects.filter(code=code).first()
        if program is None:
            program = services.program_create(code=code, name=name, description=description)
            log(f"created program {code} {name}")
        programs[code] = program
    return programs


def _people() -> tuple[dict, dict]:
    people = {user.email: user for user in User.objects.all()}
    organisations = {organisation.short_name: organisation for organisation in Organisation.objects.all()}
    return people, organisations


def _task(index, row, programs, people, organisations, log) -> ResearchTask:
    number, code, university, title, status, confidential, sponsors = row
    task = ResearchTask.objects.filter(number=number).first()
    if task is not None:
        return task
    faculty, students = UNIVERSITIES[university]
    pis = [people[email] for email in faculty + ([CO_PI[number]] if number in CO_PI else [])]
    companies = [organisations[short] for short in sponsors]
    liaisons = [people[LIAISONS[short]] for short in sponsors if organisations[short].active]
    scenarios = _scenarios(index, status)
    start, end = _dates(status, scenarios[0][1], scenarios[-1][1])
    task = services.task_create(
        number=number,
        title=title,
        abstract=f"{title}: a {programs[code].name.lower()} research task at {organisations[university].name}.",
        program=programs[code],
        university=organisations[university],
        start=start,
        end=end,
        status=status,
        confidential=confidential,
        principal_investigators=pis,
        students=[people[email] for email in students[: 1 + index % len(students)]],
        liaisons=liaisons,
        sponsors=companies,
    )
    log(f"created task {number} {title} ({status}{', confidential' if confidential else ''})")
    return task


def _submit(deliverable, pi, version: int = 1):
    content = demo_pdf(
        f"{deliverable.task.number} {deliverable.task.title}",
        f"{deliverable.title}, version {version}",
        "Demo data generated by Wafer's seed_demo.",
    )
    upload = check_upload(SimpleUploadedFile(f"{deliverable.title} v{version}.pdf", content, "application/pdf"))
    with acting_as(pi, via="command"):
        services.report_submit(deliverable=deliverable, upload=upload, summary=f"Version {version}.", submitted_by=pi)


def _play(deliverable, scenario: str, *, pi, staff, reason_skip: str) -> None:
    """Take a fresh (planned) deliverable through its scenario, as its PI and the staff would."""
    later = deliverable.due_on + datetime.timedelta(days=45)
    with acting_as(staff, via="command"):
        if scenario in {"extended", "extended_submitted"}:
            services.deliverable_extend(
                deliverable=deliverable, due_on=later, reason=REASONS["extended"], extended_by=staff
            )
        if scenario == "skipped":
            services.deliverable_skip(deliverable=deliverable, reason=reason_skip)
    if scenario in {"on_time", "late", "accepted", "accepted_late", "revision", "resubmitted", "extended_submitted"}:
        _submit(deliverable, pi)
    with acting_as(staff, via="command"):
        if scenario in {"accepted", "accepted_late"}:
            services.deliverable_accept(deliverable=deliverable)
        if scenario in {"revision", "resubmitted"}:
            services.deliverable_request_revision(deliverable=deliverable, reason=REASONS["revision"])
    if scenario == "resubmitted":
        _submit(deliverable, pi, version=2)


def _deliverables(index, task, *, pi, staff, log) -> int:
    created = 0
    existing = set(task.deliverables.values_list("title", flat=True))
    for position, (scenario, days) in enumerate(_scenarios(index, task.status)):
        title, kind = TITLES[(index + position) % len(TITLES)]
        if title in existing:
            continue
        with acting_as(staff, via="command"):
            deliverable = services.deliverable_create(
                task=task, title=title, kind=kind, due_on=today() + datetime.timedelta(days=days)
            )
        reason = REASONS["cancelled"] if task.status == "cancelled" else REASONS["skipped"]
        _play(deliverable, scenario, pi=pi, staff=staff, reason_skip=reason)
        created += 1
    if created:
        log(f"created {created} deliverables of task {task.number}")
    return created


def seed(log) -> list[tuple[str, str]]:
    """Creates what is missing. The sign-ins are the accounts demo's; none are added here."""
    programs = _programs(log)
    people, organisations = _people()
    staff = people[STAFF]
    for index, row in enumerate(TASKS):
        task = _task(index, row, programs, people, organisations, log)
        pi = task.principal_investigators.order_by("id").first()
        _deliverables(index, task, pi=pi, staff=staff, log=log)
    return []
