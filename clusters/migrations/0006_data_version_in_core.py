"""The data version moves to core, one row per domain: a score save no longer invalidates the PATBM
pages' caches. The old single-row table held only a random number, so it is dropped, not copied; its
triggers (on the clusters and kelurahan tables, migration 0004) give way to the clusters domain's own,
and kelurahan puts its triggers on its tables in its own migration."""

import importlib

from django.db import migrations

from core.data_version import data_version_triggers

_old = importlib.import_module("clusters.migrations.0004_data_version")

TABLES = [
    "clusters_cluster",
    "clusters_indicator",
    "clusters_predicate",
    "clusters_evaluation",
    "clusters_selfassessment",
    "clusters_fielddeduction",
]


class Migration(migrations.Migration):
    dependencies = [
        ("clusters", "0005_protect_scores_and_deductions"),
        ("core", "0001_data_version"),
    ]

    operations = [
        migrations.RunPython(_old.drop_triggers, _old.create_triggers),
        migrations.DeleteModel(name="DataVersion"),
        data_version_triggers("clusters", TABLES),
    ]
