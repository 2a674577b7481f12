"""A fourth review status, "changed" (staff changed an approved answer: it needs review again), and the record
of the "office finished" mail, once per office and evaluation.

SQLite changes the status check by rebuilding the reviews table, which loses its data-version triggers: they
are dropped first and put back at the end (as clusters' 0010 does)."""

import django.db.models.deletion
from django.db import migrations, models

from core.data_version import data_version_triggers

DATA_VERSION_TRIGGERS = data_version_triggers("offices", ["offices_answerreview", "offices_datasource",
                                                          "offices_operator", "offices_officedeadline"])


class Migration(migrations.Migration):

    dependencies = [
        ('clusters', '0010_stage_verification'),
        ('offices', '0002_data_version'),
        ('planner', '0004_data_version'),
    ]

    operations = [
        migrations.RunPython(DATA_VERSION_TRIGGERS.reverse_code, DATA_VERSION_TRIGGERS.code),
        migrations.CreateModel(
            name='OfficeFinishedNotice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sent_at', models.DateTimeField(auto_now_add=True, verbose_name='sent')),
            ],
            options={
                'verbose_name': 'office finished notice',
                'verbose_name_plural': 'office finished notices',
                'ordering': ['evaluation', 'office'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='answerreview',
            name='answer_review_status_valid',
        ),
        migrations.AlterField(
            model_name='answerreview',
            name='status',
            field=models.CharField(choices=[('answered', 'answered'), ('approved', 'approved'), ('returned', 'returned'), ('changed', 'changed after approval')], default='answered', max_length=10, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='historicalanswerreview',
            name='status',
            field=models.CharField(choices=[('answered', 'answered'), ('approved', 'approved'), ('returned', 'returned'), ('changed', 'changed after approval')], default='answered', max_length=10, verbose_name='status'),
        ),
        migrations.AddConstraint(
            model_name='answerreview',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['answered', 'approved', 'returned', 'changed'])), name='answer_review_status_valid'),
        ),
        migrations.AddField(
            model_name='officefinishednotice',
            name='evaluation',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='clusters.evaluation', verbose_name='evaluation'),
        ),
        migrations.AddField(
            model_name='officefinishednotice',
            name='office',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='planner.office', verbose_name='office'),
        ),
        migrations.AddConstraint(
            model_name='officefinishednotice',
            constraint=models.UniqueConstraint(fields=('evaluation', 'office'), name='office_finished_notice_once_per_evaluation'),
        ),
        DATA_VERSION_TRIGGERS,
    ]
