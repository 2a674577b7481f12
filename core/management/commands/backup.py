from django.conf import settings
from django.core.management.base import BaseCommand

from core.backup import backup_path, backup_write


class Command(BaseCommand):
    help = (
        "Writes all records (users, roles, evaluations, scores, PATBM, history) with a manifest to a JSON "
        "file readable by its owner only. A bare file name (or none) goes into BACKUP_DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?",
            help=f"Output file (default: kla-backup-<date-time>.json in BACKUP_DIR, now {settings.BACKUP_DIR})",
        )

    def handle(self, *args, path=None, **options):
        target = backup_path(path)
        backup = backup_write(path=target)
        self.stdout.write(self.style.SUCCESS(
            f"Backup written to {target} ({target.stat().st_size:,} bytes, {len(backup.records):,} records)."
        ))
