import datetime
import io
import json
import re
import stat
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from clusters.models import Evaluation, FieldDeduction, SelfAssessment
from clusters.services import evaluation_create
from core.backup import EXCLUDED, FORMAT, FORMAT_VERSION, RECORDS_MEMBER, records_checksum
from core.loading import LoadReport
from kelurahan.models import Patbm
from planner.models import IndicatorOffice, Office, PatbmRule
from planner.services import planner_defaults_load

pytestmark = pytest.mark.django_db(transaction=True)


MILLISECONDS = re.compile(r"(T\d\d:\d\d:\d\d)(\.\d{3})?Z")


def _snapshot():
    out = io.StringIO()
    call_command("dumpdata", exclude=EXCLUDED, natural_foreign=True, natural_primary=True, stdout=out)
    # A timestamp whose milliseconds are .000 is written without them: write every one with them.
    text = MILLISECONDS.sub(lambda m: f"{m.group(1)}{m.group(2) or '.000'}Z", out.getvalue())
    return sorted(json.loads(text), key=lambda row: (row["model"], str(row.get("pk")), str(row["fields"])))


def test_backup_and_restore_round_trip_gives_identical_data(demo, tmp_path):
    # Django's JSON keeps timestamps to the millisecond: compare at that precision.
    planner_defaults_load(report=LoadReport())  # the planner's offices and PATBM rule are data too
    before = _snapshot()
    path = tmp_path / "backup.zip"
    call_command("backup", str(path))

    # Evaluations cannot be deleted (PROTECT): change them instead.
    Evaluation.objects.filter(year=2019).update(note="diubah setelah cadangan")
    SelfAssessment.objects.filter(evaluation__year=2019).update(evidence="diubah")
    Patbm.objects.all().update(activist_count=0)

    call_command("restore", str(path), "--yes-replace-everything")
    assert _snapshot() == before
    assert Evaluation.objects.count() == 3
    assert FieldDeduction.objects.count() == 13
    assert SelfAssessment.history.count() > 0
    assert Office.objects.count() == 7 and PatbmRule.objects.count() == 1 and IndicatorOffice.objects.count() == 24


def test_restore_without_confirmation_changes_nothing(demo, tmp_path):
    path = tmp_path / "backup.zip"
    call_command("backup", str(path))
    Evaluation.objects.filter(year=2019).update(note="diubah setelah cadangan")
    with pytest.raises(CommandError, match="--yes-replace-everything"):
        call_command("restore", str(path))
    assert Evaluation.objects.get(year=2019).note == "diubah setelah cadangan"


def read_archive(path):
    """The manifest and records of a backup archive."""
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read(RECORDS_MEMBER))


def rewrite_archive(path, *, data=None, drop=(), replace=None):
    """Writes the archive again with `data` as its records and manifest, without the members in `drop` and
    with the bytes of the members in `replace`: an archive damaged or edited after it was written."""
    replace = replace or {}
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist() if info.filename not in drop}
    if data is not None:
        members[RECORDS_MEMBER] = json.dumps(data).encode()
    members.update(replace)
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)


def _write_backup(path, records, **manifest_changes):
    manifest = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "created_at": "2026-11-28T00:00:00+00:00",
        "record_count": len(records), "counts": dict(Counter(record["model"] for record in records)),
        "checksum": records_checksum(records), "files": [], **manifest_changes,
    }
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(RECORDS_MEMBER, json.dumps({"manifest": manifest, "records": records}))


def test_restore_of_a_broken_file_changes_nothing(demo, tmp_path):
    path = tmp_path / "broken.zip"
    # A complete file by its manifest whose record the database cannot take.
    _write_backup(path, [{"model": "clusters.evaluation", "pk": 1, "fields": {"year": "not a year"}}])
    with pytest.raises(Exception):  # noqa: B017 - loaddata raises DeserializationError
        call_command("restore", str(path), "--yes-replace-everything")
    assert Evaluation.objects.count() == 3


def _assert_refused(path, match):
    users, evaluations = User.objects.count(), Evaluation.objects.count()
    with pytest.raises(CommandError, match=match):
        call_command("restore", str(path), "--yes-replace-everything", stdout=io.StringIO())
    assert (User.objects.count(), Evaluation.objects.count()) == (users, evaluations)
    assert users > 0 and evaluations == 3


def test_an_empty_list_is_refused_and_changes_nothing(demo, tmp_path):
    path = tmp_path / "empty.json"
    path.write_text("[]")  # restored as "Database restored" with 0 users before
    _assert_refused(path, "no manifest")


def test_a_backup_without_records_is_refused(demo, tmp_path):
    path = tmp_path / "no-records.zip"
    _write_backup(path, [])
    _assert_refused(path, "holds no records")


def test_a_backup_missing_records_its_manifest_counts_is_refused(demo, tmp_path):
    path = tmp_path / "backup.zip"
    call_command("backup", str(path), stdout=io.StringIO())
    data = read_archive(path)
    data["records"] = [record for record in data["records"] if record["model"] != "auth.user"]
    rewrite_archive(path, data=data)
    _assert_refused(path, r"incomplete.*auth\.user: 0 of 4")  # the four demo logins


def test_a_backup_changed_after_writing_is_refused(demo, tmp_path):
    path = tmp_path / "backup.zip"
    call_command("backup", str(path), stdout=io.StringIO())
    data = read_archive(path)
    evaluation = next(record for record in data["records"] if record["model"] == "clusters.evaluation")
    evaluation["fields"]["note"] = "edited"
    rewrite_archive(path, data=data)
    _assert_refused(path, "checksum does not match")


def test_a_truncated_file_is_refused(demo, tmp_path):
    path = tmp_path / "backup.zip"
    call_command("backup", str(path), stdout=io.StringIO())
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    _assert_refused(path, "neither a backup archive nor a readable JSON backup")


def test_an_old_backup_without_manifest_is_refused(demo, tmp_path):
    path = tmp_path / "old.json"
    call_command("dumpdata", exclude=EXCLUDED, natural_foreign=True, natural_primary=True, output=str(path))
    _assert_refused(path, "no manifest")


def test_restore_shows_what_it_replaces_and_asks_first(demo, tmp_path, monkeypatch):
    path = tmp_path / "backup.zip"
    call_command("backup", str(path), stdout=io.StringIO())
    evaluation_create(year=2020)  # nothing with history can be deleted: the database differs by one more
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    questions = []

    def answer(word):
        def _input(question):
            questions.append(question)
            return word
        return _input

    monkeypatch.setattr("builtins.input", answer("no"))
    out = io.StringIO()
    with pytest.raises(CommandError, match="Nothing restored"):
        call_command("restore", str(path), stdout=out)
    assert len(questions) == 1
    # Counts now and in the file, per model, before anything is replaced.
    assert re.search(r"clusters\.evaluation\s+4\s+3\n", out.getvalue())
    assert re.search(r"auth\.user\s+4\s+4\n", out.getvalue())  # the four demo logins
    assert Evaluation.objects.count() == 4

    monkeypatch.setattr("builtins.input", answer("yes"))
    call_command("restore", str(path), stdout=io.StringIO())
    assert Evaluation.objects.count() == 3


def test_the_backup_file_is_readable_by_its_owner_only(demo, tmp_path):
    path = tmp_path / "backup.zip"
    path.write_text("old")
    path.chmod(0o644)  # an existing file is replaced, not written through its old mode
    call_command("backup", str(path), stdout=io.StringIO())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_archive(path)["manifest"]["counts"]["auth.user"] == 4  # the four demo logins
    assert [p.name for p in tmp_path.iterdir()] == ["backup.zip"]  # no temporary file left


def test_a_bare_name_goes_to_the_backup_folder_outside_the_project(demo, tmp_path, settings, monkeypatch):
    from kla_tracker.settings import BACKUP_DIR, BASE_DIR

    assert not Path(BACKUP_DIR).resolve().is_relative_to(BASE_DIR.resolve())
    settings.BACKUP_DIR = tmp_path / "backups"
    monkeypatch.chdir(tmp_path)
    call_command("backup", "nightly.zip", stdout=io.StringIO())
    call_command("backup", stdout=io.StringIO())
    written = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert written[1] == "nightly.zip" and re.fullmatch(r"kla-backup-\d{8}-\d{6}\.zip", written[0])
    assert not (tmp_path / "nightly.zip").exists()
    assert stat.S_IMODE((tmp_path / "backups").stat().st_mode) == 0o700
    call_command("restore", "nightly.zip", "--yes-replace-everything", stdout=io.StringIO())


def test_backup_files_are_ignored_by_git():
    root = Path(__file__).resolve().parents[2]
    if subprocess.run(["git", "-C", str(root), "rev-parse"], capture_output=True).returncode != 0:
        pytest.skip("not a git checkout")
    for name in ("kla-backup-20261128-020000.zip", "nightly.backup.zip", "kla-backup-20261128-020000.json",
                 "nightly.backup.json", "backups/kla.zip"):
        assert subprocess.run(["git", "-C", str(root), "check-ignore", "-q", name]).returncode == 0, name


def test_a_time_under_a_millisecond_is_written_as_it_restores(demo, tmp_path):
    """Django writes times to the millisecond: 12:00:00.000500 is written as it restores (12:00:00),
    so a backup of the restored database has the same checksum as the first (the PostgreSQL round
    trip failed one run in a few when a history row was saved within a millisecond of a second)."""
    from clusters.models import Evaluation
    from core.backup import backup_read, backup_restore, backup_write

    moment = datetime.datetime(2024, 5, 6, 7, 8, 9, 500, tzinfo=datetime.UTC)
    Evaluation.history.filter(year=2019).update(history_date=moment)
    first = backup_write(path=tmp_path / "first.zip")
    dates = {r["fields"]["history_date"] for r in first.records
             if r["model"] == "clusters.historicalevaluation" and r["fields"]["year"] == 2019}
    assert dates == {"2024-05-06T07:08:09Z"}
    backup_restore(backup=backup_read(path=tmp_path / "first.zip"))
    second = backup_write(path=tmp_path / "second.zip")
    assert second.manifest["checksum"] == first.manifest["checksum"]
