"""Backup and restore of everything the office entered, as one JSON file.

Uses Django's own serialisation (dumpdata/loaddata), so it works the same on SQLite and
PostgreSQL; for large PostgreSQL databases `pg_dump` (see README) is the faster alternative.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.db import transaction

# Rebuilt by migrate, or transient: not part of the office's data.
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "axes.accessattempt",
    "axes.accessfailurelog",
    "axes.accesslog",
    "clusters.dataversion",  # set by the database's triggers as the restore writes the data
]


def backup_write(*, path: Path) -> None:
    """Writes every record of the office (users, roles, evaluations, history...) to `path`."""
    call_command(
        "dumpdata",
        exclude=EXCLUDED,
        natural_foreign=True,
        natural_primary=True,
        indent=1,
        output=str(path),
        verbosity=0,
    )


@transaction.atomic
def backup_restore(*, path: Path) -> None:
    """Replaces the database's records with those in `path`, all or nothing."""
    call_command("flush", interactive=False, verbosity=0)
    call_command("loaddata", str(path), verbosity=0)
