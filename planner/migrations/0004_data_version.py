"""Every write to the planner's tables changes the "planner" data version: the planner page's cached body
keys on it (the PATBM rule, the offices and the scenarios it shows)."""

from django.db import migrations

from core.data_version import data_version_triggers

TABLES = ["planner_office", "planner_indicatoroffice", "planner_patbmrule", "planner_scenario",
          "planner_scenarioitem"]


class Migration(migrations.Migration):
    dependencies = [
        ("planner", "0003_protect_scenario_evaluation"),
        ("core", "0001_data_version"),
    ]

    operations = [data_version_triggers("planner", TABLES)]
