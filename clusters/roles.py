"""The three roles, as Django groups with model permissions.

Views check these permissions on the server; the groups are created by `load_reference_data`.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

STAFF = "Staf DPMPPA"
TASK_FORCE = "Gugus Tugas"
ADMIN = "Admin"

APPS = ("clusters", "kelurahan", "planner")
# What staff may write, besides reading everything.
STAFF_WRITES = {
    "clusters": ("selfassessment", "fielddeduction"),
    "kelurahan": ("patbm",),
    "planner": ("scenario", "scenarioitem"),
}


def _view_permissions():
    return Permission.objects.filter(content_type__app_label__in=APPS, codename__startswith="view_")


def _staff_write_permissions():
    query = Q(pk__in=[])
    for app_label, models in STAFF_WRITES.items():
        for model in models:
            query |= Q(
                content_type__app_label=app_label,
                content_type__model=model,
                codename__in=[f"{action}_{model}" for action in ("add", "change", "delete")],
            )
    return Permission.objects.filter(query)


def _admin_permissions():
    return Permission.objects.filter(
        Q(content_type__app_label__in=APPS) | Q(content_type__app_label="auth")
    )


@transaction.atomic
def roles_ensure() -> dict[str, bool]:
    """Creates the role groups if missing and gives each exactly its permissions.

    Returns {group name: created}. Permissions are reset on every call, so a role cannot
    drift from what the code says it may do.
    """
    wanted = {
        TASK_FORCE: _view_permissions(),
        STAFF: _view_permissions() | _staff_write_permissions(),
        ADMIN: _admin_permissions(),
    }
    created_flags = {}
    for name, permissions in wanted.items():
        group, created = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions.distinct())
        created_flags[name] = created
    return created_flags
