"""Evidence in the benchmark (issue 18): the large set's open evaluation gets a document on every answer, and
`measure` times uploading a 5 MB PDF through the page's form and streaming the ministry ZIP of that
evaluation, with the gunicorn workers' peak memory (their VmHWM, read from /proc after a fresh start, so
the pages measured before do not count).
"""

from __future__ import annotations

import http.client
import re
import statistics
import time
import uuid
from pathlib import Path

DOCUMENT_BYTES = 2 * 1024 * 1024  # per answer: 274 answers make a ZIP of about 550 MB
UPLOAD_BYTES = 5 * 1024 * 1024
UPLOADS = 3
TARGET_WORKER_MB = 200


def pdf_bytes(size: int, seed: int) -> bytes:
    """A PDF-headed file of `size` bytes that does not compress (like a scanned decree)."""
    head = b"%PDF-1.4\n% bench evidence\n"
    tail = b"\n%%EOF\n"
    body = random_bytes(size - len(head) - len(tail), seed)
    return head + body + tail


def random_bytes(size: int, seed: int) -> bytes:
    import random

    return random.Random(seed).randbytes(size)


def populate(year: int | None = None, username: str = "staf", size: int = DOCUMENT_BYTES) -> int:
    """One PDF document on every answer of the latest evaluation on the 2024 instrument still in the
    self-assessment, through the evidence service (hash, limits, history as for a user). Returns the number
    of documents added (0 when they are there already)."""
    from django.contrib.auth.models import User
    from django.core.files.base import ContentFile

    from bench.populate import question_page_years
    from clusters.models import Evaluation, QuestionScore
    from evidence import filetypes, services
    from evidence.models import EvidenceDocument

    year = year or question_page_years()["open"]
    evaluation = Evaluation.objects.get(year=year)
    if EvidenceDocument.objects.filter(self_assessment__evaluation=evaluation).exists():
        return 0
    print(f"Evidence: a {size / 1024 / 1024:.0f} MB PDF on every answer of {year}", flush=True)
    user = User.objects.get(username=username)
    answers = (QuestionScore.objects.filter(self_assessment__evaluation=evaluation)
               .select_related("self_assessment__evaluation", "question").order_by("pk"))
    added = 0
    for number, answer in enumerate(answers):
        upload = services.Upload(content=ContentFile(pdf_bytes(size, number)),
                                 name=f"bukti-{answer.question.code}.pdf", kind=filetypes.PDF)
        services.evidence_add(self_assessment=answer.self_assessment, question_score=answer, uploads=[upload],
                              user=user)
        added += 1
    return added


def _workers(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return [int(pid) for pid in children]


def _status_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


def workers_peak_mb(master_pid: int) -> float:
    """The largest peak resident memory (VmHWM) of the server's workers since they started."""
    return max(_status_mb(pid, "VmHWM") for pid in _workers(master_pid))


def multipart(fields: dict[str, str], file_field: str, file_name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{file_name}"\r\n'
                 f"Content-Type: application/pdf\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def measure(host: str, port: int, cookie: str, master_pid: int, year: int) -> dict:
    """Uploads a 5 MB PDF to indicator 1's first answer `UPLOADS` times, then streams the evaluation's ZIP
    (read in 1 MB pieces and dropped); returns the times, sizes and the workers' peak memory."""
    csrf = re.search(r"csrftoken=([^;]+)", cookie).group(1)
    page = f"/evaluasi/{year}/indikator/1/bukti/"
    upload_times = []
    for number in range(UPLOADS):
        connection = http.client.HTTPConnection(host, port, timeout=300)
        connection.request("GET", page, headers={"Cookie": cookie})
        response = connection.getresponse()
        html = response.read().decode()
        assert response.status == 200, f"{page} answered {response.status}"
        answer = re.search(r'name="answer" value="(\d+)"', html).group(1)
        body, content_type = multipart({"csrfmiddlewaretoken": csrf, "answer": answer, "title": "Bench upload"},
                                        "files", f"bench-{number}.pdf", pdf_bytes(UPLOAD_BYTES, 10_000 + number))
        started = time.perf_counter()
        connection.request("POST", page, body=body, headers={
            "Cookie": cookie, "Content-Type": content_type, "Referer": f"http://{host}:{port}{page}"})
        response = connection.getresponse()
        response.read()
        upload_times.append(time.perf_counter() - started)
        connection.close()
        assert response.status == 302, f"upload answered {response.status}"
    after_uploads = workers_peak_mb(master_pid)

    connection = http.client.HTTPConnection(host, port, timeout=600)
    started = time.perf_counter()
    connection.request("GET", f"/evaluasi/{year}/bukti/unduh/", headers={"Cookie": cookie})
    response = connection.getresponse()
    assert response.status == 200, f"ZIP answered {response.status}"
    first_byte = time.perf_counter() - started
    received = 0
    while chunk := response.read(1024 * 1024):
        received += len(chunk)
    zip_seconds = time.perf_counter() - started
    connection.close()
    peak = workers_peak_mb(master_pid)
    return {
        "upload_mb": UPLOAD_BYTES / 1024 / 1024, "upload_s": statistics.median(upload_times),
        "upload_max_s": max(upload_times), "worker_peak_after_uploads_mb": round(after_uploads, 1),
        "zip_mb": round(received / 1024 / 1024, 1), "zip_first_byte_s": first_byte, "zip_s": zip_seconds,
        "worker_peak_mb": round(peak, 1), "target_worker_mb": TARGET_WORKER_MB,
    }


def media_root(database_url: str) -> str:
    """Each benchmark database keeps its files in its own folder, bench/media/<database> (git-ignored)."""
    import hashlib

    name = hashlib.sha256(database_url.encode()).hexdigest()[:12]
    return str(Path(__file__).resolve().parent / "media" / name)

