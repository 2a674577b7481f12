from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from clusters.backup import backup_write


class Command(BaseCommand):
    help = "Writes all records (users, roles, evaluations, scores, PATBM, history) to a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="Output file (default: kla-backup-<date-time>.json)")

    def handle(self, *args, path=None, **options):
        target = Path(path or f"kla-backup-{timezone.localtime():%Y%m%d-%H%M%S}.json")
        backup_write(path=target)
        self.stdout.write(self.style.SUCCESS(f"Backup written to {target} ({target.stat().st_size:,} bytes)."))
