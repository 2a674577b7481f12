"""The constraints of the instruments (after the existing rows were attached, in its own transaction: PostgreSQL
refuses to alter a table with pending trigger events), the live tables' instrument made required, and the new
tables in the clusters data version."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

from core.data_version import data_version_triggers

_versions = importlib.import_module("clusters.migrations.0003_row_version")
_tables = importlib.import_module("clusters.migrations.0006_data_version_in_core")


class Migration(migrations.Migration):
    dependencies = [
        ("clusters", "0007_instruments_and_questions"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="cluster",
            constraint=models.UniqueConstraint(fields=("instrument", "code"), name="cluster_code_unique_in_instrument"),
        ),
        migrations.AddConstraint(
            model_name="cluster",
            constraint=models.UniqueConstraint(
                fields=("instrument", "order"), name="cluster_order_unique_in_instrument"
            ),
        ),
        migrations.AddConstraint(
            model_name="indicator",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_active", True)),
                fields=("instrument", "number"),
                name="indicator_number_unique_when_active",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicator",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_active", True)),
                fields=("instrument", "code"),
                name="indicator_code_unique_when_active",
            ),
        ),
        migrations.AddField(
            model_name="question",
            name="indicator",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="questions",
                to="clusters.indicator",
                verbose_name="indicator",
            ),
        ),
        migrations.AddField(
            model_name="historicalquestionscore",
            name="question",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="clusters.question",
                verbose_name="question",
            ),
        ),
        migrations.AddField(
            model_name="questionscore",
            name="question",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="scores",
                to="clusters.question",
                verbose_name="question",
            ),
        ),
        migrations.AddField(
            model_name="questionscore",
            name="self_assessment",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="question_scores",
                to="clusters.selfassessment",
                verbose_name="self-assessment",
            ),
        ),
        migrations.AddConstraint(
            model_name="instrument",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_default", True)), fields=("is_default",), name="instrument_one_default"
            ),
        ),
        migrations.AddConstraint(
            model_name="instrument",
            constraint=models.CheckConstraint(
                condition=models.Q(("first_year__gte", 2006), ("first_year__lte", 2100)),
                name="instrument_first_year_plausible",
            ),
        ),
        migrations.AddConstraint(
            model_name="question",
            constraint=models.UniqueConstraint(fields=("indicator", "code"), name="question_code_unique_in_indicator"),
        ),
        migrations.AddConstraint(
            model_name="question",
            constraint=models.UniqueConstraint(
                fields=("indicator", "order"), name="question_order_unique_in_indicator"
            ),
        ),
        migrations.AddConstraint(
            model_name="question",
            constraint=models.CheckConstraint(
                condition=models.Q(("max_points__gte", 0)), name="question_max_points_not_negative"
            ),
        ),
        migrations.AddConstraint(
            model_name="questionscore",
            constraint=models.UniqueConstraint(
                fields=("self_assessment", "question"), name="question_score_one_per_question"
            ),
        ),
        migrations.AddConstraint(
            model_name="questionscore",
            constraint=models.CheckConstraint(
                condition=models.Q(("max_points__gte", 0)), name="question_score_max_points_not_negative"
            ),
        ),
        migrations.AddConstraint(
            model_name="questionscore",
            constraint=models.CheckConstraint(
                condition=models.Q(("score__isnull", True), ("score__gte", 0), _connector="OR"),
                name="question_score_not_negative",
            ),
        ),
        migrations.AddConstraint(
            model_name="questionscore",
            constraint=models.CheckConstraint(
                condition=models.Q(("score__isnull", True), ("score__lte", models.F("max_points")), _connector="OR"),
                name="question_score_within_max",
                violation_error_message="The score may not exceed the question's maximum.",
            ),
        ),
        migrations.AlterField(
            model_name="cluster",
            name="instrument",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="clusters",
                to="clusters.instrument",
                verbose_name="instrument",
            ),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="instrument",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="indicators",
                to="clusters.instrument",
                verbose_name="instrument",
            ),
        ),
        migrations.AlterField(
            model_name="evaluation",
            name="instrument",
            field=models.ForeignKey(
                help_text="The questionnaire this evaluation is scored on; it cannot change afterwards.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="evaluations",
                to="clusters.instrument",
                verbose_name="instrument",
            ),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="code",
            field=models.CharField(
                help_text="The instrument's own number of the indicator, e.g. 7 or 21A.",
                max_length=8,
                verbose_name="number",
            ),
        ),
        data_version_triggers(
            "clusters", [*_tables.TABLES, "clusters_instrument", "clusters_question", "clusters_questionscore"]
        ),
        migrations.RunPython(_versions.create_sqlite_triggers, _versions.drop_sqlite_triggers),
    ]
