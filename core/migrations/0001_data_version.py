"""The data version, one row per domain (before: one row in clusters, see clusters 0006)."""

from django.db import migrations, models

from core.data_version import bump_function


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("domain", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("value", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "data version", "default_permissions": ()},
        ),
        bump_function(),
    ]
