"""Backup and restore of everything the office entered: the records and every stored file they name, as one
ZIP archive.

The records use Django's own serialisation (dumpdata/loaddata), so they restore the same on SQLite and
PostgreSQL; for large PostgreSQL databases `pg_dump` (see README) is the faster alternative, with the
media folder copied beside it.

The archive holds `backup.json`, `{"manifest": {...}, "records": [...]}`, and each stored file under
`files/<storage>/<name>`. The manifest holds the format and its version, the number of records per model,
a SHA-256 checksum of the records, and per file its storage, name, size and SHA-256. The files are found
generically: every FileField of every model backed up names a file in its field's storage (the storage
is per field). A restore checks all of it, every file's bytes included, before it deletes anything, so
an empty, partial, edited or damaged archive changes nothing. The archive holds password hashes: it is
written readable by its owner only (0600), by default into BACKUP_DIR, outside the project folder.

ZIP rather than tar: each member is found by name (checked in one pass, written back in another) and
carries its own CRC, and the office opens it on any computer. Files are stored uncompressed (the kinds
evidence takes are compressed already), the records deflated.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, SuspiciousFileOperation
from django.core.files.base import File
from django.core.files.storage import DefaultStorage, Storage, storages
from django.core.files.storage.handler import InvalidStorageError
from django.core.files.utils import validate_file_name
from django.core.management import call_command
from django.db import transaction
from django.db.models import DateTimeField, FileField, TimeField
from django.utils import timezone

# Rebuilt by migrate, or transient: not part of the office's data.
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "axes.accessattempt",
    "axes.accessfailurelog",
    "axes.accesslog",
    "core.dataversion",  # set by the database's triggers as the restore writes the data
]

FORMAT = "kla-tracker-backup"
FORMAT_VERSION = 2
# Version 1 was the JSON file alone, without stored files: still restored where its records name no file.
JSON_ONLY_VERSION = 1

RECORDS_MEMBER = "backup.json"
FILES_FOLDER = "files"
CHUNK_BYTES = 1024 * 1024


class BackupInvalid(ValueError):
    """The file is not a complete backup written by `backup_write`; the message says why."""


class BackupFilesMissing(ValueError):
    """Records name stored files that are not in their storage: a backup of them would not restore."""


@dataclass(frozen=True)
class StoredFile:
    """A file of the backup: its storage (a STORAGES alias, or "app.model.field" for a field with a storage
    of its own), its name in that storage, its size and SHA-256."""

    storage: str
    name: str
    size: int
    sha256: str

    @property
    def member(self) -> str:
        return f"{FILES_FOLDER}/{self.storage}/{self.name}"

    def as_manifest(self) -> dict:
        return {"storage": self.storage, "name": self.name, "size": self.size, "sha256": self.sha256}


@dataclass(frozen=True)
class Backup:
    manifest: dict
    records: list[dict]
    files: list[StoredFile] = field(default_factory=list)
    path: Path | None = None  # the archive the files are read from on restore

    @property
    def counts(self) -> dict[str, int]:
        return self.manifest["counts"]

    @property
    def files_size(self) -> int:
        return sum(stored.size for stored in self.files)


@dataclass
class FilesRestored:
    written: int = 0
    present: int = 0  # already in the storage with the same bytes
    replaced: int = 0  # in the storage under the same name with other bytes (a damaged copy)


def backup_path(name: str | None) -> Path:
    """Where a backup named `name` lives: a bare file name (or none: a dated one) is in BACKUP_DIR,
    a path with a folder is taken as given."""
    if not name:
        return Path(settings.BACKUP_DIR) / f"kla-backup-{timezone.localtime():%Y%m%d-%H%M%S}.zip"
    path = Path(name)
    return Path(settings.BACKUP_DIR) / path if path.parent == Path(".") else path


def _included(label: str) -> bool:
    app_label = label.split(".")[0]
    return label not in EXCLUDED and app_label not in EXCLUDED


def database_counts() -> dict[str, int]:
    """Records per model now in the database, for the models a backup holds."""
    counts = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if _included(label) and not model._meta.proxy and model._meta.managed:
            counts[label] = model._default_manager.count()
    return counts


def records_checksum(records: list[dict]) -> str:
    """SHA-256 of the records in a canonical JSON form (key order and spacing do not matter)."""
    canonical = json.dumps(records, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# Django's JSON encoder writes a time to the millisecond, so 12:00:00.000500 becomes "12:00:00.000Z";
# restored, that is 12:00:00 and is written "12:00:00Z". Writing the first as the second makes a backup
# of a restored database carry the very same records, and so the same checksum.
_ZERO_MILLISECONDS = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d|\d\d:\d\d:\d\d)\.000(?=Z$|[+-]\d\d:\d\d$|$)")


def _canonical_times(records: list[dict]) -> list[dict]:
    """The records with each time and date-time column (only those: a text that looks like a time is
    the office's words) written without a ".000" fraction."""
    time_fields: dict[str, set[str]] = {}
    for record in records:
        label = record["model"]
        if label not in time_fields:
            model = apps.get_model(label)
            time_fields[label] = {
                field.name for field in model._meta.concrete_fields if isinstance(field, (DateTimeField, TimeField))
            }
        fields = record.get("fields", {})
        for name in time_fields[label] & fields.keys():
            if isinstance(fields[name], str):
                fields[name] = _ZERO_MILLISECONDS.sub(r"\1", fields[name])
    return records


# Stored files ---------------------------------------------------------------------------------------------


def _field_storage(file_field: FileField) -> Storage:
    # A storage given as a callable (evidence's `storages["evidence"]`) is asked again, so it is the
    # storage the settings name now, not one made when the model class was built.
    storage_callable = getattr(file_field, "_storage_callable", None)
    return storage_callable() if storage_callable else file_field.storage


def _storage_key(model, file_field: FileField) -> str:
    """The name a field's storage goes by in a backup: its STORAGES alias, else the field itself."""
    storage = _field_storage(file_field)
    if isinstance(storage, DefaultStorage):
        return "default"
    for alias in settings.STORAGES:
        if alias != "staticfiles" and storages[alias] is storage:
            return alias
    return f"{model._meta.label_lower}.{file_field.name}"


def _storage(key: str) -> Storage:
    if key in settings.STORAGES:
        return storages[key]
    label, _, name = key.rpartition(".")
    try:
        file_field = apps.get_model(label)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist) as error:
        raise InvalidStorageError(key) from error
    if not isinstance(file_field, FileField):
        raise InvalidStorageError(key)
    return _field_storage(file_field)


def _file_references(records: list[dict]) -> set[tuple[str, str]]:
    """(storage key, name) of every stored file the records name, read from each model's FileFields."""
    keys: dict[str, dict[str, str]] = {}
    references = set()
    for record in records:
        label = record["model"]
        if label not in keys:
            model = apps.get_model(label)
            keys[label] = {
                f.name: _storage_key(model, f) for f in model._meta.concrete_fields if isinstance(f, FileField)
            }
        fields = record.get("fields", {})
        for name, key in keys[label].items():
            if fields.get(name):
                references.add((key, fields[name]))
    return references


class _HashingReader:
    """Reads a stream through, counting and hashing its bytes (not seekable: storages copy it in chunks)."""

    def __init__(self, stream):
        self.stream, self.size, self.digest = stream, 0, hashlib.sha256()

    def read(self, size=-1):
        data = self.stream.read(size)
        self.size += len(data)
        self.digest.update(data)
        return data

    def seekable(self):
        return False


def _digest(stream) -> tuple[int, str]:
    reader = _HashingReader(stream)
    while reader.read(CHUNK_BYTES):
        pass
    return reader.size, reader.digest.hexdigest()


# Writing --------------------------------------------------------------------------------------------------


def _manifest(records: list[dict], files: list[StoredFile]) -> dict:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "record_count": len(records),
        "counts": dict(sorted(Counter(record["model"] for record in records).items())),
        "checksum": records_checksum(records),
        "files": [stored.as_manifest() for stored in files],
    }


@contextlib.contextmanager
def _write_private(path: Path) -> Iterator[io.BufferedWriter]:
    """A binary handle writing `path` with mode 0600, through a temporary file, so that a failed write never
    leaves a half backup under the real name and no other user ever reads the file."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _copy_into(archive: zipfile.ZipFile, member: str, source, size: int) -> tuple[int, str]:
    """Copies `source` into the archive in chunks (never whole into memory); returns its size and SHA-256."""
    info = zipfile.ZipInfo(member, date_time=timezone.localtime().timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED  # PDF, JPEG, PNG, XLSX, DOCX are compressed already
    info.file_size = size  # so zipfile writes a ZIP64 entry where the file needs one
    reader = _HashingReader(source)
    with archive.open(info, "w") as out:
        while chunk := reader.read(CHUNK_BYTES):
            out.write(chunk)
    return reader.size, reader.digest.hexdigest()


def backup_write(*, path: Path) -> Backup:
    """Writes every record of the office (users, roles, evaluations, history...) and every stored file the
    records name into one archive at `path`, with its manifest. Raises BackupFilesMissing, writing nothing,
    where a named file is not in its storage."""
    out = io.StringIO()
    call_command(
        "dumpdata", exclude=EXCLUDED, natural_foreign=True, natural_primary=True, stdout=out, verbosity=0
    )
    records = _canonical_times(json.loads(out.getvalue()))
    references = sorted(_file_references(records))
    missing = [f"{key}:{name}" for key, name in references if not _storage(key).exists(name)]
    if missing:
        raise BackupFilesMissing(
            f"{len(missing)} stored file(s) named by the records are missing from their storage, so a backup "
            f"would not restore: {', '.join(missing[:10])}{' ...' if len(missing) > 10 else ''}"
        )
    files = []
    with _write_private(path) as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        for key, name in references:
            storage = _storage(key)
            with storage.open(name, "rb") as source:
                size, sha256 = _copy_into(archive, f"{FILES_FOLDER}/{key}/{name}", source, storage.size(name))
            files.append(StoredFile(storage=key, name=name, size=size, sha256=sha256))
        manifest = _manifest(records, files)
        archive.writestr(
            RECORDS_MEMBER, json.dumps({"manifest": manifest, "records": records}, indent=1, ensure_ascii=False)
        )
    return Backup(manifest=manifest, records=records, files=files, path=path)


# Reading and checking -------------------------------------------------------------------------------------


def backup_read(*, path: Path) -> Backup:
    """The backup in `path`, checked against its manifest, every stored file's bytes included (read in
    chunks); BackupInvalid says what is wrong. Reads an older JSON backup (format 1) where its records name
    no stored file."""
    path = Path(path)
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                data = json.loads(archive.read(RECORDS_MEMBER).decode("utf-8"))
                backup = _checked(path, data, version=FORMAT_VERSION)
                _check_files(path, archive, backup.files)
        except BackupInvalid:
            raise
        except (OSError, KeyError, UnicodeDecodeError, ValueError, zipfile.BadZipFile) as error:
            raise BackupInvalid(f"{path} is a damaged backup archive ({error}).") from error
        return backup
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise BackupInvalid(
            f"{path} is neither a backup archive nor a readable JSON backup: damaged or truncated ({error})."
        ) from error
    return _checked(path, data, version=JSON_ONLY_VERSION)


def _checked(path: Path, data, *, version: int) -> Backup:
    if not isinstance(data, dict) or not isinstance(data.get("manifest"), dict):
        raise BackupInvalid(f"{path} has no manifest: it was not written by `manage.py backup` of this version.")
    manifest, records = data["manifest"], data.get("records")
    if manifest.get("format") != FORMAT or manifest.get("format_version") != version:
        raise BackupInvalid(
            f"{path} is not a backup of format {FORMAT} {version} "
            f"(it says {manifest.get('format')!r} {manifest.get('format_version')!r})."
        )
    if not isinstance(records, list) or not isinstance(manifest.get("counts"), dict):
        raise BackupInvalid(f"{path} has no list of records.")
    if not records:
        raise BackupInvalid(f"{path} holds no records: restoring it would empty the database.")
    try:
        counts = dict(Counter(record["model"] for record in records))
    except (TypeError, KeyError) as error:
        raise BackupInvalid(f"{path} has a record without a model.") from error
    if counts != {label: n for label, n in manifest["counts"].items() if n} or manifest.get("record_count") != len(
        records
    ):
        raise BackupInvalid(
            f"{path} is incomplete: it holds {len(records)} records, its manifest lists "
            f"{manifest.get('record_count')} ({_count_differences(manifest['counts'], counts)})."
        )
    if manifest.get("checksum") != records_checksum(records):
        raise BackupInvalid(f"{path} was changed after it was written: its checksum does not match.")
    try:
        references = _file_references(records)
    except LookupError as error:
        raise BackupInvalid(f"{path} holds records of a model this installation does not have ({error}).") from error
    files = _listed_files(path, manifest) if version == FORMAT_VERSION else []
    listed = {(stored.storage, stored.name) for stored in files}
    if references - listed:
        unlisted = sorted(f"{key}:{name}" for key, name in references - listed)
        older = " (an older JSON backup holds no files; make a new backup)" if version == JSON_ONLY_VERSION else ""
        raise BackupInvalid(
            f"{path} is incomplete: its records name {len(unlisted)} stored file(s) it does not hold{older}: "
            f"{', '.join(unlisted[:5])}{' ...' if len(unlisted) > 5 else ''}"
        )
    if listed - references:
        raise BackupInvalid(f"{path} lists {len(listed - references)} file(s) no record names: it was edited.")
    return Backup(manifest=manifest, records=records, files=files, path=path)


def _listed_files(path: Path, manifest: dict) -> list[StoredFile]:
    listed = manifest.get("files")
    if not isinstance(listed, list):
        raise BackupInvalid(f"{path} has no list of files in its manifest.")
    files = []
    for entry in listed:
        try:
            stored = StoredFile(storage=entry["storage"], name=entry["name"], size=entry["size"],
                                sha256=entry["sha256"])
        except (TypeError, KeyError) as error:
            raise BackupInvalid(f"{path} lists a file without its storage, name, size or checksum.") from error
        if not (isinstance(stored.name, str) and isinstance(stored.size, int) and isinstance(stored.sha256, str)):
            raise BackupInvalid(f"{path} lists a file without its storage, name, size or checksum.")
        try:
            validate_file_name(stored.name, allow_relative_path=True)
            _storage(stored.storage)
        except SuspiciousFileOperation as error:
            raise BackupInvalid(f"{path} lists a file outside its storage: {stored.name!r}.") from error
        except InvalidStorageError as error:
            raise BackupInvalid(
                f"{path} holds files of a storage this installation does not have: {stored.storage!r}."
            ) from error
        files.append(stored)
    return files


def _check_files(path: Path, archive: zipfile.ZipFile, files: list[StoredFile]) -> None:
    """Every listed file is in the archive with its size and SHA-256 (read through once, in chunks)."""
    for stored in files:
        try:
            info = archive.getinfo(stored.member)
        except KeyError:
            raise BackupInvalid(f"{path} is incomplete: it lacks the file {stored.name}.") from None
        if info.file_size != stored.size:
            raise BackupInvalid(
                f"{path} is damaged: the file {stored.name} has {info.file_size} bytes, its manifest says "
                f"{stored.size}."
            )
        with archive.open(info) as stream:
            size, sha256 = _digest(stream)
        if (size, sha256) != (stored.size, stored.sha256):
            raise BackupInvalid(f"{path} is damaged: the file {stored.name} does not match its checksum.")


def _count_differences(expected: dict, found: dict) -> str:
    labels = sorted(set(expected) | set(found))
    return ", ".join(
        f"{label}: {found.get(label, 0)} of {expected.get(label, 0)}"
        for label in labels
        if found.get(label, 0) != expected.get(label, 0)
    ) or "same models"


# Restoring ------------------------------------------------------------------------------------------------


@transaction.atomic
def backup_restore(*, backup: Backup) -> FilesRestored:
    """Replaces the database's records with those of `backup` (from `backup_read`), all or nothing, and
    puts its files back into their storages under the same names. The files are written once the
    records are loaded, inside the same transaction: records the database refuses write no file, and a
    file that cannot be written (or no longer matches its checksum) leaves the database as it was."""
    with tempfile.TemporaryDirectory() as folder:  # loaddata reads a file; this one is private (0700)
        fixture = Path(folder) / "records.json"
        fixture.write_text(json.dumps(backup.records, ensure_ascii=False), encoding="utf-8")
        call_command("flush", interactive=False, verbosity=0)
        call_command("loaddata", str(fixture), verbosity=0)
    result = FilesRestored()
    if backup.files:
        with zipfile.ZipFile(backup.path) as archive:
            for stored in backup.files:
                _restore_file(archive, stored, result)
    return result


def _restore_file(archive: zipfile.ZipFile, stored: StoredFile, result: FilesRestored) -> None:
    storage = _storage(stored.storage)
    if storage.exists(stored.name):
        with storage.open(stored.name, "rb") as present:
            if _digest(present) == (stored.size, stored.sha256):
                result.present += 1
                return
        # Stored files are never changed: other bytes under this name are a damaged or foreign copy.
        storage.delete(stored.name)
        result.replaced += 1
    else:
        result.written += 1
    with archive.open(stored.member) as stream:
        reader = _HashingReader(stream)
        content = File(reader, name=stored.name)
        content.size = stored.size
        saved = storage.save(stored.name, content)
    if saved != stored.name:
        raise OSError(f"the storage saved {stored.name} as {saved}")
    if (reader.size, reader.digest.hexdigest()) != (stored.size, stored.sha256):
        raise BackupInvalid(f"{archive.filename} changed while it was restored: {stored.name} does not match.")
