from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupFilesMissing, backup_path, backup_write


class Command(BaseCommand):
    help = (
        "Writes all records (users, roles, evaluations, scores, PATBM, history) and every stored file they name "
        "(evidence documents), with a manifest, to one ZIP archive readable by its owner only. A bare file "
        "name (or none) goes into BACKUP_DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?",
            help=f"Output file (default: kla-backup-<date-time>.zip in BACKUP_DIR, now {settings.BACKUP_DIR})",
        )

    def handle(self, *args, path=None, **options):
        target = backup_path(path)
        if target.suffix.lower() != ".zip":
            self.stderr.write(f"Note: a backup is a ZIP archive (records and files); {target.name} is written as one.")
        try:
            backup = backup_write(path=target)
        except BackupFilesMissing as error:
            raise CommandError(f"No backup written: {error}") from error
        self.stdout.write(self.style.SUCCESS(
            f"Backup written to {target} ({target.stat().st_size:,} bytes, {len(backup.records):,} records, "
            f"{len(backup.files):,} files of {backup.files_size:,} bytes)."
        ))
