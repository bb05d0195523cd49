"""Demo data for publications: 300 papers, reports, theses, talks and patents of the demo tasks.

Run by `manage.py seed_demo` after api.accounts.demo and api.research.demo (INSTALLED_APPS order):
publications are linked to the demo tasks and written by their PIs and students when those exist,
and by free-text authors (some with ORCID iDs) either way. Idempotent: a publication is found by
its DOI or by its title and year; only what is missing is created. Everything goes through
api.publications.services (validation, normalisation, the audit trail). Embargo dates are relative
to the day the demo is loaded, so some embargoes are still running and some have ended.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from api.accounts.models import User
from api.core.files.uploads import check_upload
from api.core.request_context import acting_as
from api.publications import services
from api.publications.identifiers import orcid_checksum
from api.publications.models import Publication
from api.research.demo import demo_pdf
from api.research.models import ResearchTask

COUNT = 300
WITH_FILE_EVERY = 5  # 60 of 300 publications carry a PDF
WITHOUT_DOI_EVERY = 8  # most have a DOI (10.5555/wafer.<n>); every 8th is matched by title and year
STAFF = "staff@wafer.example"

TOPICS = [  # topic, keywords; indexed like the demo tasks (api.research.demo.TASKS), in order
    ("stochastic defects in EUV resists", ["EUV", "resists", "stochastics"]),
    ("metal-oxide resists for high-NA EUV", ["EUV", "metal-oxide resists", "high NA"]),
    ("machine-learned optical proximity correction", ["OPC", "machine learning", "computational lithography"]),
    ("directed self-assembly of contact holes", ["DSA", "block copolymers", "contact holes"]),
    ("EUV pellicle membranes", ["EUV", "pellicles", "carbon nanotubes"]),
    ("dry resist deposition", ["resists", "ALD", "dry development"]),
    ("line-edge roughness transfer in etch", ["LER", "plasma etch", "pattern transfer"]),
    ("mask 3D effects at high NA", ["high NA", "mask 3D", "imaging"]),
    ("ferroelectric hafnia capacitors", ["FeRAM", "hafnia", "ferroelectrics"]),
    ("high-temperature retention of resistive RAM", ["RRAM", "retention", "reliability"]),
    ("spin-orbit torque MRAM switching", ["MRAM", "spin-orbit torque", "magnetism"]),
    ("selector devices for cross-point arrays", ["selectors", "3D cross-point", "OTS"]),
    ("analog RRAM for in-memory computing", ["RRAM", "in-memory computing", "neural networks"]),
    ("phase-change memory endurance", ["PCM", "endurance", "chalcogenides"]),
    ("oxide semiconductor channels for 3D DRAM", ["DRAM", "IGZO", "3D integration"]),
    ("compact models of FeFET arrays", ["FeFET", "compact models", "SPICE"]),
    ("hybrid bonding at sub-micron pitch", ["hybrid bonding", "3D integration", "Cu-Cu bonding"]),
    ("thermal interface materials for chiplet stacks", ["chiplets", "thermal management", "TIM"]),
    ("warpage of fan-out panels", ["fan-out", "warpage", "panel-level packaging"]),
    ("glass core substrates", ["glass substrates", "through-glass vias", "packaging"]),
    ("electromigration in fine-pitch RDL", ["electromigration", "RDL", "reliability"]),
    ("co-packaged optics alignment", ["co-packaged optics", "photonics", "alignment"]),
    ("underfill voids", ["underfill", "voids", "reliability"]),
    ("overlay metrology on device structures", ["overlay", "metrology", "scatterometry"]),
    ("CD-SEM charging and shrinkage", ["CD-SEM", "metrology", "resists"]),
    ("X-ray scatterometry of gate-all-around stacks", ["CD-SAXS", "gate-all-around", "metrology"]),
    ("hybrid metrology with machine learning", ["hybrid metrology", "machine learning", "virtual metrology"]),
    ("buried defect inspection in bonded wafers", ["inspection", "wafer bonding", "defects"]),
    ("atom probe tomography of memory cells", ["atom probe", "memory", "materials analysis"]),
    ("in-line film stress measurement", ["film stress", "wafer bow", "metrology"]),
]
TEMPLATES = [  # (title template, kind); 30 topics x 10 templates = 300 distinct titles
    ("Understanding {topic}", Publication.Kind.PAPER),
    ("A statistical study of {topic}", Publication.Kind.PAPER),
    ("Progress in {topic}: annual review", Publication.Kind.REPORT),
    ("Modelling {topic} from first principles", Publication.Kind.PAPER),
    ("Advances in {topic}", Publication.Kind.PRESENTATION),
    ("Process window of {topic}", Publication.Kind.PAPER),
    ("On {topic}", Publication.Kind.THESIS),
    ("Method and apparatus for {topic}", Publication.Kind.PATENT),
    ("Benchmark data for {topic}", Publication.Kind.OTHER),
    ("Reliability limits of {topic}", Publication.Kind.PAPER),
]
VENUES = {
    Publication.Kind.PAPER: [
        "Journal of Micro/Nanopatterning, Materials, and Metrology",
        "IEEE Transactions on Electron Devices",
        "IEEE Electron Device Letters",
        "Applied Physics Letters",
        "IEEE Transactions on Components, Packaging and Manufacturing Technology",
        "Proceedings of SPIE Advanced Lithography",
    ],
    Publication.Kind.REPORT: ["Wafer consortium annual review"],
    Publication.Kind.THESIS: [
        "University of Westbridge",
        "Eastlake Institute of Technology",
        "Carrow State University",
    ],
    Publication.Kind.PRESENTATION: ["IEDM", "VLSI Symposium", "ECTC", "SPIE Advanced Lithography", "IRPS"],
    Publication.Kind.PATENT: ["US patent application"],
    Publication.Kind.OTHER: ["Zenodo data set"],
}
EXTERNAL_AUTHORS = [  # name, ORCID iD's first 15 digits or "" (the check digit is computed)
    ("Ingrid Solberg", "000000021825009"),
    ("Rahul Iyer", ""),
    ("Yuki Mori", "000000031234567"),
    ("Fatima Haddad", ""),
    ("Pieter de Vries", "000000029079593"),
    ("Grace Mwangi", ""),
    ("Luca Bianchi", "000000016543210"),
    ("Ana Pereira", ""),
    ("Jae-won Park", "000000024455667"),
    ("Olga Petrova", ""),
    ("Samuel Adeyemi", "000000037788990"),
    ("Chloé Martin", ""),
    ("Wei Zhang", "000000021357913"),
    ("Nadia Rahman", ""),
    ("Mateo Fernández", "000000012468024"),
    ("Hannah Schmidt", ""),
]
EMBARGO_REASONS = [
    "Patent application pending.",
    "Sponsor review of confidential results.",
    "Journal embargo until publication.",
]
ACCESS_CYCLE = ["public", "members", "public", "sponsors", "members"] * 2  # 40% public, 40% members, 20% sponsors


def _orcid(base: str) -> str:
    if not base:
        return ""
    digits = base + orcid_checksum(base)
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


def _doi(n: int) -> str | None:
    return None if n % WITHOUT_DOI_EVERY == 0 else f"10.5555/wafer.{n}"


def _year(n: int, today: datetime.date) -> int:
    return today.year - (n * 7) % 11  # the last eleven years, spread evenly


def _published_on(n: int, year: int, today: datetime.date) -> datetime.date | None:
    if n % 9 == 0:
        return None
    day = datetime.date(year, 1 + (n * 5) % 12, 1 + (n * 3) % 28)
    return min(day, today)


def _embargo(n: int, today: datetime.date) -> tuple[datetime.date | None, str]:
    """About one in six still embargoed (ends within the next year), one in six with an ended one."""
    if n % 6 == 1:
        return today + datetime.timedelta(days=14 + (n * 13) % 350), EMBARGO_REASONS[n % len(EMBARGO_REASONS)]
    if n % 6 == 4:
        return today - datetime.timedelta(days=7 + (n * 17) % 700), EMBARGO_REASONS[n % len(EMBARGO_REASONS)]
    return None, ""


def _authors(n: int, kind: str, team: list[User], students: list[User]) -> list[dict]:
    """People of the linked task first (a student first for a thesis), then free-text co-authors."""
    people = list(team)
    if kind == Publication.Kind.THESIS and students:
        people = [students[n % len(students)], *[p for p in team if p != students[n % len(students)]][:1]]
    authors = [{"person": person, "name": "", "orcid": ""} for person in people[: 1 + n % 3]]
    for k in range(n % 4 if kind != Publication.Kind.THESIS else 0):
        name, base = EXTERNAL_AUTHORS[(n * 3 + k * 5) % len(EXTERNAL_AUTHORS)]
        if all(author["name"] != name for author in authors):
            authors.append({"person": None, "name": name, "orcid": _orcid(base)})
    if not authors:  # no demo task (the research demo did not run): free-text authors only
        name, base = EXTERNAL_AUTHORS[n % len(EXTERNAL_AUTHORS)]
        authors.append({"person": None, "name": name, "orcid": _orcid(base)})
    return authors


def _tasks(n: int, tasks: list[ResearchTask]) -> list[ResearchTask]:
    if not tasks:
        return []
    first = tasks[n % len(tasks)]
    linked = [first]
    if n % 10 == 3:  # a joint publication of two tasks
        linked.append(tasks[(n + 7) % len(tasks)])
    return linked


def _row(n: int, tasks: list[ResearchTask], today: datetime.date) -> dict:
    topic, keywords = TOPICS[n % len(TOPICS)]
    template, kind = TEMPLATES[(n // len(TOPICS)) % len(TEMPLATES)]
    year = _year(n, today)
    linked = _tasks(n, tasks)
    team = [person for task in linked for person in task.principal_investigators.all()]
    students = [person for task in linked for person in task.students.all()]
    team = list(dict.fromkeys(team + students))  # PIs first, then students, each once
    embargo_until, embargo_reason = _embargo(n, today)
    title = template.format(topic=topic)
    title = title[0].upper() + title[1:]
    venues = VENUES[kind]
    return {
        "title": title,
        "kind": kind,
        "abstract": (
            f"We report on {topic}. The work was carried out within the consortium's research program "
            f"and combines experiments with modelling; the data are summarised for member companies."
        ),
        "year": year,
        "published_on": _published_on(n, year, today),
        "doi": _doi(n),
        "keywords": keywords + (["demo"] if n % 4 == 0 else []),
        "venue": venues[n % len(venues)],
        "access": ACCESS_CYCLE[n % len(ACCESS_CYCLE)] if linked else "public",
        "embargo_until": embargo_until,
        "embargo_reason": embargo_reason,
        "tasks": linked,
        "authors": _authors(n, kind, team, students),
    }


def _attach_pdf(publication: Publication, row: dict, uploader: User | None) -> None:
    names = ", ".join(author["name"] or author["person"].full_name for author in row["authors"])
    content = demo_pdf(publication.title, names, f"{publication.venue}, {publication.year}.", "Wafer demo data.")
    upload = check_upload(SimpleUploadedFile(f"{publication.title}.pdf", content, "application/pdf"))
    services.publication_file_add(publication=publication, upload=upload, uploaded_by=uploader)


def seed(log) -> list[tuple[str, str]]:
    """Creates what is missing; returns no sign-ins (the accounts demo's are used)."""
    today = timezone.now().date()
    tasks = list(ResearchTask.objects.order_by("number", "id").prefetch_related("principal_investigators", "students"))
    staff = User.objects.filter(email=STAFF).first()
    dois = set(Publication.objects.exclude(doi=None).values_list("doi", flat=True))
    titled = set(Publication.objects.values_list("title", "year"))
    created = files = 0
    with acting_as(staff, via="command"):
        for n in range(1, COUNT + 1):
            row = _row(n, tasks, today)
            if row["doi"] in dois or (row["title"], row["year"]) in titled:
                continue
            publication = services.publication_create(**row)
            created += 1
            if n % WITH_FILE_EVERY == 0 and staff is not None:
                pis = [p for task in row["tasks"] for p in task.principal_investigators.all()]
                _attach_pdf(publication, row, pis[0] if pis else staff)
                files += 1
    if created:
        log(f"created {created} publications ({files} with a PDF), linked to {len(tasks)} demo tasks")
    return []
