"""Every write to the user, group and permission tables changes the auth domain's data version, which
keys each user's cached permissions (core.backends)."""

from django.db import migrations

from core.data_version import data_version_triggers

TABLES = [
    "auth_user",
    "auth_group",
    "auth_permission",
    "auth_user_groups",
    "auth_user_user_permissions",
    "auth_group_permissions",
]


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_data_version"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [data_version_triggers("auth", TABLES)]
