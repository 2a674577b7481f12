"""Every write to the kecamatan, kelurahan and PATBM tables changes the kelurahan domain's data version,
which keys the cached kelurahan, coverage and dashboard pages (see core.data_version)."""

from django.db import migrations

from core.data_version import data_version_triggers

TABLES = [
    "kelurahan_kecamatan",
    "kelurahan_kelurahan",
    "kelurahan_patbm",
    "kelurahan_historicalpatbm",  # the coverage timeline is built from the PATBM history
]


class Migration(migrations.Migration):
    dependencies = [
        ("kelurahan", "0001_initial"),
        ("core", "0001_data_version"),
    ]

    operations = [data_version_triggers("kelurahan", TABLES)]
