"""A backup made on SQLite with the longest values the app allows, and a stored file, restores into
PostgreSQL on another media folder.

SQLite does not enforce `varchar(n)`; PostgreSQL does. The two databases run in subprocesses of
manage.py with their own DATABASE_URL: a temporary SQLite file and a temporary PostgreSQL database.
Skipped when PostgreSQL is unreachable, except in CI (CI=true), where that is a failure.
"""

import functools
import json
import os
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import dj_database_url
import pytest

ROOT = Path(__file__).resolve().parents[2]
# The server of the suite's own PostgreSQL database when it runs on one, else the local default (CI's).
_SUITE_URL = os.environ.get("DATABASE_URL", "")
SERVER_URL = (_SUITE_URL.rsplit("/", 1)[0] if _SUITE_URL.startswith("postgres") else
              "postgres://postgres@127.0.0.1:5432") + "/postgres"
LONG_CHAR = "ä"  # not ASCII: a limit counted in bytes would fail too
PDF_CONTENT = b"%PDF-1.4\n% Perwal KLA\ntrailer<</Root 1 0 R>>\n%%EOF\n"

# Fills, on one row of every model of the project (history included) and on one user, every free-text
# column to its full length: the stage-change reason (history, 100), the scenario name (120), the SK
# number (100), names... Coded columns (regex-checked codes, choices, slugs) keep their valid values.
FILL_LONGEST = f"""
from django.apps import apps
from django.contrib.auth.models import User
from django.core.validators import RegexValidator
from django.db import models
from clusters.models import Evaluation
from clusters.services import evaluation_stage_change

limit = Evaluation.history.model._meta.get_field("history_change_reason").max_length
try:  # one character more is not allowed (SQLite would store it, PostgreSQL refuse it)
    evaluation_stage_change(evaluation=Evaluation.objects.get(year=2018),
                            stage=Evaluation.Stage.ADMIN_VERIFICATION, reason="{LONG_CHAR}" * (limit + 1))
    raise SystemExit("a stage-change reason longer than its column was accepted")
except ValueError:
    pass
evaluation_stage_change(evaluation=Evaluation.objects.get(year=2018),
                        stage=Evaluation.Stage.ADMIN_VERIFICATION, reason="{LONG_CHAR}" * limit)
filled = 0
for model in [*apps.get_app_config("clusters").get_models(), *apps.get_app_config("kelurahan").get_models(),
              *apps.get_app_config("planner").get_models(), User]:
    row = model._default_manager.order_by("pk").first()
    if row is None:
        continue
    values = {{}}
    for field in model._meta.concrete_fields:
        free_text = type(field) in (models.CharField, models.TextField) and not field.choices
        if not free_text or field.primary_key or any(isinstance(v, RegexValidator) for v in field.validators):
            continue
        if field.name in ("code", "username") or field.name.endswith("_id"):
            continue
        values[field.name] = "{LONG_CHAR}" * (field.max_length or 20000)
    if values:
        model._default_manager.filter(pk=row.pk).update(**values)
        filled += len(values)
print(filled)
"""


# A 2026 evaluation with one evidence PDF: its file must come along into the other server's media folder.
ADD_EVIDENCE = f"""
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from clusters.models import Instrument, SelfAssessment
from clusters.services import evaluation_create
from evidence import filetypes, services
evaluation = evaluation_create(year=2026, instrument=Instrument.objects.get(code="kla-2024"))
row = SelfAssessment.objects.get(evaluation=evaluation, indicator__code="1")
[document] = services.evidence_add(
    self_assessment=row, question_score=row.question_scores.order_by("question__order").first(),
    uploads=[services.Upload(content=ContentFile({PDF_CONTENT!r}, name="perwal.pdf"), name="perwal.pdf",
                             kind=filetypes.PDF)], user=User.objects.get(username="staf"))
print(document.files.get().file.name)
"""


def _server_reachable() -> str | None:
    import psycopg2

    try:
        psycopg2.connect(**_connect_args(SERVER_URL), connect_timeout=3).close()
    except psycopg2.OperationalError as error:
        return str(error)
    return None


def _connect_args(url):
    config = dj_database_url.parse(url)
    return {"dbname": config["NAME"], "user": config["USER"], "password": config["PASSWORD"] or None,
            "host": config["HOST"], "port": config["PORT"] or 5432}


def _admin(sql):
    import psycopg2

    connection = psycopg2.connect(**_connect_args(SERVER_URL))
    connection.autocommit = True
    try:
        connection.cursor().execute(sql)
    finally:
        connection.close()


def _manage(database_url, *args, media_root):
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "kla_tracker.test_settings",
           "MEDIA_ROOT": str(media_root)}
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, f"manage.py {' '.join(args[:1])} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _read_archive(path):
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("backup.json"))


@pytest.fixture
def postgres_url():
    problem = _server_reachable()
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL is unreachable in CI: {problem}")
        pytest.skip(f"PostgreSQL is unreachable: {problem}")
    name = f"kla_restore_{uuid.uuid4().hex[:12]}"
    _admin(f'CREATE DATABASE "{name}"')
    try:
        yield SERVER_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_sqlite_backup_with_the_longest_values_and_a_file_restores_into_postgresql(tmp_path, postgres_url):
    sqlite_url = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    source_media, target_media = tmp_path / "source-media", tmp_path / "target-media"
    on_sqlite = functools.partial(_manage, sqlite_url, media_root=source_media)
    on_postgres = functools.partial(_manage, postgres_url, media_root=target_media)
    on_sqlite("migrate", "--verbosity", "0")
    on_sqlite("load_reference_data")
    on_sqlite("load_planner_defaults")
    on_sqlite("load_demo")
    assert int(on_sqlite("shell", "-c", FILL_LONGEST).strip().splitlines()[-1]) >= 15
    file_name = on_sqlite("shell", "-c", ADD_EVIDENCE).strip().splitlines()[-1]
    source = tmp_path / "sqlite-backup.zip"
    on_sqlite("backup", str(source))

    on_postgres("migrate", "--verbosity", "0")
    on_postgres("restore", str(source), "--yes-replace-everything")
    assert (target_media / file_name).read_bytes() == PDF_CONTENT  # in the other server's media folder
    copy = tmp_path / "postgres-backup.zip"
    on_postgres("backup", str(copy))

    written, restored = (_read_archive(path)["manifest"] for path in (source, copy))
    assert restored["counts"] == written["counts"]
    assert restored["checksum"] == written["checksum"]  # the very same records, long values included
    assert restored["files"] == written["files"] and [f["name"] for f in written["files"]] == [file_name]
    records = _read_archive(copy)["records"]
    reasons = [r["fields"]["history_change_reason"] for r in records if r["model"] == "clusters.historicalevaluation"]
    assert LONG_CHAR * 100 in reasons
    sk_numbers = [r["fields"]["sk_number"] for r in records if r["model"] == "kelurahan.patbm"]
    assert LONG_CHAR * 100 in sk_numbers
    office_names = [r["fields"]["name"] for r in records if r["model"] == "planner.office"]
    assert LONG_CHAR * 120 in office_names
