"""Every write to the evidence tables changes the "evidence" data version (cached pages key on it)."""

from django.db import migrations

from core.data_version import data_version_triggers


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0001_initial"),
        ("core", "0001_data_version"),
    ]

    operations = [
        data_version_triggers("evidence", ["evidence_evidencedocument", "evidence_evidencefile"]),
    ]
