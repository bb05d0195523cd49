"""Demo data for accounts: a believable consortium. Used by `manage.py seed_demo`.

Idempotent: records are found by their natural keys (names, emails) and created only if missing.
"""

from api.accounts import services
from api.accounts.models import Organisation, User

DEMO_PASSWORD = "wafer-demo-2026"

ORGANISATIONS = [
    # name, short name, kind, tier, active, website
    ("Semiconductor Research Alliance", "SRA", "consortium", "", True, "https://sra.example.org"),
    ("Aster Microdevices", "Aster", "member", "premier", True, "https://aster.example.com"),
    ("Helix Foundry", "Helix", "member", "full", True, "https://helix.example.com"),
    ("Northwind Lithography", "Northwind", "member", "full", True, "https://northwind.example.com"),
    ("Quanta Memory", "Quanta", "member", "associate", True, "https://quanta.example.com"),
    ("Obsidian Systems", "Obsidian", "member", "associate", False, "https://obsidian.example.com"),
    ("University of Westbridge", "Westbridge", "university", "", True, "https://westbridge.example.edu"),
    ("Eastlake Institute of Technology", "EIT", "university", "", True, "https://eastlake.example.edu"),
    ("Carrow State University", "Carrow", "university", "", True, "https://carrow.example.edu"),
]

PEOPLE = [
    # email, given, family, role, organisation short name, title
    ("staff@wafer.example", "Morgan", "Ellis", "staff", "SRA", "Program manager"),
    ("ops@wafer.example", "Priya", "Raman", "staff", "SRA", "Operations lead"),
    ("liaison@aster.example.com", "Daniel", "Okafor", "member", "Aster", "Technology liaison"),
    ("recruiter@aster.example.com", "Sofia", "Lindqvist", "member", "Aster", "University recruiting"),
    ("liaison@helix.example.com", "Hannah", "Weber", "member", "Helix", "Process integration manager"),
    ("liaison@northwind.example.com", "Kenji", "Tanaka", "member", "Northwind", "Principal engineer"),
    ("liaison@quanta.example.com", "Amara", "Nwosu", "member", "Quanta", "Memory technologist"),
    ("liaison@obsidian.example.com", "Victor", "Hale", "member", "Obsidian", "Former liaison"),
    ("chen@westbridge.example.edu", "Li", "Chen", "faculty", "Westbridge", "Professor of Electrical Engineering"),
    ("garcia@eastlake.example.edu", "Elena", "Garcia", "faculty", "EIT", "Associate Professor of Materials"),
    ("obrien@carrow.example.edu", "Sean", "O'Brien", "faculty", "Carrow", "Professor of Chemical Engineering"),
    ("student1@westbridge.example.edu", "Aisha", "Khan", "student", "Westbridge", "PhD candidate"),
    ("student2@westbridge.example.edu", "Tomas", "Novak", "student", "Westbridge", "MS student"),
    ("student@eastlake.example.edu", "Mei", "Lin", "student", "EIT", "PhD candidate"),
    ("student@carrow.example.edu", "Jonas", "Berg", "student", "Carrow", "Postdoctoral researcher"),
]


def seed(log) -> list[tuple[str, str]]:
    """Creates what is missing; returns the demo sign-ins as (email, description)."""
    by_short = {}
    for name, short, kind, tier, active, website in ORGANISATIONS:
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            organisation = services.organisation_create(
                name=name, short_name=short, kind=kind, membership_tier=tier, active=active, website=website
            )
            log(f"created organisation {name}")
        by_short[short] = organisation
    sign_ins = []
    for email, given, family, role, short, title in PEOPLE:
        if not User.objects.filter(email=email).exists():
            services.person_create(
                email=email,
                given_name=given,
                family_name=family,
                role=role,
                organisation=by_short[short],
                title=title,
                password=DEMO_PASSWORD,
            )
            log(f"created person {email}")
        organisation = by_short[short]
        note = "" if organisation.active else " (inactive member: public access only)"
        sign_ins.append((email, f"{role} at {organisation.name}{note}"))
    return sign_ins
