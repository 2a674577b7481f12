import sys

from django.core.management.base import BaseCommand, CommandError

from core.backup import (
    JSON_ONLY_VERSION,
    BackupInvalid,
    backup_path,
    backup_read,
    backup_restore,
    database_counts,
)

CONFIRM_WORD = "yes"


class Command(BaseCommand):
    help = (
        "Replaces ALL records in the database with those of a backup made by `backup` and puts its files back "
        "into their storage, after checking the archive (every file's checksum included) against its manifest "
        "and showing what would be replaced."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="An archive written by `manage.py backup` (a bare name: in BACKUP_DIR)")
        parser.add_argument(
            "--yes-replace-everything",
            action="store_true",
            help="Confirm that every record now in the database is to be replaced (no question asked).",
        )

    def handle(self, *args, path, yes_replace_everything=False, **options):
        source = backup_path(path)
        if not source.is_file():
            raise CommandError(f"No backup file at {source}.")
        try:
            backup = backup_read(path=source)
        except BackupInvalid as error:
            raise CommandError(f"Nothing restored: {error}") from error

        self._show_comparison(backup)
        if not yes_replace_everything:
            if not sys.stdin.isatty():
                raise CommandError(
                    "Restoring replaces every record in this database. Run again with --yes-replace-everything."
                )
            answer = input(f"Replace every record in this database with the file's? Type '{CONFIRM_WORD}': ")
            if answer.strip().lower() != CONFIRM_WORD:
                raise CommandError("Nothing restored.")
        files = backup_restore(backup=backup)
        self.stdout.write(self.style.SUCCESS(
            f"Database restored from {source} ({len(backup.records):,} records, "
            f"written {backup.manifest.get('created_at', '?')}); files: {files.written:,} written, "
            f"{files.present:,} already in place, {files.replaced:,} replaced."
        ))

    def _show_comparison(self, backup):
        now = database_counts()
        labels = sorted(label for label in set(now) | set(backup.counts) if now.get(label) or backup.counts.get(label))
        width = max((len(label) for label in labels), default=10)
        self.stdout.write("Records per model, in the database now and in the file:")
        self.stdout.write(f"  {'model':<{width}}  {'now':>8}  {'file':>8}")
        for label in labels:
            self.stdout.write(f"  {label:<{width}}  {now.get(label, 0):>8,}  {backup.counts.get(label, 0):>8,}")
        self.stdout.write(f"  {'total':<{width}}  {sum(now.values()):>8,}  {len(backup.records):>8,}")
        if backup.manifest.get("format_version") == JSON_ONLY_VERSION:
            self.stdout.write("An older backup (JSON only): it names no stored file, so it holds none.")
        else:
            self.stdout.write(
                f"Stored files in the archive: {len(backup.files):,} ({backup.files_size:,} bytes), checked; "
                "files already in the storage stay (other bytes under one of its names are replaced)."
            )
