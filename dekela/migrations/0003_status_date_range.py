"""A status's date lies in its year or up to 20 years before it, never before 2000 (a tester's 1900 was
accepted). A date already stored outside that range is moved into the note and cleared, so the constraint
can be added without losing what was typed.

SQLite adds a check constraint by rebuilding the table, which loses its triggers: the data-version
triggers are dropped before and put back after (as kelurahan's 0003 does)."""

import django.db.models.expressions
from django.db import migrations, models

from core.data_version import data_version_triggers

TRIGGERS = data_version_triggers("dekela", ["dekela_criterion", "dekela_criterionstatus"])


def _clear_dates_out_of_range(apps, schema_editor):
    CriterionStatus = apps.get_model("dekela", "CriterionStatus")
    for status in CriterionStatus.objects.filter(date__isnull=False).iterator():
        if not (max(status.year - 20, 2000) <= status.date.year <= status.year):
            status.note = f"{status.note}\n[{status.date.isoformat()}]".strip()[:2000]
            status.date = None
            status.save(update_fields=["date", "note"])


class Migration(migrations.Migration):

    dependencies = [
        ('dekela', '0002_data_version'),
        ('kelurahan', '0003_patbm_version'),
    ]

    operations = [
        migrations.RunPython(TRIGGERS.reverse_code, TRIGGERS.code),
        migrations.AlterField(
            model_name='criterionstatus',
            name='date',
            field=models.DateField(blank=True, help_text='When it was met (or checked): in the year itself or up to 20 years before it, not before 2000 and not in the future.', null=True, verbose_name='date'),
        ),
        migrations.AlterField(
            model_name='historicalcriterionstatus',
            name='date',
            field=models.DateField(blank=True, help_text='When it was met (or checked): in the year itself or up to 20 years before it, not before 2000 and not in the future.', null=True, verbose_name='date'),
        ),
        migrations.RunPython(_clear_dates_out_of_range, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='criterionstatus',
            constraint=models.CheckConstraint(condition=models.Q(('date__isnull', True), models.Q(('date__year__lte', models.F('year')), ('date__year__gte', django.db.models.expressions.CombinedExpression(models.F('year'), '-', models.Value(20))), ('date__year__gte', 2000)), _connector='OR'), name='criterion_status_date_in_its_year_range'),
        ),
        TRIGGERS,
    ]
