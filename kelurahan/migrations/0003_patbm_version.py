"""PATBM gets the integer `version` the other apps' optimistic locking uses (core.versions), in place
of comparing `updated_at`. Existing records start at 1.

SQLite adds a NOT NULL column by rebuilding the table, which loses its triggers: the data-version
triggers are dropped before and put back after (on PostgreSQL this changes nothing but the version).
"""

from django.db import migrations, models

from core.data_version import data_version_triggers

TABLES = [
    "kelurahan_kecamatan",
    "kelurahan_kelurahan",
    "kelurahan_patbm",
    "kelurahan_historicalpatbm",
]
TRIGGERS = data_version_triggers("kelurahan", TABLES)
VERSION = models.PositiveIntegerField(
    default=1,
    editable=False,
    help_text="Raised by every save; a form saved from an older version is a conflict.",
    verbose_name="version",
)


class Migration(migrations.Migration):
    dependencies = [
        ("kelurahan", "0002_data_version_triggers"),
    ]

    operations = [
        migrations.RunPython(TRIGGERS.reverse_code, TRIGGERS.code),
        migrations.AddField(model_name="historicalpatbm", name="version", field=VERSION),
        migrations.AddField(model_name="patbm", name="version", field=VERSION.clone()),
        TRIGGERS,
    ]
