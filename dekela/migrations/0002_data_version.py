"""Every write to the criteria tables changes the "dekela" data version (cached pages key on it)."""

from django.db import migrations

from core.data_version import data_version_triggers


class Migration(migrations.Migration):
    dependencies = [
        ("dekela", "0001_initial"),
        ("core", "0001_data_version"),
    ]

    operations = [
        data_version_triggers("dekela", ["dekela_criterion", "dekela_criterionstatus"]),
    ]
