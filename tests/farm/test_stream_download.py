"""Gated files in `stream` mode through the farm: a 5 MB publication file downloaded concurrently
through HAProxy from two gunicorn workers, every byte checked, the workers' memory watched.

FileResponse hands the open file to gunicorn's wsgi.file_wrapper (sendfile), so a download must not
hold the file in the worker's memory: the workers' peak RSS (VmHWM) may grow by a few MB at most,
far less than one file per concurrent download. Bounded: DOWNLOADS downloads, CONCURRENCY at a time.
Run with -s to see the figures.
"""

import hashlib
import http.client
import math
import threading
import time
from pathlib import Path

from tests.farm.support import (
    descendants,
    farm_env,  # noqa: F401 (fixture)
    manage,
    needs_haproxy,
    running_farm,
)

pytestmark = needs_haproxy

FILE_BYTES = 5 * 1024 * 1024
WORKERS = 2
CONCURRENCY = 4
DOWNLOADS = 24
MB = 1024 * 1024
# A worker that read the file into memory would grow by 5 MB per download it serves at once.
GROWTH_LIMIT_PER_DOWNLOAD = 3 * MB

SETUP_SCRIPT = """
import random
from django.core.files.uploadedfile import SimpleUploadedFile
from api.accounts.models import User
from api.core.files.uploads import check_upload
from api.publications.models import Publication
from api.publications.services import publication_file_add

data = b"%PDF-1.7\\n" + random.Random(2026).randbytes(SIZE - 9)
publication = Publication.objects.create(
    title="Stream mode in the farm", kind=Publication.Kind.REPORT, year=2026, access=Publication.Access.MEMBERS
)
upload = check_upload(SimpleUploadedFile("large report.pdf", data, "application/pdf"), kinds=("pdf",))
record = publication_file_add(publication=publication, upload=upload, uploaded_by=User.objects.get(is_superuser=True))
print(f"{publication.pk} {record.pk} {upload.sha256}")
"""


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of a process, in bytes."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            fields[key] = int(value.split()[0]) * 1024
    return fields


def worker_processes(farm) -> dict[str, int]:
    """name -> pid of the gunicorn worker (the master's child) that serves requests."""
    found = {}
    for index in range(WORKERS):
        master = farm.child(f"web{index + 1}")["pid"]
        children = sorted(descendants(master))
        assert len(children) == 1, f"web{index + 1}: expected one gunicorn worker under {master}, got {children}"
        found[f"web{index + 1}"] = children[0]
    return found


class Downloads:
    def __init__(self, port: int, path: str, token: str, expected_sha256: str):
        self.port, self.path, self.token, self.expected = port, path, token, expected_sha256
        self.lock = threading.Lock()
        self.failures: list[str] = []
        self.bytes = 0
        self.remaining = 0

    def one(self) -> str | None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", self.path, headers={"Host": "localhost", "Authorization": f"Bearer {self.token}"})
            response = conn.getresponse()
            digest, size = hashlib.sha256(), 0
            while chunk := response.read(256 * 1024):  # read as a client would, not all at once
                digest.update(chunk)
                size += len(chunk)
            with self.lock:
                self.bytes += size
            if response.status != 200:
                return f"status {response.status}"
            if size != FILE_BYTES or digest.hexdigest() != self.expected:
                return f"{size} bytes, sha256 {digest.hexdigest()[:12]}"
            if not response.getheader("Content-Disposition", "").startswith("attachment;"):
                return "not an attachment"
            return None
        except OSError as exc:
            return repr(exc)
        finally:
            conn.close()

    def _loop(self):
        while True:
            with self.lock:
                if self.remaining == 0:
                    return
                self.remaining -= 1
            problem = self.one()
            if problem:
                with self.lock:
                    self.failures.append(problem)

    def run(self, count: int, concurrency: int) -> float:
        self.remaining = count
        threads = [threading.Thread(target=self._loop, daemon=True) for _ in range(concurrency)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads), "downloads did not finish within 120 s"
        return time.monotonic() - started


def test_concurrent_streamed_downloads_are_complete_and_do_not_load_the_file_into_memory(farm_env, tmp_path):  # noqa: F811
    env, token = farm_env
    env = {**env, "FILE_DELIVERY": "stream"}
    output = manage(env, "shell", "-c", SETUP_SCRIPT.replace("SIZE", str(FILE_BYTES)))
    publication, file_id, sha256 = output.strip().splitlines()[-1].split()  # after any log lines
    path = f"/api/v1/publications/{publication}/files/{file_id}/download/"

    with running_farm(tmp_path, env, workers=WORKERS) as farm:
        downloads = Downloads(farm.port, path, token, sha256)
        # Warm-up: every worker has served the view once (imports, caches, connection), one at a time.
        for _ in range(2 * WORKERS):
            assert downloads.one() is None
        workers = worker_processes(farm)
        before = {name: memory(pid) for name, pid in workers.items()}

        downloads.bytes = 0
        seconds = downloads.run(DOWNLOADS, CONCURRENCY)
        after = {name: memory(pid) for name, pid in workers.items()}
        assert worker_processes(farm) == workers, "a worker restarted during the downloads"

    throughput = downloads.bytes / MB / seconds
    print(
        f"\nstream mode: {DOWNLOADS} x {FILE_BYTES // MB} MB, {CONCURRENCY} at a time over {WORKERS} workers: "
        f"{seconds:.2f}s, {throughput:.0f} MB/s, {len(downloads.failures)} failed"
    )
    for name in workers:
        print(
            f"  {name}: VmRSS {before[name]['VmRSS'] / MB:.1f} -> {after[name]['VmRSS'] / MB:.1f} MB, "
            f"peak (VmHWM) {before[name]['VmHWM'] / MB:.1f} -> {after[name]['VmHWM'] / MB:.1f} MB"
        )
    assert downloads.failures == []
    assert downloads.bytes == DOWNLOADS * FILE_BYTES
    # Each worker serves at most this many downloads at once (HAProxy: leastconn, maxconn = threads).
    per_worker = math.ceil(CONCURRENCY / WORKERS)
    for name in workers:
        growth = after[name]["VmHWM"] - before[name]["VmHWM"]
        assert growth < GROWTH_LIMIT_PER_DOWNLOAD * per_worker, f"{name}: peak RSS grew {growth / MB:.1f} MB"
