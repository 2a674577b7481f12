"""Every write to the office tables changes the "offices" data version (for pages that cache on it)."""

from django.db import migrations

from core.data_version import data_version_triggers


class Migration(migrations.Migration):
    dependencies = [
        ("offices", "0001_initial"),
        ("core", "0001_data_version"),
    ]

    operations = [
        data_version_triggers("offices", ["offices_answerreview", "offices_datasource", "offices_operator",
                                          "offices_officedeadline"]),
    ]
