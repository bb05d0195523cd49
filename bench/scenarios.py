"""What the benchmark loads: issue 10's nine scenarios, as wrk invocations (a path, headers, a Lua script).

`Scenario.read` marks the read endpoints (the p99 <= 4 x p50 target); `list_path` the list endpoints whose
queries per request must stay constant (sampled on several pages, see bench/run.py).

The write scenario (`register_cancel`) alternates, per wrk thread, POST register and POST cancel on a
published public event with unlimited capacity, for people who each hold a cancelled registration
(bench/prepare.py): a register re-opens that person's row (201) and, 256 requests later on the same
thread, its cancel closes it (200), long before the thread comes back to the same person (1,000
people per thread). So every request succeeds, and each is one write transaction: the event row
locked, the seats counted, the registration saved, the audit record written (an email queued after
commit goes to Django's dummy backend in the bench).
"""

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from bench.dataset import WORDS

PAGE = "page_size=50"
SEARCH_TERM = "resist"  # for the query-count samples: in many titles and abstracts (bench.dataset.VOCABULARY)
SEARCH_TERMS = sorted(set(WORDS))  # the search scenario cycles through them
WRITE_LAG = 256  # requests between a person's register and their cancel, on one wrk thread


@dataclass
class Scenario:
    name: str
    title: str
    path: str
    headers: list[str] = field(default_factory=list)
    script: str | None = None  # Lua source, written to a file for wrk -s
    read: bool = True
    list_path: str | None = None  # a list endpoint: path with {page} for the query-count samples
    connections: int | None = None  # None: the run's --concurrency
    sample_headers: dict = field(default_factory=dict)


# Varies a no-op query parameter per request, so every request misses the response cache (the
# strict filters accept unknown parameters; the cache key includes the whole query).
COLD_LUA = """
local counter = 0
local nonce = "%(nonce)s"
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function request()
  counter = counter + 1
  return wrk.format("GET", "%(path)s&nocache=" .. nonce .. "-" .. tid .. "-" .. counter)
end
"""

WRITE_LUA = """
local writers = {%(writers)s}
local lag = %(lag)d
local counter = 0
local mine = {}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
  thread:set("nthreads", %(nthreads)d)
end
function init(args)
  for i, w in ipairs(writers) do
    if (i - 1) %% nthreads == tid - 1 then table.insert(mine, w) end
  end
end
local headers = {["Authorization"] = "Bearer %(token)s", ["Content-Type"] = "application/json"}
local base = "/api/v1/events/%(event)d/registrations/"
function request()
  counter = counter + 1
  local j = math.floor((counter - 1) / 2)
  if counter %% 2 == 1 then
    local w = mine[(j %% #mine) + 1]
    return wrk.format("POST", base, headers, '{"person": ' .. w[1] .. '}')
  end
  local w = mine[((j - lag) %% #mine) + 1]
  return wrk.format("POST", base .. w[2] .. "/cancel/", headers, "")
end
"""


def cold_script(path: str, nonce: str) -> str:
    return COLD_LUA % {"path": path, "nonce": nonce}


def search_script(path: str, nonce: str) -> str:
    """Like COLD_LUA, and `q` cycles through the dataset's vocabulary: different searches, each computed."""
    terms = ",".join(f'"{quote(word.lower())}"' for word in SEARCH_TERMS)
    lua = COLD_LUA % {"path": path + '&q=" .. terms[(counter % #terms) + 1] .. "', "nonce": nonce}
    return f"local terms = {{{terms}}}\n" + lua


def write_script(*, token: str, event_id: int, writers: list, nthreads: int) -> str:
    pairs = ",".join(f"{{{person},{registration}}}" for person, registration in writers)
    return WRITE_LUA % {"writers": pairs, "lag": WRITE_LAG, "token": token, "event": event_id, "nthreads": nthreads}


def scenarios(fixtures: dict, *, etag: str, nonce: str, wrk_threads: int) -> list[Scenario]:
    member = f"Authorization: Bearer {fixtures['member_token']}"
    staff = f"Authorization: Bearer {fixtures['staff_token']}"
    pubs = f"/api/v1/publications/?{PAGE}"
    download = f"/api/v1/publications/{fixtures['big_file_publication_id']}/files/{fixtures['big_file_id']}/download/"
    return [
        Scenario("ceiling", "1. ceiling: minimal JSON view, no database", "/bench/ceiling/"),
        Scenario("healthz", "2. /healthz", "/healthz"),
        Scenario(
            "publications_cold",
            "3a. publications, 50/page, anonymous, cold cache (every request misses the answer cache; "
            "the total and the rows come from theirs)",
            pubs,
            script=cold_script(pubs, nonce),
            list_path=f"/api/v1/publications/?{PAGE}&page={{page}}",
        ),
        Scenario("publications_warm", "3b. publications, 50/page, anonymous, warm cache", pubs),
        Scenario(
            "publications_304",
            "4. publications with If-None-Match: 304",
            pubs,
            headers=[f"If-None-Match: {etag}"],
            sample_headers={"If-None-Match": etag},
        ),
        Scenario(
            "tasks_member",
            "5. tasks with deliverable summaries, member token",
            f"/api/v1/tasks/?{PAGE}",
            headers=[member],
            list_path=f"/api/v1/tasks/?{PAGE}&page={{page}}",
        ),
        Scenario(
            "tasks_member_cold",
            "5'. the same, cold cache (every request misses the answer cache; the total comes from its cache)",
            f"/api/v1/tasks/?{PAGE}",
            headers=[member],
            script=cold_script(f"/api/v1/tasks/?{PAGE}", nonce),
        ),
        Scenario(
            "search",
            f"6. publication search, q cycling through {len(SEARCH_TERMS)} words, cold cache (every request misses "
            "the answer cache; after the first round each word's total and rows come from theirs)",
            f"{pubs}&q={SEARCH_TERM}",
            script=search_script(pubs, nonce),
            list_path=f"{pubs}&q={SEARCH_TERM}&page={{page}}",
        ),
        Scenario(
            "register_cancel",
            "7. event registration POST + cancel POST (staff token, writes)",
            f"/api/v1/events/{fixtures['event_id']}/registrations/",
            script=write_script(
                token=fixtures["staff_token"],
                event_id=fixtures["event_id"],
                writers=fixtures["writers"],
                nthreads=wrk_threads,
            ),
            read=False,
        ),
        Scenario("report_usage", "8. usage report (staff token)", "/api/v1/reports/usage/", headers=[staff]),
        Scenario("download_5mb", "9. 5 MB file download, stream mode", download, connections=8),
        # Again at the end: on a shared box the ceiling drifts during a run; ratios use the mean of both.
        Scenario("ceiling_end", "1'. ceiling again, at the end", "/bench/ceiling/"),
    ]


def write_scripts(items: list[Scenario], directory: Path) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for item in items:
        if item.script:
            path = directory / f"{item.name}.lua"
            path.write_text(item.script)
            paths[item.name] = path
    return paths
