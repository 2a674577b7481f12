from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clusters.backup import backup_restore


class Command(BaseCommand):
    help = "Replaces ALL records in the database with those of a backup file made by `backup`."

    def add_arguments(self, parser):
        parser.add_argument("path", help="A file written by `manage.py backup`")
        parser.add_argument(
            "--yes-replace-everything",
            action="store_true",
            help="Confirm that every record now in the database is to be replaced.",
        )

    def handle(self, *args, path, yes_replace_everything=False, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"No backup file at {source}.")
        if not yes_replace_everything:
            raise CommandError(
                "Restoring replaces every record in this database. Run again with --yes-replace-everything."
            )
        backup_restore(path=source)
        self.stdout.write(self.style.SUCCESS(f"Database restored from {source}."))
