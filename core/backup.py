"""Backup and restore of everything the office entered, as one JSON file.

Uses Django's own serialisation (dumpdata/loaddata), so it works the same on SQLite and
PostgreSQL; for large PostgreSQL databases `pg_dump` (see README) is the faster alternative.

The file is `{"manifest": {...}, "records": [...]}`: the manifest holds the format and its version,
the number of records per model and a SHA-256 checksum of the records, so a restore refuses an
empty, partial or edited file before it deletes anything. It holds password hashes: it is written
readable by its owner only (0600), by default into BACKUP_DIR, outside the project folder.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.models import DateTimeField, TimeField
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
FORMAT_VERSION = 1


class BackupInvalid(ValueError):
    """The file is not a complete backup written by `backup_write`; the message says why."""


@dataclass(frozen=True)
class Backup:
    manifest: dict
    records: list[dict]

    @property
    def counts(self) -> dict[str, int]:
        return self.manifest["counts"]


def backup_path(name: str | None) -> Path:
    """Where a backup named `name` lives: a bare file name (or none: a dated one) is in BACKUP_DIR,
    a path with a folder is taken as given."""
    if not name:
        return Path(settings.BACKUP_DIR) / f"kla-backup-{timezone.localtime():%Y%m%d-%H%M%S}.json"
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


def _manifest(records: list[dict]) -> dict:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "record_count": len(records),
        "counts": dict(sorted(Counter(record["model"] for record in records).items())),
        "checksum": records_checksum(records),
    }


def _write_private(path: Path, text: str) -> None:
    """Writes `text` to `path` with mode 0600, through a temporary file, so that a failed write never
    leaves a half backup under the real name and no other user ever reads the file."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def backup_write(*, path: Path) -> Backup:
    """Writes every record of the office (users, roles, evaluations, history...) with its manifest."""
    out = io.StringIO()
    call_command(
        "dumpdata", exclude=EXCLUDED, natural_foreign=True, natural_primary=True, stdout=out, verbosity=0
    )
    records = _canonical_times(json.loads(out.getvalue()))
    backup = Backup(manifest=_manifest(records), records=records)
    _write_private(path, json.dumps({"manifest": backup.manifest, "records": records}, indent=1, ensure_ascii=False))
    return backup


def backup_read(*, path: Path) -> Backup:
    """The backup in `path`, checked against its manifest; BackupInvalid says what is wrong."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise BackupInvalid(f"{path} is not a readable JSON file ({error}).") from error
    if not isinstance(data, dict) or not isinstance(data.get("manifest"), dict):
        raise BackupInvalid(f"{path} has no manifest: it was not written by `manage.py backup` of this version.")
    manifest, records = data["manifest"], data.get("records")
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupInvalid(
            f"{path} is not a backup of format {FORMAT} {FORMAT_VERSION} "
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
    return Backup(manifest=manifest, records=records)


def _count_differences(expected: dict, found: dict) -> str:
    labels = sorted(set(expected) | set(found))
    return ", ".join(
        f"{label}: {found.get(label, 0)} of {expected.get(label, 0)}"
        for label in labels
        if found.get(label, 0) != expected.get(label, 0)
    ) or "same models"


@transaction.atomic
def backup_restore(*, backup: Backup) -> None:
    """Replaces the database's records with those of `backup` (from `backup_read`), all or nothing."""
    with tempfile.TemporaryDirectory() as folder:  # loaddata reads a file; this one is private (0700)
        fixture = Path(folder) / "records.json"
        fixture.write_text(json.dumps(backup.records, ensure_ascii=False), encoding="utf-8")
        call_command("flush", interactive=False, verbosity=0)
        call_command("loaddata", str(fixture), verbosity=0)
