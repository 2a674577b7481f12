"""`make serve` itself: gunicorn with DEBUG off and the production settings (HTTPS behind a proxy,
secure cookies, HSTS, CSP, WhiteNoise), and the dashboard draws in Chromium with the policy on.

The server runs on its own database (a SQLite file, or a scratch PostgreSQL database when the suite
runs on PostgreSQL), loaded the way the README tells an office to: migrate, reference data, then
(here) the demo. Playwright sends X-Forwarded-Proto as the TLS-terminating reverse proxy would.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from types import SimpleNamespace

import dj_database_url
import pytest
from django.conf import settings

from tests.browser.conftest import log_in

PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def serve_database(tmp_path):
    """A DATABASE_URL of its own for the served app, on the engine the suite runs on."""
    current = settings.DATABASES["default"]
    if current["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{tmp_path / 'serve.sqlite3'}"
        return
    import psycopg2

    name = f"kla_serve_{os.getpid()}"
    server = {key: current[key] for key in ("HOST", "PORT", "USER", "PASSWORD") if current.get(key)}
    admin = psycopg2.connect(dbname="postgres", **{k.lower(): v for k, v in server.items()})
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    url = dj_database_url.parse(os.environ["DATABASE_URL"])
    yield f"postgres://{url['USER']}@{url['HOST']}:{url['PORT'] or 5432}/{name}"
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _serve(serve_database, tmp_path, *, make_args=(), setup_script=""):
    """`make serve` on a free port, after the data is loaded (and `setup_script` run in the app's shell);
    stopped (with its workers) when the generator resumes."""
    port = _free_port()
    # The server gets a production environment: not the test settings, nor the async switch the
    # browser fixture sets for this process (check --deploy rightly refuses it).
    test_only = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {key: value for key, value in os.environ.items() if key not in test_only}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        # The browser here speaks plain HTTP to gunicorn, so its Origin is http://; behind the real
        # proxy it is the https:// address (see CSRF_TRUSTED_ORIGINS in .env.example).
        CSRF_TRUSTED_ORIGINS=f"http://127.0.0.1:{port}",
        SECURE_HTTPS="1",
        DATABASE_URL=serve_database,
        MEDIA_ROOT=str(tmp_path / "media"),
        PORT=str(port),
        WORKERS="2",
    )
    root = settings.BASE_DIR
    commands = [["migrate", "--verbosity", "0"], ["load_reference_data"], ["load_demo"]]
    if setup_script:
        commands.append(["shell", "-c", setup_script])
    for command in commands:
        subprocess.run([sys.executable, "manage.py", *command], cwd=root, env=env, check=True, capture_output=True)
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        ["make", "--no-print-directory", "serve", f"PORT={port}", *make_args],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server, tmp_path / "serve.log")
        yield SimpleNamespace(url=url, log=tmp_path / "serve.log")
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        log.close()


@pytest.fixture
def served_app(serve_database, tmp_path):
    yield from _serve(serve_database, tmp_path)


def _wait_until_up(url, server, log_path, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"make serve stopped with {server.returncode}:\n{log_path.read_text()}")
        request = urllib.request.Request(f"{url}/akun/login/", headers=PROXY_HEADERS)
        try:
            with urllib.request.urlopen(request, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    pytest.fail(f"make serve did not answer within {timeout} s:\n{log_path.read_text()}")


def test_make_serve_runs_the_app_with_debug_off_and_the_dashboard_draws_under_the_csp(chromium, served_app):
    context = chromium.new_context(
        viewport={"width": 1280, "height": 900}, locale="id-ID", extra_http_headers=PROXY_HEADERS
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    violations = []
    page.on("console", lambda message: violations.append(message.text) if "Security Policy" in message.text else None)
    try:
        log_in(page, served_app, "gugus")
        assert "/akun/login/" not in page.url, "the demo user could not log in"
        response = page.goto(f"{served_app.url}/")
        page.wait_for_load_state("networkidle")
        headers = response.headers
        assert response.status == 200
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["strict-transport-security"].startswith("max-age=")
        cookies = {cookie["name"]: cookie for cookie in context.cookies()}
        assert cookies["sessionid"]["secure"] and cookies["sessionid"]["httpOnly"]

        charts = page.locator("[data-figure]")
        assert charts.count() >= 5
        for chart in charts.all():
            chart.locator(".main-svg").first.wait_for()  # every chart drew under the policy
        assert violations == []
        body = page.locator("main").inner_text()
        assert "Madya" in body  # the 2018 predicate of the demo, computed by the served app

        # Static files come hashed, compressed and cached for a long time (WhiteNoise).
        scripts = page.evaluate("[...document.scripts].map(s => s.src).filter(Boolean)")
        plotly = next(src for src in scripts if "plotly" in src)
        asset = context.request.get(plotly, headers={"Accept-Encoding": "br, gzip"})
        assert asset.status == 200
        assert asset.headers.get("content-encoding") in {"br", "gzip"}
        assert "max-age=315360000" in asset.headers["cache-control"]
        assert "immutable" in asset.headers["cache-control"]

        # Debug is off: an unknown page is the plain 404, not Django's technical page.
        missing = page.goto(f"{served_app.url}/tidak-ada/")
        assert missing.status == 404 and "URLconf" not in page.content()
    finally:
        context.close()
    log = served_app.log.read_text()
    assert "gunicorn" in log.lower() and "Booting worker" in log


# A 2026 evaluation on the 2024 instrument with one 9 MB PDF on indicator 1's first question.
_EVIDENCE_SETUP = """
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from bench.evidence import pdf_bytes
from clusters.models import Instrument, QuestionScore
from clusters.services import evaluation_create
from evidence import filetypes, services
evaluation = evaluation_create(year=2026, instrument=Instrument.objects.get(code=Instrument.INSTRUMENT_2024))
answer = QuestionScore.objects.filter(self_assessment__evaluation=evaluation).order_by("pk").first()
upload = services.Upload(content=ContentFile(pdf_bytes(9 * 1024 * 1024, 1)), name="perwal.pdf", kind=filetypes.PDF)
services.evidence_add(self_assessment=answer.self_assessment, question_score=answer, uploads=[upload],
                      user=User.objects.get(username="staf"))
"""


@pytest.fixture
def served_app_short_timeout(serve_database, tmp_path):
    yield from _serve(serve_database, tmp_path, make_args=["TIMEOUT=2"], setup_script=_EVIDENCE_SETUP)


def test_a_download_slower_than_the_workers_timeout_arrives_whole(chromium, served_app_short_timeout):
    """The ministry ZIP streams at the client's pace: a sync worker was killed after `--timeout` seconds in
    the middle of it (the archive cut short). `make serve` runs threaded workers, whose heartbeat does not
    wait for a request to end."""
    import http.client
    import io
    import zipfile

    app = served_app_short_timeout
    context = chromium.new_context(extra_http_headers=PROXY_HEADERS)
    page = context.new_page()
    try:
        log_in(page, app, "staf")
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())
    finally:
        context.close()
    host, port = app.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    connection.request("GET", "/evaluasi/2026/bukti/unduh/", headers={"Cookie": cookie, **PROXY_HEADERS})
    response = connection.getresponse()
    assert response.status == 200
    received, started = io.BytesIO(), time.monotonic()
    while chunk := response.read(256 * 1024):  # about 1 MB/s: 9 s for the file, four times the timeout
        received.write(chunk)
        time.sleep(0.25)
    connection.close()
    assert time.monotonic() - started > 8
    archive = zipfile.ZipFile(received)
    assert archive.testzip() is None
    pdfs = [info for info in archive.infolist() if info.filename.endswith(".pdf")]
    assert [info.file_size for info in pdfs] == [9 * 1024 * 1024]
    assert "WORKER TIMEOUT" not in app.log.read_text()
