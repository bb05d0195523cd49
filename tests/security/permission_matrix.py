"""The permission matrix (issue 11): every API route and method, for every role: the expected status.

Read a line as "who may do what": one route (its URL name) and method, then the status each of the
twelve roles gets, in the column order of the header. The world the requests run against is
tests/security/world.py; TARGETS says which of its objects a route's path names.

The roles:
- anonymous: no credentials;
- student: a student on none of the world's tasks, who owns the career profile;
- faculty: the principal investigator of `task` (confidential, sponsored by Aster);
- other_faculty: the principal investigator of `other_task` only;
- sponsor: a person of Aster (the sponsoring member company), author of the feedback, registered for
  the members-only event;
- other_member: a person of Helix (another active member company);
- inactive_member: a person of Obsidian (an inactive member company: public access only);
- recruiter: an Aster recruiter (the student shared the profile with Aster);
- staff: consortium staff;
- read_token: the sponsor through an API token with the read scope only;
- expired_token, revoked_token: the sponsor's tokens that no longer work.

The rules the table keeps (product.md, style.md):
- a row the caller may not see is a 404 (never a 403 that confirms it exists);
- a visible row the caller may not act on is a 403; a role-wide refusal (reports for a student,
  the audit trail for a member) is a 403 for a signed-in caller, a 401 for an anonymous one;
- an expired or revoked token is a 401 everywhere, before any view runs, except on the few routes
  that read no credentials at all (the CSRF cookie, the calendar feeds: the secret is in the path);
- a read-scope token never writes: 403 on every POST, PUT, PATCH and DELETE it sends.
Where an allowed role's answer is not a 2xx, the row says why in its note (NOTES).

Left out of the table (and of the URL comparison): the Django admin (/admin/, its own session and
permissions, not part of the API), the schema and its docs page (/api/v1/schema/, /api/docs/: public
by design, describe the API rather than serve data), the SPA, static files and the JSON 404 for
unknown /api/ paths (no data behind them), /healthz and /readyz (load balancer probes, no data) and
/bench/ (the benchmark's ceiling, never routed in production).
"""

ANONYMOUS = "anonymous"
STUDENT = "student"
FACULTY = "faculty_of_task"
OTHER_FACULTY = "faculty_of_other_task"
SPONSOR = "member_of_sponsor"
OTHER_MEMBER = "member_of_other_company"
INACTIVE_MEMBER = "member_of_inactive_company"
RECRUITER = "recruiter"
STAFF = "staff"
READ_TOKEN = "read_only_token"
EXPIRED_TOKEN = "expired_token"
REVOKED_TOKEN = "revoked_token"

ROLES = (ANONYMOUS, STUDENT, FACULTY, OTHER_FACULTY, SPONSOR, OTHER_MEMBER, INACTIVE_MEMBER, RECRUITER, STAFF,
         READ_TOKEN, EXPIRED_TOKEN, REVOKED_TOKEN)  # fmt: skip

EXCLUDED_ROUTE_NAMES = frozenset({"schema", "api-docs", "spa", "healthz", "readyz", "bench-ceiling"})

# route (URL name, with an optional [variant]) and method, then one status per role, in ROLES order.
MATRIX = """
route                               method  anon stud fac  ofac spon omem inac recr staf rtok etok rvtk
token-list                          GET     401  200  200  200  200  200  200  200  200  200  401  401
token-list                          POST    401  201  201  201  201  201  201  201  201  403  401  401
token-detail                        GET     401  404  404  404  200  404  404  404  200  200  401  401
token-detail                        PATCH   401  404  404  404  200  404  404  404  200  403  401  401
token-detail                        DELETE  401  404  404  404  204  404  404  404  204  403  401  401
audit-list                          GET     401  403  403  403  403  403  403  403  200  403  401  401
audit-detail                        GET     401  403  403  403  403  403  403  403  200  403  401  401
auth-csrf                           GET     200  200  200  200  200  200  200  200  200  200  200  200
auth-login                          POST    200  200  200  200  200  200  200  200  200  403  401  401
auth-logout                         POST    204  204  204  204  204  204  204  204  204  403  401  401
auth-me                             GET     401  200  200  200  200  200  200  200  200  200  401  401
auth-me                             PATCH   401  200  200  200  200  200  200  200  200  403  401  401
auth-me-export                      GET     401  200  200  200  200  200  200  200  200  200  401  401
auth-password                       POST    401  204  204  204  204  204  204  204  204  403  401  401
organisation-list                   GET     200  200  200  200  200  200  200  200  200  200  401  401
organisation-list                   POST    401  403  403  403  403  403  403  403  201  403  401  401
organisation-detail                 GET     200  200  200  200  200  200  200  200  200  200  401  401
organisation-detail                 PUT     401  403  403  403  403  403  403  403  200  403  401  401
organisation-detail                 PATCH   401  403  403  403  403  403  403  403  200  403  401  401
organisation-detail                 DELETE  401  403  403  403  403  403  403  403  204  403  401  401
person-list                         GET     401  200  200  200  200  200  403  200  200  200  401  401
person-list                         POST    401  403  403  403  403  403  403  403  201  403  401  401
person-detail                       GET     401  200  200  200  200  200  403  200  200  200  401  401
person-detail                       PUT     401  403  403  403  403  403  403  403  200  403  401  401
person-detail                       PATCH   401  403  403  403  403  403  403  403  200  403  401  401
program-list                        GET     200  200  200  200  200  200  200  200  200  200  401  401
program-list                        POST    401  403  403  403  403  403  403  403  201  403  401  401
program-detail                      GET     200  200  200  200  200  200  200  200  200  200  401  401
program-detail                      PUT     401  403  403  403  403  403  403  403  200  403  401  401
program-detail                      PATCH   401  403  403  403  403  403  403  403  200  403  401  401
program-detail                      DELETE  401  403  403  403  403  403  403  403  204  403  401  401
task-list                           GET     200  200  200  200  200  200  200  200  200  200  401  401
task-list                           POST    401  403  403  403  403  403  403  403  201  403  401  401
task-detail                         GET     404  404  200  404  200  404  404  200  200  200  401  401
task-detail[open]                   GET     200  200  200  200  200  200  200  200  200  200  401  401
task-detail                         PUT     401  404  403  404  403  404  404  403  200  403  401  401
task-detail                         PATCH   401  404  403  404  403  404  404  403  200  403  401  401
task-detail                         DELETE  401  404  403  404  403  404  404  403  204  403  401  401
deliverable-list                    GET     401  200  200  200  200  200  200  200  200  200  401  401
deliverable-list                    POST    401  403  403  403  403  403  403  403  201  403  401  401
deliverable-detail                  GET     401  404  200  404  200  404  404  200  200  200  401  401
deliverable-detail[open]            GET     401  404  404  200  200  200  404  200  200  200  401  401
deliverable-detail                  PUT     401  404  403  404  403  404  404  403  200  403  401  401
deliverable-detail                  PATCH   401  404  403  404  403  404  404  403  200  403  401  401
deliverable-detail                  DELETE  401  404  403  404  403  404  404  403  204  403  401  401
deliverable-accept                  POST    401  404  403  404  403  404  404  403  200  403  401  401
deliverable-request-revision        POST    401  404  403  404  403  404  404  403  200  403  401  401
deliverable-extend                  POST    401  404  403  404  403  404  404  403  200  403  401  401
deliverable-skip                    POST    401  404  403  404  403  404  404  403  200  403  401  401
deliverable-reports                 POST    401  404  201  404  403  404  404  403  201  403  401  401
deliverable-download                GET     401  404  200  404  200  404  404  200  200  200  401  401
deliverable-download[open]          GET     401  404  404  200  403  200  404  403  200  403  401  401
publication-export                  GET     200  200  200  200  200  200  200  200  200  200  401  401
publication-citation                GET     404  404  200  404  200  404  404  200  200  200  401  401
publication-import                  POST    401  403  403  403  403  403  403  403  200  403  401  401
publication-list                    GET     200  200  200  200  200  200  200  200  200  200  401  401
publication-list                    POST    401  403  403  403  403  403  403  403  201  403  401  401
publication-cursor                  GET     200  200  200  200  200  200  200  200  200  200  401  401
publication-detail                  GET     404  404  200  404  200  404  404  200  200  200  401  401
publication-detail[public]          GET     200  200  200  200  200  200  200  200  200  200  401  401
publication-detail[embargoed]       GET     404  404  404  404  200  200  404  200  200  200  401  401
publication-detail                  PUT     401  404  403  404  403  404  404  403  200  403  401  401
publication-detail                  PATCH   401  404  403  404  403  404  404  403  200  403  401  401
publication-detail                  DELETE  401  404  403  404  403  404  404  403  204  403  401  401
publication-download                GET     404  404  200  404  200  404  404  200  200  200  401  401
publication-download[public]        GET     200  200  200  200  200  200  200  200  200  200  401  401
publication-files                   POST    401  404  201  404  403  404  404  403  201  403  401  401
publication-remove-file             DELETE  401  404  204  404  403  404  404  403  204  403  401  401
feedback-list                       GET     401  200  200  200  200  200  200  200  200  200  401  401
feedback-list                       POST    401  403  403  403  201  400  403  201  403  403  401  401
feedback-summary                    GET     401  404  200  404  403  404  404  403  200  403  401  401
feedback-detail                     GET     401  404  200  404  200  404  404  200  200  200  401  401
feedback-detail[hidden]             GET     401  404  404  404  200  404  404  404  200  200  401  401
feedback-detail                     PATCH   401  404  403  404  200  404  404  403  403  403  401  401
feedback-detail                     DELETE  401  404  403  404  204  404  404  403  204  403  401  401
feedback-hide                       POST    401  404  403  404  403  404  404  403  200  403  401  401
feedback-unhide                     POST    401  404  404  404  403  404  404  404  200  403  401  401
feedback-replies                    POST    401  404  201  404  403  404  404  403  403  403  401  401
event-public-feed                   GET     200  200  200  200  200  200  200  200  200  200  200  200
event-feed-token                    POST    401  201  201  201  201  201  201  201  201  403  401  401
event-feed-token                    DELETE  401  204  204  204  204  204  204  204  204  403  401  401
event-personal-feed                 GET     200  200  200  200  200  200  200  200  200  200  200  200
event-ics                           GET     404  200  200  200  200  200  404  200  200  200  401  401
event-list                          GET     200  200  200  200  200  200  200  200  200  200  401  401
event-list                          POST    401  403  403  403  403  403  403  403  201  403  401  401
event-detail                        GET     404  200  200  200  200  200  404  200  200  200  401  401
event-detail[draft]                 GET     404  404  404  404  404  404  404  404  200  404  401  401
event-detail                        PUT     401  403  403  403  403  403  404  403  200  403  401  401
event-detail                        PATCH   401  403  403  403  403  403  404  403  200  403  401  401
event-attendance                    GET     401  403  403  403  403  403  404  403  200  403  401  401
event-figures                       GET     401  403  403  403  403  403  404  403  200  403  401  401
event-cancel                        POST    401  403  403  403  403  403  404  403  200  403  401  401
event-materials                     POST    401  403  403  403  403  403  404  403  201  403  401  401
event-download-material             GET     404  403  403  403  200  403  404  403  200  200  401  401
event-registration-list             GET     401  200  200  200  200  200  404  200  200  200  401  401
event-registration-list             POST    401  201  201  201  201  201  201  201  201  403  401  401
event-registration-detail           GET     401  404  404  404  200  404  404  404  200  200  401  401
event-registration-detail           DELETE  401  404  404  404  204  404  404  404  204  403  401  401
event-registration-cancel           POST    401  404  404  404  200  404  404  404  200  403  401  401
event-registration-check-in         POST    401  404  404  404  403  404  404  404  200  403  401  401
careers-me                          GET     401  200  403  403  403  403  403  403  403  403  401  401
careers-me                          PUT     401  200  403  403  403  403  403  403  403  403  401  401
careers-me                          DELETE  401  204  403  403  403  403  403  403  403  403  401  401
careers-me-cv                       GET     401  200  403  403  403  403  403  403  403  403  401  401
careers-me-cv                       PUT     401  200  403  403  403  403  403  403  403  403  401  401
careers-me-cv                       DELETE  401  204  403  403  403  403  403  403  403  403  401  401
careers-me-consent                  GET     401  200  403  403  403  403  403  403  403  403  401  401
careers-me-consent                  PUT     401  200  403  403  403  403  403  403  403  403  401  401
careers-me-consent-history          GET     401  200  403  403  403  403  403  403  403  403  401  401
careers-me-renew                    POST    401  200  403  403  403  403  403  403  403  403  401  401
careers-me-views                    GET     401  200  403  403  403  403  403  403  403  403  401  401
career-profile-list                 GET     401  403  403  403  403  403  403  200  200  403  401  401
career-profile-detail               GET     401  403  403  403  403  403  403  200  200  403  401  401
career-profile-cv                   GET     401  403  403  403  403  403  403  200  200  403  401  401
recruiter-list                      GET     401  403  403  403  403  403  403  403  200  403  401  401
recruiter-list                      POST    401  403  403  403  403  403  403  403  201  403  401  401
recruiter-detail                    GET     401  403  403  403  403  403  403  403  200  403  401  401
recruiter-detail                    DELETE  401  403  403  403  403  403  403  403  204  403  401  401
resume-book-list                    GET     401  403  403  403  403  403  403  200  200  403  401  401
resume-book-list                    POST    401  403  403  403  403  403  403  202  202  403  401  401
resume-book-detail                  GET     401  403  403  403  403  403  403  200  200  403  401  401
resume-book-download                GET     401  403  403  403  403  403  403  200  403  403  401  401
changes                             GET     200  200  200  200  200  200  200  200  200  200  401  401
webhook-endpoint-list               GET     401  403  403  403  403  403  403  403  200  403  401  401
webhook-endpoint-list               POST    401  403  403  403  403  403  403  403  201  403  401  401
webhook-endpoint-detail             GET     401  403  403  403  403  403  403  403  200  403  401  401
webhook-endpoint-detail             PUT     401  403  403  403  403  403  403  403  403  403  401  401
webhook-endpoint-detail             PATCH   401  403  403  403  403  403  403  403  200  403  401  401
webhook-endpoint-detail             DELETE  401  403  403  403  403  403  403  403  204  403  401  401
webhook-endpoint-rotate-secret      POST    401  403  403  403  403  403  403  403  403  403  401  401
webhook-endpoint-test               POST    401  403  403  403  403  403  403  403  403  403  401  401
webhook-delivery-list               GET     401  403  403  403  403  403  403  403  200  403  401  401
webhook-delivery-detail             GET     401  403  403  403  403  403  403  403  200  403  401  401
webhook-delivery-replay             POST    401  403  403  403  403  403  403  403  403  403  401  401
reports                             GET     401  403  403  403  200  200  403  200  200  200  401  401
reports-publications                GET     401  403  403  403  200  200  403  200  200  200  401  401
reports-deliverables                GET     401  403  403  403  200  200  403  200  200  200  401  401
reports-usage                       GET     401  403  403  403  200  200  403  200  200  200  401  401
reports-events                      GET     401  403  403  403  200  200  403  200  200  200  401  401
reports-careers                     GET     401  403  403  403  200  200  403  200  200  200  401  401
"""

# Why an allowed role's answer is not a 2xx, or why a refusal has the status it has.
NOTES = {
    ("feedback-list", "POST"): "Helix's liaison names a deliverable of a task they cannot see: 400 on `deliverable` "
    "(an id outside one's scope reads exactly like an unknown id), so nothing is created and nothing leaks. "
    "Staff: feedback is given by member companies' people; staff moderate it.",
    ("feedback-replies", "POST"): "only the task's principal investigators reply; staff moderate (hide) instead.",
    (
        "webhook-endpoint-detail",
        "PUT",
    ): "Aster's endpoint: staff only switch it off or delete it (api.webhooks.access).",
    ("resume-book-download", "GET"): "Aster's book: its recruiters download it; staff see it but do not download it.",
    ("event-download-material", "GET"): "the event's page lists its files to all who see it: without a confirmed "
    "seat a download is a 403 (it was a 404 before this table; fixed in api.events.access.is_insider).",
    ("deliverable-download[open]", "GET"): "Helix's task is not confidential, so Aster's people see its deliverables "
    "in full, but its report files are for its team, its sponsors and staff: 403.",
    ("auth-login", "POST"): "a read token is refused before the view: signing in is a write like any other.",
}

# Which world objects a route's path names: {url kwarg: world attribute}. "route METHOD" overrides "route",
# so a DELETE can aim at a twin that nothing depends on (a task without deliverables...).
TARGETS = {
    "token-detail": {"pk": "sponsor_token_id"},
    "audit-detail": {"pk": "audit_event"},
    "organisation-detail": {"pk": "spare_company"},
    "person-detail": {"pk": "sponsor"},
    "program-detail": {"pk": "spare_program"},
    "task-detail": {"pk": "task"},
    "task-detail DELETE": {"pk": "spare_task"},
    "task-detail[open]": {"pk": "other_task"},
    "deliverable-detail": {"pk": "deliverable"},
    "deliverable-detail DELETE": {"pk": "spare_deliverable"},
    "deliverable-accept": {"pk": "deliverable"},
    "deliverable-request-revision": {"pk": "deliverable"},
    "deliverable-extend": {"pk": "spare_deliverable"},  # a submitted deliverable is not extended (409)
    "deliverable-skip": {"pk": "spare_deliverable"},
    "deliverable-reports": {"pk": "deliverable"},
    "deliverable-download": {"pk": "deliverable", "report_id": "report"},
    "deliverable-detail[open]": {"pk": "other_deliverable"},
    "deliverable-download[open]": {"pk": "other_deliverable", "report_id": "other_report"},
    "publication-citation": {"pk": "sponsors_paper"},
    "publication-detail": {"pk": "sponsors_paper"},
    "publication-detail DELETE": {"pk": "spare_paper"},
    "publication-detail[public]": {"pk": "public_paper"},
    "publication-detail[embargoed]": {"pk": "embargoed_paper"},
    "publication-download": {"pk": "sponsors_paper", "file_id": "sponsors_file"},
    "publication-download[public]": {"pk": "public_paper", "file_id": "public_file"},
    "publication-files": {"pk": "sponsors_paper"},
    "publication-remove-file": {"pk": "sponsors_paper", "file_id": "sponsors_file"},
    "feedback-detail": {"pk": "feedback"},
    "feedback-detail[hidden]": {"pk": "hidden_feedback"},  # hidden by staff: seen by staff and its author only
    "feedback-hide": {"pk": "feedback"},
    "feedback-unhide": {"pk": "hidden_feedback"},  # seen by staff and its author only
    "feedback-replies": {"pk": "feedback"},
    "event-personal-feed": {"token": "feed_secret"},
    "event-ics": {"pk": "event"},
    "event-detail": {"pk": "event"},
    "event-detail[draft]": {"pk": "draft_event"},
    "event-attendance": {"pk": "event"},
    "event-figures": {"pk": "event"},
    "event-cancel": {"pk": "event"},
    "event-materials": {"pk": "event", "session_id": "session"},
    "event-download-material": {"pk": "event", "session_id": "session", "material_id": "material"},
    "event-registration-list": {"event_pk": "event"},
    "event-registration-list POST": {"event_pk": "open_event"},  # the sponsor already holds a seat at `event`
    "event-registration-detail": {"event_pk": "event", "pk": "registration"},
    "event-registration-cancel": {"event_pk": "event", "pk": "registration"},
    "event-registration-check-in": {"event_pk": "event", "pk": "registration"},
    "career-profile-detail": {"pk": "profile"},
    "career-profile-cv": {"pk": "profile"},
    "recruiter-detail": {"pk": "recruiter"},
    "resume-book-detail": {"pk": "resume_book"},
    "resume-book-download": {"pk": "resume_book"},
    "webhook-endpoint-detail": {"pk": "endpoint"},
    "webhook-endpoint-rotate-secret": {"pk": "endpoint"},
    "webhook-endpoint-test": {"pk": "endpoint"},
    "webhook-delivery-list": {"endpoint_pk": "endpoint"},
    "webhook-delivery-detail": {"endpoint_pk": "endpoint", "pk": "delivery"},
    "webhook-delivery-replay": {"endpoint_pk": "endpoint", "pk": "delivery"},
}

# Query strings a route needs to answer at all (a citation format, the summary's task).
QUERIES = {
    "publication-export": {"format": "bibtex"},
    "publication-citation": {"format": "bibtex"},
    "feedback-summary": {"task": "{task}"},  # {name}: the id of that world object
}


def parse(table: str = MATRIX) -> list[tuple[str, str, dict[str, int]]]:
    """[(route, method, {role: status})] from the table, checking every line has a status per role."""
    header, *lines = [line.split() for line in table.strip().splitlines()]
    assert len(header) == 2 + len(ROLES), header
    rows = []
    for route, method, *statuses in lines:
        assert len(statuses) == len(ROLES), f"{route} {method}: {len(statuses)} statuses for {len(ROLES)} roles"
        rows.append((route, method, dict(zip(ROLES, map(int, statuses), strict=True))))
    keys = [(route, method) for route, method, _ in rows]
    assert len(keys) == len(set(keys)), "a route and method appear twice"
    return rows


def route_name(route: str) -> str:
    """The URL name of a table route: `publication-detail[public]` → `publication-detail`."""
    return route.split("[", 1)[0]


def target(route: str, method: str) -> dict[str, str]:
    return TARGETS.get(f"{route} {method}", TARGETS.get(route, {}))
