"""Every report's figures against the hand-computed world of conftest.py, for staff and for a member."""

import pytest

URL = "/api/v1/reports/"


def get(client, report, **params):
    response = client.get(f"{URL}{report}/", params)
    assert response.status_code == 200, response.content
    return response.json()


def counts(row, names):
    return [row[name] for name in names]


def test_publications_for_staff(staff_api, world):
    body = get(staff_api, "publications")
    lith, pack = world.lith, world.pack
    assert body["rows"] == [
        {"year": 2025, "program_id": lith.pk, "program_code": "LITH", "program_name": "Lithography", "kind": "paper",
         "publications": 2},
        {"year": 2026, "program_id": pack.pk, "program_code": "PACK", "program_name": "Packaging", "kind": "report",
         "publications": 1},
        {"year": 2026, "program_id": None, "program_code": None, "program_name": None, "kind": "thesis",
         "publications": 1},
    ]  # fmt: skip
    assert body["totals"] == {"publications": 4}
    assert body["truncated"] is False
    assert body["filters"] == {"from": None, "to": None, "limit": 1000, "program": None, "kind": None}


def test_publications_count_what_a_member_may_see(member_api, other_member_api, world):
    # p3 is for the sponsors of t2 (Helix) only.
    assert [(row["year"], row["kind"]) for row in get(member_api, "publications")["rows"]] == [
        (2025, "paper"),
        (2026, "thesis"),
    ]
    assert get(member_api, "publications")["totals"] == {"publications": 3}
    assert get(other_member_api, "publications")["totals"] == {"publications": 4}


def test_publication_filters(staff_api, world):
    body = get(staff_api, "publications", **{"from": "2026-01-01", "to": "2026-12-31"})
    assert [(row["year"], row["kind"], row["publications"]) for row in body["rows"]] == [
        (2026, "report", 1),
        (2026, "thesis", 1),
    ]
    body = get(staff_api, "publications", program=world.lith.pk)
    assert [(row["program_code"], row["publications"]) for row in body["rows"]] == [("LITH", 2)]
    assert body["totals"] == {"publications": 2}
    assert get(staff_api, "publications", kind="thesis")["totals"] == {"publications": 1}


DELIVERABLE_COUNTS = ["deliverables", "accepted", "accepted_on_time", "late", "overdue", "due_next_30_days"]


def test_deliverables_by_program_for_staff(staff_api, world):
    body = get(staff_api, "deliverables")
    assert [[row["program_code"], *counts(row, DELIVERABLE_COUNTS)] for row in body["rows"]] == [
        ["LITH", 5, 2, 1, 2, 1, 1],
        ["PACK", 2, 0, 0, 0, 0, 0],
    ]
    assert body["totals"] == dict(zip(DELIVERABLE_COUNTS, [7, 2, 1, 2, 1, 1], strict=True))


def test_deliverables_by_task(staff_api, world):
    body = get(staff_api, "deliverables", group_by="task")
    assert body["rows"][0] == {
        "program_id": world.lith.pk, "program_code": "LITH", "program_name": "Lithography", "task_id": world.t1.pk,
        "task_number": "3160.001", "task_title": "Task 3160.001", "deliverables": 4, "accepted": 2,
        "accepted_on_time": 1, "late": 2, "overdue": 1, "due_next_30_days": 1,
    }  # fmt: skip
    assert [[row["task_number"], *counts(row, DELIVERABLE_COUNTS)] for row in body["rows"]] == [
        ["3160.001", 4, 2, 1, 2, 1, 1],
        ["3160.003", 1, 0, 0, 0, 0, 0],
        ["3160.002", 2, 0, 0, 0, 0, 0],
    ]


def test_deliverables_date_range_and_program(staff_api, world):
    body = get(staff_api, "deliverables", **{"from": "2026-02-01", "to": "2026-03-31"})
    assert [[row["program_code"], *counts(row, DELIVERABLE_COUNTS)] for row in body["rows"]] == [
        ["LITH", 2, 1, 0, 2, 1, 0],
        ["PACK", 1, 0, 0, 0, 0, 0],
    ]
    body = get(staff_api, "deliverables", program=world.pack.pk)
    assert [row["program_code"] for row in body["rows"]] == ["PACK"]


def test_deliverables_of_confidential_tasks_count_only_for_their_sponsors(member_api, other_member_api, world):
    assert [row["program_code"] for row in get(member_api, "deliverables")["rows"]] == ["LITH"]
    assert [row["program_code"] for row in get(other_member_api, "deliverables")["rows"]] == ["LITH", "PACK"]


MONTHS = {"from": "2026-01-01", "to": "2026-03-31"}


def test_usage_by_company_for_staff(staff_api, world):
    body = get(staff_api, "usage", group_by="company", **MONTHS)
    assert body["rows"] == [
        {"company_id": world.A.pk, "company_name": "Aster Microdevices", "downloads": 3, "views": 2},
        {"company_id": world.B.pk, "company_name": "Helix Foundry", "downloads": 1, "views": 2},
        {"company_id": world.C.pk, "company_name": "Quanta Memory", "downloads": 1, "views": 1},
        {"company_id": None, "company_name": "", "downloads": 1, "views": 0},
    ]
    assert body["totals"] == {"downloads": 6, "views": 5, "consortium": {"downloads": 6, "views": 5}}
    assert body["filters"] == {
        "from": "2026-01-01", "to": "2026-03-01", "limit": 1000, "company": None, "publication": None,
        "group_by": "company",
    }  # fmt: skip


def test_usage_by_month_and_publication(staff_api, world):
    body = get(staff_api, "usage", **MONTHS)
    assert body["rows"] == [
        {"month": "2026-01", "downloads": 2, "views": 2},
        {"month": "2026-02", "downloads": 2, "views": 1},
        {"month": "2026-03", "downloads": 2, "views": 2},
    ]
    body = get(staff_api, "usage", group_by="publication,month", **MONTHS)
    assert [(row["month"], row["publication_title"], row["downloads"], row["views"]) for row in body["rows"]] == [
        ("2026-01", "Resist chemistry", 2, 1),
        ("2026-01", '=HYPERLINK("x")', 0, 1),
        ("2026-02", "Resist chemistry", 1, 0),
        ("2026-02", '=HYPERLINK("x")', 1, 1),  # staff's download, A's view
        ("2026-03", "Resist chemistry", 0, 2),
        ("2026-03", '=HYPERLINK("x")', 2, 0),
    ]
    assert body["filters"]["group_by"] == "month,publication"


def test_usage_filters(staff_api, world):
    body = get(staff_api, "usage", group_by="company", publication=world.p1.pk, **MONTHS)
    assert [(row["company_id"], row["downloads"], row["views"]) for row in body["rows"]] == [
        (world.A.pk, 2, 1),
        (world.B.pk, 1, 2),
    ]
    body = get(staff_api, "usage", company=world.B.pk, **MONTHS)
    assert body["totals"]["downloads"] == 1 and body["totals"]["views"] == 2
    # Whole months: 2026-02-20 to 2026-02-21 means February.
    body = get(staff_api, "usage", **{"from": "2026-02-20", "to": "2026-02-21"})
    assert body["rows"] == [{"month": "2026-02", "downloads": 2, "views": 1}]


def test_usage_defaults_to_the_last_twelve_months(staff_api, world):
    filters = get(staff_api, "usage")["filters"]
    assert (filters["from"], filters["to"]) == ("2025-04-01", "2026-03-01")


def test_usage_of_a_member_company(member_api, world):
    body = get(member_api, "usage", **MONTHS)
    assert body["rows"] == [
        {"month": "2026-01", "downloads": 2, "views": 1},
        {"month": "2026-02", "downloads": 0, "views": 1},
        {"month": "2026-03", "downloads": 1, "views": 0},
    ]
    assert body["totals"] == {"downloads": 3, "views": 2, "consortium": {"downloads": 6, "views": 5}}
    body = get(member_api, "usage", group_by="company,publication", **MONTHS)
    assert body["rows"] == [
        {"company_id": world.A.pk, "company_name": "Aster Microdevices", "publication_id": world.p1.pk,
         "publication_title": "Resist chemistry", "downloads": 2, "views": 1},
        {"company_id": world.A.pk, "company_name": "Aster Microdevices", "publication_id": world.p2.pk,
         "publication_title": '=HYPERLINK("x")', "downloads": 1, "views": 1},
    ]  # fmt: skip


EVENT_COUNTS = ["registered", "confirmed", "waitlisted", "cancelled", "checked_in", "no_shows"]


def test_events_by_event_for_staff(staff_api, world):
    body = get(staff_api, "events")
    assert body["rows"][0] == {
        "event_id": world.e1.pk, "event_title": "Review meeting", "event_starts_at": "2026-02-10T09:00:00Z",
        "registered": 4, "confirmed": 4, "waitlisted": 0, "cancelled": 1, "checked_in": 3, "no_shows": 1,
    }  # fmt: skip
    assert counts(body["rows"][1], EVENT_COUNTS) == [3, 2, 1, 0, 0, 0]
    assert body["totals"] == dict(zip(EVENT_COUNTS, [7, 6, 1, 1, 3, 1], strict=True)) | {
        "consortium": dict(zip(EVENT_COUNTS, [7, 6, 1, 1, 3, 1], strict=True))
    }


def test_events_by_company_for_staff(staff_api, world):
    body = get(staff_api, "events", group_by="company")
    assert [[row["company_name"], *counts(row, EVENT_COUNTS)] for row in body["rows"]] == [
        ["Aster Microdevices", 3, 3, 0, 0, 1, 1],
        ["Helix Foundry", 2, 1, 1, 0, 1, 0],
        ["Quanta Memory", 1, 1, 0, 1, 0, 0],
        [None, 1, 1, 0, 0, 1, 0],
    ]


def test_events_date_range(staff_api, world):
    body = get(staff_api, "events", **{"from": "2026-03-01", "to": "2026-04-01"})
    assert [row["event_title"] for row in body["rows"]] == ["Spring workshop"]
    assert [row["event_title"] for row in get(staff_api, "events", event=world.e1.pk)["rows"]] == ["Review meeting"]


def test_events_of_a_member_company(member_api, world):
    body = get(member_api, "events")
    assert [[row["event_title"], *counts(row, EVENT_COUNTS)] for row in body["rows"]] == [
        ["Review meeting", 2, 2, 0, 0, 1, 1],
        ["Spring workshop", 1, 1, 0, 0, 0, 0],
    ]
    assert body["totals"] == dict(zip(EVENT_COUNTS, [3, 3, 0, 0, 1, 1], strict=True)) | {
        "consortium": dict(zip(EVENT_COUNTS, [7, 6, 1, 1, 3, 1], strict=True))
    }


def test_careers_profiles(staff_api, member_api, other_member_api, world):
    assert get(staff_api, "careers")["rows"] == [
        {"degree": "phd", "graduation_year": 2026, "profiles": 2},
        {"degree": "ms", "graduation_year": 2027, "profiles": 1},
    ]
    assert get(staff_api, "careers")["totals"] == {"profiles": 3}
    assert get(member_api, "careers")["rows"] == [{"degree": "phd", "graduation_year": 2026, "profiles": 2}]
    assert get(other_member_api, "careers")["rows"] == [
        {"degree": "phd", "graduation_year": 2026, "profiles": 1},
        {"degree": "ms", "graduation_year": 2027, "profiles": 1},
    ]
    body = get(staff_api, "careers", **{"from": "2027-01-01"})
    assert body["rows"] == [{"degree": "ms", "graduation_year": 2027, "profiles": 1}]


def test_careers_views_by_company(staff_api, member_api, world):
    body = get(staff_api, "careers", group_by="company")
    assert body["rows"] == [
        {"company_id": world.A.pk, "company_name": "Aster Microdevices", "profile_views": 1, "cv_views": 2,
         "resume_book_views": 0},
        {"company_id": world.B.pk, "company_name": "Helix Foundry", "profile_views": 0, "cv_views": 1,
         "resume_book_views": 0},
        {"company_id": world.C.pk, "company_name": "Quanta Memory", "profile_views": 0, "cv_views": 0,
         "resume_book_views": 1},
        {"company_id": None, "company_name": "", "profile_views": 0, "cv_views": 1, "resume_book_views": 0},
    ]  # fmt: skip
    consortium = {"profile_views": 1, "cv_views": 4, "resume_book_views": 1}
    assert body["totals"] == consortium | {"consortium": consortium}
    body = get(member_api, "careers", group_by="company")
    assert body["rows"] == [body["rows"][0]] and body["rows"][0]["company_id"] == world.A.pk
    assert body["totals"] == {"profile_views": 1, "cv_views": 2, "resume_book_views": 0, "consortium": consortium}
    body = get(staff_api, "careers", group_by="company", **{"from": "2026-03-01", "to": "2026-03-31"})
    assert [row["company_name"] for row in body["rows"]] == ["Aster Microdevices", "Quanta Memory"]


@pytest.mark.parametrize("report", ["deliverables", "usage", "events"])
def test_limit_cuts_rows_but_not_totals(staff_api, world, report):
    full = get(staff_api, report, **({"group_by": "company"} if report != "deliverables" else {}))
    cut = get(staff_api, report, limit=1, **({"group_by": "company"} if report != "deliverables" else {}))
    assert cut["rows"] == full["rows"][:1] and cut["truncated"] is True and full["truncated"] is False
    assert cut["totals"] == full["totals"]
