"""A backup holds the stored files (evidence documents and their thumbnails) beside the records: a round trip
brings them back byte for byte, and an archive whose file part is missing, altered or unlisted is refused
before anything is replaced."""

import hashlib
import io
import json
import shutil
import zipfile
from collections import Counter

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from clusters.models import Evaluation, Instrument, SelfAssessment
from clusters.services import evaluation_create
from core import backup as backup_module
from core.backup import EXCLUDED, RECORDS_MEMBER, backup_read, backup_restore, records_checksum
from evidence import filetypes, services
from evidence.models import EvidenceFile
from tests.core.test_backup import read_archive, rewrite_archive
from tests.evidence import files

pytestmark = pytest.mark.django_db(transaction=True)

PDF = files.pdf("Perwal KLA 5/2024")
PNG = files.image("PNG", size=(1200, 800))


@pytest.fixture
def evidence(demo, staff_user):
    """The demo plus a 2026 evaluation with a PDF and a PNG (and the PNG's thumbnail) on its first question."""
    evaluation = evaluation_create(year=2026, instrument=Instrument.objects.get(code="kla-2024"))
    row = SelfAssessment.objects.get(evaluation=evaluation, indicator__code="1")
    question = row.question_scores.order_by("question__order").first()
    uploads = [
        services.Upload(content=ContentFile(PDF, name="perwal.pdf"), name="perwal.pdf", kind=filetypes.PDF),
        services.Upload(content=ContentFile(PNG, name="foto.png"), name="foto.png", kind=filetypes.PNG),
    ]
    services.evidence_add(self_assessment=row, question_score=question, uploads=uploads, user=staff_user)
    pdf, png = EvidenceFile.objects.order_by("pk")
    assert png.thumbnail
    return {pdf.file.name: PDF, png.file.name: PNG, png.thumbnail.name: None}


def _stored(media_root):
    """Every stored file under the media folder, by its storage name, with its bytes."""
    if not media_root.exists():
        return {}
    return {str(p.relative_to(media_root)): p.read_bytes() for p in sorted(media_root.rglob("*")) if p.is_file()}


def _restore(path):
    call_command("restore", str(path), "--yes-replace-everything", stdout=io.StringIO())


def test_a_round_trip_brings_back_every_stored_file_byte_for_byte(evidence, tmp_path, media_root, client):
    stored = _stored(media_root)
    assert set(stored) == set(evidence) and len(stored) == 3
    path = tmp_path / "backup.zip"
    out = io.StringIO()
    call_command("backup", str(path), stdout=out)
    assert "3 files" in out.getvalue()
    manifest = read_archive(path)["manifest"]
    assert sorted((f["storage"], f["name"], f["size"], f["sha256"]) for f in manifest["files"]) == sorted(
        ("evidence", name, len(content), hashlib.sha256(content).hexdigest()) for name, content in stored.items())

    shutil.rmtree(media_root)  # the server's media folder is lost...
    Evaluation.objects.filter(year=2019).update(note="diubah setelah cadangan")  # ...and the database changed
    EvidenceFile.objects.filter(kind="png").update(original_name="lain.png")

    out = io.StringIO()
    call_command("restore", str(path), "--yes-replace-everything", stdout=out)
    assert "3 written, 0 already in place, 0 replaced" in out.getvalue()
    assert _stored(media_root) == stored
    assert Evaluation.objects.get(year=2019).note != "diubah setelah cadangan"
    assert set(EvidenceFile.objects.values_list("original_name", flat=True)) == {"perwal.pdf", "foto.png"}

    # The app serves them again, through its permission-checked views, to a user restored with them.
    client.force_login(User.objects.get(username="staf-test"))
    pdf, png = EvidenceFile.objects.order_by("pk")
    response = client.get(reverse("evidence:file", kwargs={"year": 2026, "pk": pdf.pk}))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    response = client.get(reverse("evidence:file", kwargs={"year": 2026, "pk": png.pk}))
    assert b"".join(response.streaming_content) == PNG
    response = client.get(reverse("evidence:thumbnail", kwargs={"year": 2026, "pk": png.pk}))
    assert b"".join(response.streaming_content) == stored[png.thumbnail.name]

    # Restored again over files already in place: they are checked and left alone.
    result = backup_restore(backup=backup_read(path=path))
    assert (result.written, result.present, result.replaced) == (0, 3, 0)
    assert _stored(media_root) == stored


def test_a_damaged_copy_in_the_storage_is_replaced_by_the_archived_file(evidence, tmp_path, media_root):
    path = tmp_path / "backup.zip"
    call_command("backup", str(path), stdout=io.StringIO())
    stored = _stored(media_root)
    pdf_name = next(name for name, content in evidence.items() if content == PDF)
    (media_root / pdf_name).write_bytes(b"%PDF-1.4 damaged")
    result = backup_restore(backup=backup_read(path=path))
    assert (result.written, result.present, result.replaced) == (0, 2, 1)
    assert _stored(media_root) == stored


def _refused(path, media_root, match, error=CommandError):
    """The restore is refused with `match`, and neither the database nor the media folder changed."""
    Evaluation.objects.filter(year=2019).update(note="diubah setelah cadangan")
    shutil.rmtree(media_root)
    files_before = EvidenceFile.objects.count()
    with pytest.raises(error, match=match):
        _restore(path)
    assert Evaluation.objects.get(year=2019).note == "diubah setelah cadangan"
    assert EvidenceFile.objects.count() == files_before and not media_root.exists()


def test_an_archive_missing_a_file_is_refused_and_changes_nothing(evidence, tmp_path, media_root):
    path = tmp_path / "backup.zip"
    call_command("backup", str(path), stdout=io.StringIO())
    pdf_name = next(name for name, content in evidence.items() if content == PDF)
    rewrite_archive(path, drop={f"files/evidence/{pdf_name}"})
    _refused(path, media_root, f"incomplete: it lacks the file {pdf_name}")


def test_an_archive_with_an_altered_file_is_refused_and_changes_nothing(evidence, tmp_path, media_root):
    path = tmp_path / "backup.zip"
    call_command("backup", str(path), stdout=io.StringIO())
    pdf_name = next(name for name, content in evidence.items() if content == PDF)
    altered = PDF.replace(b"Perwal", b"Perbup")  # same length: only the checksum tells
    rewrite_archive(path, replace={f"files/evidence/{pdf_name}": altered})
    _refused(path, media_root, f"damaged: the file {pdf_name} does not match its checksum")


def test_an_archive_with_a_truncated_file_is_refused_and_changes_nothing(evidence, tmp_path, media_root):
    path = tmp_path / "backup.zip"
    call_command("backup", str(path), stdout=io.StringIO())
    pdf_name = next(name for name, content in evidence.items() if content == PDF)
    rewrite_archive(path, replace={f"files/evidence/{pdf_name}": PDF[:-10]})
    _refused(path, media_root, f"damaged: the file {pdf_name} has {len(PDF) - 10} bytes")


def test_an_archive_whose_manifest_leaves_out_a_named_file_is_refused(evidence, tmp_path, media_root):
    path = tmp_path / "backup.zip"
    call_command("backup", str(path), stdout=io.StringIO())
    data = read_archive(path)
    pdf_name = next(name for name, content in evidence.items() if content == PDF)
    data["manifest"]["files"] = [f for f in data["manifest"]["files"] if f["name"] != pdf_name]
    rewrite_archive(path, data=data, drop={f"files/evidence/{pdf_name}"})
    _refused(path, media_root, f"records name 1 stored file.*it does not hold: evidence:{pdf_name}")


def test_a_file_name_leaving_the_storage_is_refused(evidence, tmp_path, media_root):
    path = tmp_path / "backup.zip"
    call_command("backup", str(path), stdout=io.StringIO())
    data = read_archive(path)
    data["manifest"]["files"][0]["name"] = "../../outside.pdf"
    rewrite_archive(path, data=data)
    _refused(path, media_root, "outside its storage")


def test_records_the_database_refuses_write_no_file(evidence, tmp_path, media_root):
    path = tmp_path / "backup.zip"
    call_command("backup", str(path), stdout=io.StringIO())
    data = read_archive(path)
    evaluation = next(record for record in data["records"] if record["model"] == "clusters.evaluation")
    evaluation["fields"]["year"] = "not a year"
    data["manifest"]["checksum"] = records_checksum(data["records"])  # complete by its manifest
    rewrite_archive(path, data=data)
    _refused(path, media_root, "not a year", error=Exception)  # loaddata's DeserializationError


def test_a_backup_is_not_written_when_a_named_file_is_missing_from_the_storage(evidence, tmp_path, media_root):
    name = next(iter(evidence))
    (media_root / name).unlink()
    with pytest.raises(CommandError, match=f"1 stored file.*missing.*evidence:{name}"):
        call_command("backup", str(tmp_path / "backup.zip"), stdout=io.StringIO())
    assert list(tmp_path.glob("*backup.zip*")) == []


def test_files_are_copied_in_chunks_not_read_whole(evidence, tmp_path, media_root, monkeypatch):
    monkeypatch.setattr(backup_module, "CHUNK_BYTES", 256)
    reads = []
    original = backup_module._HashingReader.read

    def read(self, size=-1):
        reads.append(size)
        return original(self, size)

    monkeypatch.setattr(backup_module._HashingReader, "read", read)
    path = tmp_path / "backup.zip"
    call_command("backup", str(path), stdout=io.StringIO())
    shutil.rmtree(media_root)
    _restore(path)
    assert len(reads) > 2 * len(PNG) // 256 and set(reads) <= {256, 64 * 2**10}  # Django's own chunk size


def _json_backup(path):
    """A backup as `backup` wrote it before it held files (format 1): the JSON file alone."""
    out = io.StringIO()
    call_command("dumpdata", exclude=EXCLUDED, natural_foreign=True, natural_primary=True, stdout=out)
    records = json.loads(out.getvalue())
    manifest = {"format": "kla-tracker-backup", "format_version": 1, "created_at": "2026-11-28T00:00:00+00:00",
                "record_count": len(records), "counts": dict(Counter(r["model"] for r in records)),
                "checksum": records_checksum(records)}
    path.write_text(json.dumps({"manifest": manifest, "records": records}))


def test_an_older_json_backup_without_files_still_restores(demo, tmp_path):
    path = tmp_path / "old.json"
    _json_backup(path)
    Evaluation.objects.filter(year=2019).update(note="diubah setelah cadangan")
    out = io.StringIO()
    call_command("restore", str(path), "--yes-replace-everything", stdout=out)
    assert "older backup (JSON only)" in out.getvalue()
    assert Evaluation.objects.get(year=2019).note != "diubah setelah cadangan"


def test_an_older_json_backup_naming_stored_files_is_refused(evidence, tmp_path, media_root):
    path = tmp_path / "old.json"
    _json_backup(path)
    _refused(path, media_root, "records name 3 stored file.*older JSON backup holds no files")


def test_the_archive_holds_the_records_and_the_files_under_their_storage_names(evidence, tmp_path):
    path = tmp_path / "backup.zip"
    call_command("backup", str(path), stdout=io.StringIO())
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        assert names == {RECORDS_MEMBER, *(f"files/evidence/{name}" for name in evidence)}
        for name, content in evidence.items():
            if content is not None:
                assert archive.read(f"files/evidence/{name}") == content


def test_a_file_that_cannot_be_written_leaves_the_database_as_it_was(evidence, tmp_path, media_root, monkeypatch):
    path = tmp_path / "backup.zip"
    call_command("backup", str(path), stdout=io.StringIO())
    Evaluation.objects.filter(year=2019).update(note="diubah setelah cadangan")
    shutil.rmtree(media_root)
    storage = backup_module._storage("evidence")
    original, saved = storage.save, []

    def save(name, content, max_length=None):
        if saved:
            raise OSError("No space left on device")
        saved.append(name)
        return original(name, content, max_length=max_length)

    monkeypatch.setattr(storage, "save", save)
    with pytest.raises(OSError, match="No space left"):
        _restore(path)
    assert Evaluation.objects.get(year=2019).note == "diubah setelah cadangan"
    assert len(saved) == 1  # the one written before stays: files are only ever added, never deleted
